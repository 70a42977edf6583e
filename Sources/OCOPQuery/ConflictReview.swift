import Foundation
import GRDB
import OCOPModel
import OCOPReplica
import OCOPSync

/// How the central office settles a conflict.
public enum ConflictChoice: Sendable, Hashable {
    /// Keep the value in the row (the merge's winner): nothing is written.
    case winner
    /// Write the losing value back as a central decision.
    case loser
    /// Write a new value (text, converted to the column's type).
    case value(String)

    var label: String {
        switch self {
        case .winner: return "winner"
        case .loser: return "loser"
        case .value: return "value"
        }
    }
}

/// A resolution recorded by the central office (`_central_resolutions`, local to the national
/// dataset: the decision itself syncs as the row write it made).
public struct ConflictResolution: Sendable, Hashable {
    public var choice: String
    public var value: SyncValue
    public var resolvedAt: String
}

/// One recorded conflict with both sides, as the central office reviews it.
public struct ConflictItem: Sendable, Hashable {
    /// A stable id (16 hex digits) derived from the conflict's identity.
    public var id: String
    public var table: String
    public var key: SyncValue
    public var column: String
    public var kind: ConflictRecord.Kind
    public var losingValue: SyncValue
    public var losingOrigin: ReplicaID
    /// The province code (or `central`) the losing replica syncs as, if known.
    public var losingOriginLabel: String
    public var losingTime: HLC
    /// The losing write's dot counter (with ``losingOrigin``, its identity).
    public var losingCounter: UInt64
    /// The value in the row now (for `_exists`: 1 visible, 0 deleted), nil if unknown.
    public var winningValue: SyncValue?
    public var winningOrigin: ReplicaID?
    public var winningOriginLabel: String?
    public var winningTime: HLC?
    /// The province owning the row (tenant-scoped tables).
    public var tenantID: UUID?
    public var resolution: ConflictResolution?

    public var isExistenceConflict: Bool { column == ConflictRecord.existenceColumn }
}

/// Errors of conflict review and central decisions the user can act on.
public struct CentralError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: Sendable, Equatable { case notFound, badData }
    public let code: Code
    public let message: String
    public var description: String { message }
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}

/// Lists the conflicts of the national dataset with both sides and resolves them.
public struct ConflictReview: Sendable {
    public let database: any DatabaseReader
    static let resolutionsTable = "_central_resolutions"
    static let createResolutions = """
        CREATE TABLE IF NOT EXISTS _central_resolutions (
          conflict_id TEXT PRIMARY KEY NOT NULL, tbl TEXT NOT NULL, pk ANY NOT NULL, col TEXT NOT NULL,
          kind INTEGER NOT NULL, replica BLOB NOT NULL, counter INTEGER NOT NULL,
          choice TEXT NOT NULL, value ANY, resolved_at TEXT NOT NULL)
        """

    public init(database: any DatabaseReader) {
        self.database = database
    }

    /// Every conflict, oldest losing write first, with its resolution if resolved.
    public func items() throws -> [ConflictItem] {
        try database.read { db in try Self.items(db) }
    }

    /// Conflicts not yet resolved.
    public func pending() throws -> [ConflictItem] {
        try items().filter { $0.resolution == nil }
    }

    static func conflictID(table: String, key: DatabaseValue, column: String, kind: Int64, replica: [UInt8], counter: Int64) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        let keyText: String
        switch key.storage {
        case .blob(let data): keyText = data.map { String(format: "%02x", $0) }.joined()
        default: keyText = key.description
        }
        let text = "\(table)|\(keyText)|\(column)|\(kind)|\(replica.map { String(format: "%02x", $0) }.joined())|\(counter)"
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    static func items(_ db: Database) throws -> [ConflictItem] {
        let storage = SyncStorage(keepsFeed: true)
        let directory = try ReplicaDirectory(db)
        let labels = try originLabels(db)
        var resolutions: [String: ConflictResolution] = [:]
        if try db.tableExists(resolutionsTable) {
            for row in try Row.fetchAll(db, sql: "SELECT conflict_id, choice, value, resolved_at FROM \(resolutionsTable)") {
                resolutions[row["conflict_id"]] = ConflictResolution(
                    choice: row["choice"], value: SyncValue(row["value"] as DatabaseValue), resolvedAt: row["resolved_at"])
            }
        }
        var items: [ConflictItem] = []
        for row in try Row.fetchAll(db, sql: """
            SELECT tbl, pk, col, kind, replica, counter, hlc, value FROM _sync_conflicts ORDER BY hlc, replica, counter, tbl, col
            """) {
            let table: String = row["tbl"]
            let pk: DatabaseValue = row["pk"]
            let column: String = row["col"]
            let kindRaw: Int64 = row["kind"]
            let replicaBytes = Array(row["replica"] as Data)
            let counter: Int64 = row["counter"]
            guard let kind = ConflictRecord.Kind(rawValue: UInt8(clamping: kindRaw)),
                  let origin = ReplicaID(bytes: replicaBytes) else { continue }
            let id = conflictID(table: table, key: pk, column: column, kind: kindRaw, replica: replicaBytes, counter: counter)
            var item = ConflictItem(
                id: id, table: table, key: SyncValue(pk), column: column, kind: kind,
                losingValue: SyncValue(row["value"] as DatabaseValue), losingOrigin: origin,
                losingOriginLabel: labels[origin] ?? "unknown replica",
                losingTime: HLC(rawValue: UInt64(bitPattern: row["hlc"])), losingCounter: UInt64(bitPattern: counter), resolution: resolutions[id]
            )
            if let synced = storage.table(named: table), let state = try storage.loadState(db, synced, pk: pk, directory: directory) {
                if case .blob(let bytes)? = state.columns[TableSchema.tenantColumn]?.value { item.tenantID = uuid(fromBlob: bytes) }
                if item.isExistenceConflict {
                    if let existence = state.existence {
                        item.winningValue = .integer(existence.isDeleted ? 0 : 1)
                        item.winningOrigin = existence.stamp.dot.replica
                        item.winningTime = existence.stamp.hlc
                    }
                } else if let write = state.columns[column] {
                    item.winningValue = write.value
                    item.winningOrigin = write.stamp.dot.replica
                    item.winningTime = write.stamp.hlc
                }
                item.winningOriginLabel = item.winningOrigin.map { labels[$0] ?? "unknown replica" }
            }
            items.append(item)
        }
        return items
    }

