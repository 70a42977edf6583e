import Foundation
import GRDB
import OCOPModel
import OCOPReplica
import OCOPSync

/// What a tenant merge did.
public struct TenantMergeResult: Sendable, Equatable {
    public var retired: UUID
    public var survivor: UUID
    /// Rows moved, per table.
    public var movedRows: [String: Int]

    /// Every field, so that a backend in another module can return one.
    public init(retired: UUID, survivor: UUID, movedRows: [String: Int]) {
        self.retired = retired
        self.survivor = survivor
        self.movedRows = movedRows
    }
}

extension SQLiteNationalStore {
    /// Where rows came from when their province was merged into another (made on first use).
    static let createTenantMerges = """
        CREATE TABLE IF NOT EXISTS _tenant_merges (
          tbl TEXT NOT NULL, pk BLOB NOT NULL, from_tenant BLOB NOT NULL, into_tenant BLOB NOT NULL, merged_on TEXT NOT NULL,
          PRIMARY KEY (tbl, pk, from_tenant))
        """

    /// Merges a retired province into the one that absorbs it (the 1 July 2025 consolidation).
    ///
    /// In one transaction: every row of the retired tenant gets the survivor's `tenant_id` (a
    /// central write of that one column: every other column keeps its value and its clock), the
    /// move is recorded in `_tenant_merges` so reports can still tell where a row came from, the
    /// retired tenant is marked `merged_into` the survivor with `valid_until`. Its account stays
    /// enabled so its replica can still push the edits it had not synced — they land in the
    /// survivor — but it can no longer pull (``RetiredProvince``). The survivor receives the rows
    /// on its next sync.
    package func mergeTenant(_ retired: UUID, into survivor: UUID, lastDay: LocalDate) throws -> TenantMergeResult {
        guard retired != survivor else { throw StoreError(.invalidArgument, "a province cannot be merged into itself") }
        return try replica.write { db in
            try db.execute(sql: Self.createTenantMerges)
            for (id, role) in [(retired, "retired"), (survivor, "surviving")] {
                guard let row = try Row.fetchOne(db, sql: "SELECT merged_into FROM tenants WHERE id = ?", arguments: [id]) else {
                    throw StoreError(.invalidArgument, "no \(role) province \(id.uuidString.lowercased()) in the national dataset")
                }
                if (row[0] as Data?) != nil {
                    throw StoreError(.invalidArgument, "the \(role) province \(id.uuidString.lowercased()) was already merged into another")
                }
            }
            var moved: [String: Int] = [:]
            for table in OCOPSchema.tables where table.scope == .tenant {
                try db.execute(sql: """
                    INSERT OR IGNORE INTO _tenant_merges(tbl, pk, from_tenant, into_tenant, merged_on)
                    SELECT ?, id, tenant_id, ?, ? FROM "\(table.name)" WHERE tenant_id = ?
                    """, arguments: [table.name, survivor, lastDay.description, retired])
                try db.execute(sql: "UPDATE \"\(table.name)\" SET tenant_id = ? WHERE tenant_id = ?", arguments: [survivor, retired])
                moved[table.name] = db.changesCount
            }
            try db.execute(sql: "UPDATE tenants SET merged_into = ?, valid_until = ? WHERE id = ?",
                           arguments: [survivor, lastDay.description, retired])
            return TenantMergeResult(retired: retired, survivor: survivor, movedRows: moved)
        }
    }
}
