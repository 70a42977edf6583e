import Foundation
import GRDB
import OCOPReplica
import OCOPSync

// Reading the whole national store for a copy to another backend (StoreContents).
extension SQLiteNationalStore: StoreContentsSource {
    package func contents() async throws -> StoreContents {
        try await StoreThreads.write {
            // Central writes made with plain SQL get their stamps and positions first.
            try self.replica.write { db in
                var directory = try ReplicaDirectory(db)
                try self.replica.storage.stampPendingWrites(db, local: self.replica.replicaID, directory: &directory)
                try directory.save(db)
            }
            return try self.replica.read { db in try self.contents(db) }
        }
    }

    private func contents(_ db: Database) throws -> StoreContents {
        let storage = replica.storage
        let directory = try ReplicaDirectory(db)
        var contents = StoreContents(
            storeReplica: replica.replicaID, centralCounter: try SyncMeta.int(db, .stampedThrough) ?? 0,
            feedPosition: try SyncMeta.int(db, .feedSequence) ?? 0
        )
        for table in storage.tables {
            var rows: [StoreContents.StoredRow] = []
            let columns = table.columnNames.map { "t.\"\($0)\"" }.joined(separator: ", ")
            for source in [table.schema.name, SyncSchemaSQL.graveyard(table.schema)] {
                let cursor = try Row.fetchCursor(db, sql: """
                    SELECT t.id, \(columns), r.meta, r.seq, r.echo FROM "\(source)" t JOIN _sync_rows r ON r.tbl = ? AND r.pk = t.id
                    """, arguments: [table.index])
                while let row = try cursor.next() {
                    let count = table.columnNames.count
                    let values = (1...count).map { SyncValue(row[$0] as DatabaseValue) }
                    let meta = try RowMeta(decoding: Array(row[count + 1] as Data), columnCount: count, directory: directory)
                    let echo: Int64? = row[count + 3]
                    rows.append(StoreContents.StoredRow(
                        key: SyncValue(row[0] as DatabaseValue), state: meta.state(values: values, columnNames: table.columnNames),
                        seq: row[count + 2] ?? 0, echo: try echo.map { try directory.replica(at: UInt64($0)) }
                    ))
                }
            }
            contents.rows[table.schema.name] = rows
        }
        for conflict in try Row.fetchAll(db, sql: "SELECT * FROM _sync_conflicts") {
            guard let kind = ConflictRecord.Kind(rawValue: UInt8(clamping: conflict["kind"] as Int64)),
                  let origin = ReplicaID(bytes: Array(conflict["replica"] as Data)) else { continue }
            contents.conflicts.append(StoreContents.Conflict(
                record: ConflictRecord(
                    table: conflict["tbl"], key: SyncValue(conflict["pk"] as DatabaseValue), column: conflict["col"], kind: kind,
                    losingValue: SyncValue(conflict["value"] as DatabaseValue),
                    losingStamp: Stamp(hlc: HLC(rawValue: UInt64(bitPattern: conflict["hlc"])),
                                       dot: Dot(replica: origin, counter: UInt64(bitPattern: conflict["counter"])))
                ),
                seq: conflict["seq"] ?? 0
            ))
        }
        func records(_ sql: String) throws -> [StoreContents.Record] {
            try Row.fetchAll(db, sql: sql).map { row in
                Dictionary(uniqueKeysWithValues: row.columnNames.map { ($0, SyncValue(row[$0] as DatabaseValue)) })
            }
        }
        contents.server["accounts"] = try records("SELECT * FROM _server_accounts")
        contents.server["replicas"] = try records("""
            SELECT r.*, s.served_through FROM _server_replicas r LEFT JOIN _server_pull_served s ON s.replica = r.replica
            """)
        contents.server["api_tokens"] = try records("SELECT * FROM _api_tokens")
        contents.server["resolutions"] = try db.tableExists(Self.resolutionsTable) ? records("SELECT * FROM _central_resolutions") : []
        contents.server["state"] = try records("SELECT * FROM _server_state")
        contents.server["tenant_merges"] = try db.tableExists("_tenant_merges") ? records("SELECT * FROM _tenant_merges") : []
        return contents
    }
}