    /// Replica id → the province code its account syncs as (or `central`).
    static func originLabels(_ db: Database) throws -> [ReplicaID: String] {
        var labels: [ReplicaID: String] = [:]
        if let own = try String.fetchOne(db, sql: "SELECT value FROM _sync_meta WHERE key = 'replica_id'"), let id = ReplicaID(string: own) {
            labels[id] = "central (national dataset)"
        }
        for row in try Row.fetchAll(db, sql: """
            SELECT r.replica, a.role, t.code, r.user FROM _server_replicas r
            LEFT JOIN _server_accounts a ON a.user = r.user LEFT JOIN tenants t ON t.id = a.tenant_id
            """) {
            guard let id = ReplicaID(bytes: Array(row["replica"] as Data)) else { continue }
            let role: String? = row["role"]
            let code: String? = row["code"]
            labels[id] = role == "central" ? "central" : code.map { "province \($0)" } ?? "account \(row["user"] as String)"
        }
        return labels
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

    /// Resolves a conflict on the national dataset `replica` (the store's central replica).
    ///
    /// Taking the loser or a new value is a normal write to the row through the replica, so it
    /// is captured and flows to the owning province on its next sync; the record is validated
    /// first and nothing is written if it is invalid. Taking the winner writes nothing to the
    /// row (every replica that synced already holds it). Either way the conflict is marked
    /// resolved in `_central_resolutions`, in the same transaction.
    @discardableResult
    public static func resolve(_ id: String, choice: ConflictChoice, on replica: Replica,
                               reference: ReferenceData = .standard, now: Date = Date()) throws -> ConflictItem {
        try replica.write { db in
            let item = try find(id, in: try items(db))
            if let resolution = item.resolution {
                throw CentralError(.badData, "conflict \(item.id) was already resolved (\(resolution.choice)) at \(resolution.resolvedAt)")
            }
            guard let schema = OCOPSchema.table(named: item.table) else {
                throw CentralError(.badData, "conflict \(item.id) is on unknown table \(item.table)")
            }
            var written: SyncValue = item.winningValue ?? .null
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
                try db.execute(sql: "UPDATE \"\(schema.name)\" SET \"\(column.name)\" = ? WHERE id = ?",
                               arguments: [written.databaseValue, item.key.databaseValue])
                if db.changesCount != 1 {
                    throw CentralError(.notFound, "\(item.table) row \(item.key) no longer exists; the conflict cannot be resolved by a value")
                }
                try validateRow(db, table: schema.name, key: item.key.databaseValue, reference: reference)
            }
            try db.execute(sql: createResolutions)
            let formatter = ISO8601DateFormatter()
            try db.execute(sql: """
                INSERT INTO _central_resolutions(conflict_id, tbl, pk, col, kind, replica, counter, choice, value, resolved_at)
                SELECT ?, tbl, pk, col, kind, replica, counter, ?, ?, ? FROM _sync_conflicts
                WHERE tbl = ? AND pk = ? AND col = ? AND kind = ? AND replica = ? AND counter = ?
                """, arguments: [item.id, choice.label, written.databaseValue, formatter.string(from: now),
                                 item.table, item.key.databaseValue, item.column, Int64(item.kind.rawValue),
                                 Data(item.losingOrigin.bytes), Int64(bitPattern: item.losingCounter)])
            var resolved = item
            resolved.resolution = ConflictResolution(choice: choice.label, value: written, resolvedAt: formatter.string(from: now))
            return resolved
        }
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

    /// Validates the row of `table` with `key` as its record type; throws its problems.
    static func validateRow(_ db: Database, table: String, key: DatabaseValue, reference: ReferenceData) throws {
        let problems = try StoredRowValidation.problems(db, table: table, key: key, reference: reference)
        if !problems.isEmpty { throw ValidationErrors(problems) }
    }
}
