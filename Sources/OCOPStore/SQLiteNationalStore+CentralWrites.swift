import Foundation
import GRDB
import OCOPReplica

extension SQLiteNationalStore {
    /// Stamps the central office's writes made since the last stamping (its commands, or plain
    /// SQL with the `sqlite3` shell), so the feed serves them.
    ///
    /// The commands hold their writes to the model's rules; plain SQL does not. Each row written
    /// is judged now, and one that breaks the rules is logged as a warning naming the table, the
    /// row and the fields. It is served as written: it is committed, and it is the central
    /// office's word, but the operator hears of it before a province finds it unreadable.
    func stampCentralWrites(_ db: Database, directory: inout ReplicaDirectory) throws {
        let stampedThrough = try SyncMeta.int(db, .stampedThrough) ?? 0
        let written = try Row.fetchAll(db, sql: "SELECT DISTINCT tbl, pk FROM _sync_log WHERE seq > ?", arguments: [stampedThrough])
        guard try replica.storage.stampPendingWrites(db, local: replica.replicaID, directory: &directory) > 0 else { return }
        for row in written {
            let tableIndex: Int = row[0]
            guard replica.storage.tables.indices.contains(tableIndex) else { continue }
            let table = replica.storage.tables[tableIndex].schema.name
            let key: DatabaseValue = row[1]
            let problems = try StoredRowValidation.problems(db, table: table, key: key, reference: .standard)
            guard !problems.isEmpty else { continue }
            logger.warning("a central write breaks the model's rules; it is served as written", metadata: [
                "table": "\(table)",
                "row": "\(UUID.fromDatabaseValue(key)?.uuidString.lowercased() ?? key.description)",
                "problems": "\(problems.map { "\($0.field): \($0.reason)" }.joined(separator: "; "))",
            ])
        }
    }
}
