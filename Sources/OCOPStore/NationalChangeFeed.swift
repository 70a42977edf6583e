import Foundation
import GRDB
import OCOPModel
import OCOPReplica
import OCOPSync

/// The national store's change feed: every row change and conflict record gets the next
/// position, so replicas pull by cursor.
///
/// With its position a row records its owner (the province it belongs to, by its number in
/// `_sync_replicas`; 0 for rows every province sees), so a province's pull is one range of the
/// (owner, position) index, and the replica whose push made the change (`echo`), so that replica
/// is not sent its own change back.
struct NationalChangeFeed: ChangeFeed {
    func recordRowChange(
        _ db: Database, _ table: SyncedTable, pk: DatabaseValue, meta: Data, isDeleted: Bool, echo: ReplicaID?, owner: SyncValue?,
        storage: SyncStorage, directory: inout ReplicaDirectory
    ) throws {
        let position = try directory.nextFeedSequence(db)
        let echoIndex = echo.map { Int64(directory.index(of: $0)) }
        var ownerIndex: Int64 = 0
        if table.schema.scope == .tenant, let tenantColumn = table.columnNames.firstIndex(of: TableSchema.tenantColumn) {
            let value = try owner ?? storage.loadValues(db, table, pk: pk, visible: !isDeleted)[tenantColumn]
            if case .blob(let bytes) = value, let tenant = ReplicaID(bytes: bytes) { ownerIndex = Int64(directory.index(of: tenant)) }
        }
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO _sync_rows(tbl, pk, meta, seq, owner, echo) VALUES (?, ?, ?, ?, ?, ?)")
            .execute(arguments: [table.index, pk, meta, position, ownerIndex, echoIndex])
    }

    func recordNewConflict(_ db: Database, _ conflict: ConflictRecord, directory: inout ReplicaDirectory) throws {
        try db.cachedStatement(sql: """
            UPDATE _sync_conflicts SET seq = ? WHERE tbl = ? AND pk = ? AND col = ? AND kind = ? AND replica = ? AND counter = ?
            """).execute(arguments: [
                try directory.nextFeedSequence(db), conflict.table, conflict.key.databaseValue, conflict.column,
                Int64(conflict.kind.rawValue), Data(conflict.losingStamp.dot.replica.bytes), Int64(bitPattern: conflict.losingStamp.dot.counter),
            ])
    }
}
