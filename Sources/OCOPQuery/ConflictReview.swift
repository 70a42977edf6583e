import Foundation
import OCOPModel
import OCOPStore
import OCOPSync

/// Lists the conflicts of the national dataset with both sides and resolves them.
public struct ConflictReview: Sendable {
    public let store: any NationalReads

    public init(store: any NationalReads) {
        self.store = store
    }

    /// Every conflict, oldest losing write first, with its resolution if resolved.
    public func items() async throws -> [ConflictItem] {
        try await store.conflicts()
    }

    /// Conflicts not yet resolved.
    public func pending() async throws -> [ConflictItem] {
        try await items().filter { $0.resolution == nil }
    }

    /// Finds a conflict by its id or a unique prefix of it (at least 4 characters).
    public static func find(_ id: String, in items: [ConflictItem]) throws -> ConflictItem {
        let wanted = id.trimmingCharacters(in: .whitespaces).lowercased()
        guard wanted.count >= 4 else { throw CentralError(.badData, "conflict id \"\(id)\" is too short: give at least 4 characters") }
        let matches = items.filter { $0.id.hasPrefix(wanted) }
        guard let match = matches.first else { throw CentralError(.notFound, "no conflict \(id); list them with `ocop conflicts review`") }
        guard matches.count == 1 else { throw CentralError(.badData, "conflict id \(id) is ambiguous (\(matches.count) match); give more characters") }
        return match
    }

    /// Resolves a conflict on the national dataset.
    ///
    /// Taking the loser or a new value is a central write to the row (``CentralOffice``), so it
    /// is captured and flows to the owning province on its next sync; the record is validated
    /// first and nothing is written if it is invalid. Taking the winner writes nothing to the
    /// row (every replica that synced already holds it). Either way the conflict is marked
    /// resolved, in the same transaction.
    @discardableResult
    public static func resolve(_ id: String, choice: ConflictChoice, on store: any NationalReads & CentralOffice,
                               reference: ReferenceData = .standard, now: Date = Date()) async throws -> ConflictItem {
        let item = try find(id, in: try await store.conflicts())
        if let resolution = item.resolution {
            throw CentralError(.badData, "conflict \(item.id) was already resolved (\(resolution.choice)) at \(resolution.resolvedAt)")
        }
        guard let schema = OCOPSchema.table(named: item.table) else {
            throw CentralError(.badData, "conflict \(item.id) is on unknown table \(item.table)")
        }
        var written: SyncValue?
        if choice != .winner {
            if item.isExistenceConflict {
                throw CentralError(.badData, "conflict \(item.id) is about whether the row exists; only --take winner is supported for it (restore or delete the row with a normal edit)")
            }
            guard let column = schema.column(named: item.column) else {
                throw CentralError(.badData, "\(item.table) has no column \(item.column)")
            }
            switch choice {
            case .loser: written = item.losingValue
            case .value(let text): written = try parse(text, as: column, table: schema.name)
            case .winner: break
            }
        }
        return try await store.resolveConflict(item, choice: choice, writing: written, reference: reference, at: now)
    }

    /// Converts text typed by the user to a column's stored value.
    static func parse(_ text: String, as column: ColumnSchema, table: String) throws -> SyncValue {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if column.isNullable && (trimmed.isEmpty || trimmed.uppercased() == "NULL") { return .null }
        func fail(_ expected: String) -> CentralError {
            CentralError(.badData, "\(table).\(column.name): \"\(text)\" is not \(expected)")
        }
        switch column.type {
        case .text: return .text(text.precomposedStringWithCanonicalMapping)
        case .date:
            guard (try? LocalDate(parsing: trimmed)) != nil else { throw fail("a date (YYYY-MM-DD)") }
            return .text(trimmed)
        case .integer:
            guard let value = Int64(trimmed) else { throw fail("an integer") }
            return .integer(value)
        case .real:
            guard let value = Double(trimmed.replacingOccurrences(of: ",", with: ".")), value.isFinite else { throw fail("a number") }
            return .real(value)
        case .uuid:
            guard let id = UUID(uuidString: trimmed) else { throw fail("a UUID") }
            return .blob(withUnsafeBytes(of: id.uuid) { Array($0) })
        }
    }
}
