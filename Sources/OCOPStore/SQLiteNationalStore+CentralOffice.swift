import Foundation
import GRDB
import OCOPModel
import OCOPReplica
import OCOPSync

// Central-office writes: plain writes of the store's central replica, so its capture triggers
// record them and the next push or pull stamps and numbers them like any other change.
extension SQLiteNationalStore: CentralOffice {
    static let resolutionsTable = "_central_resolutions"
    static let createResolutions = """
        CREATE TABLE IF NOT EXISTS _central_resolutions (
          conflict_id TEXT PRIMARY KEY NOT NULL, tbl TEXT NOT NULL, pk ANY NOT NULL, col TEXT NOT NULL,
          kind INTEGER NOT NULL, replica BLOB NOT NULL, counter INTEGER NOT NULL,
          choice TEXT NOT NULL, value ANY, resolved_at TEXT NOT NULL)
        """

    public func saveCertificateDecision(_ decision: CertificateLedger.Decision, reference: ReferenceData) async throws {
        let replica = self.replica
        try await StoreThreads.write { try replica.save(decision, reference: reference) }
    }

    public func saveInspectionKey(_ key: InspectionKey, reference: ReferenceData) async throws {
        let replica = self.replica
        try await StoreThreads.write { try replica.save(key, reference: reference) }
    }

    public func resolveConflict(_ item: ConflictItem, choice: ConflictChoice, writing value: SyncValue?,
                                reference: ReferenceData, at time: Date) async throws -> ConflictItem {
        let replica = self.replica
        let resolved = try await StoreThreads.write {
            try replica.write { db in try Self.resolve(db, item, choice: choice, writing: value, reference: reference, at: time) }
        }
        logger.notice("conflict resolved", metadata: ["conflict": "\(item.id)", "choice": "\(choice.label)"])
        return resolved
    }

    static func resolve(_ db: Database, _ item: ConflictItem, choice: ConflictChoice, writing value: SyncValue?,
                        reference: ReferenceData, at time: Date) throws -> ConflictItem {
        try db.execute(sql: createResolutions)
        if let earlier = try Row.fetchOne(db, sql: "SELECT choice, resolved_at FROM _central_resolutions WHERE conflict_id = ?", arguments: [item.id]) {
            throw CentralError(.badData, "conflict \(item.id) was already resolved (\(earlier["choice"] as String)) at \(earlier["resolved_at"] as String)")
        }
        if let value {
            guard let schema = OCOPSchema.table(named: item.table), let column = schema.column(named: item.column) else {
                throw CentralError(.badData, "\(item.table) has no column \(item.column)")
            }
            try db.execute(sql: "UPDATE \"\(schema.name)\" SET \"\(column.name)\" = ? WHERE id = ?",
                           arguments: [value.databaseValue, item.key.databaseValue])
            if db.changesCount != 1 {
                throw CentralError(.notFound, "\(item.table) row \(item.key) no longer exists; the conflict cannot be resolved by a value")
            }
            let problems = try StoredRowValidation.problems(db, table: schema.name, key: item.key.databaseValue, reference: reference)
            if !problems.isEmpty { throw ValidationErrors(problems) }
        }
        let written = value ?? item.winningValue ?? .null
        let resolvedAt = ISO8601DateFormatter().string(from: time)
        try db.execute(sql: """
            INSERT INTO _central_resolutions(conflict_id, tbl, pk, col, kind, replica, counter, choice, value, resolved_at)
            SELECT ?, tbl, pk, col, kind, replica, counter, ?, ?, ? FROM _sync_conflicts
            WHERE tbl = ? AND pk = ? AND col = ? AND kind = ? AND replica = ? AND counter = ?
            """, arguments: [item.id, choice.label, written.databaseValue, resolvedAt,
                             item.table, item.key.databaseValue, item.column, Int64(item.kind.rawValue),
                             Data(item.losingOrigin.bytes), Int64(bitPattern: item.losingCounter)])
        var resolved = item
        resolved.resolution = ConflictResolution(choice: choice.label, value: written, resolvedAt: resolvedAt)
        return resolved
    }

    public func mergeTenant(_ retired: UUID, into survivor: UUID, lastDay: LocalDate) async throws -> TenantMergeResult {
        let result = try await StoreThreads.write { try self.mergeTenant(retired, into: survivor, lastDay: lastDay) }
        logger.notice("tenant merged", metadata: [
            "retired": "\(retired.uuidString.lowercased())", "survivor": "\(survivor.uuidString.lowercased())",
            "rows": "\(result.movedRows.values.reduce(0, +))",
        ])
        return result
    }
}
