import Foundation
import GRDB
import OCOPModel
import OCOPReplica
import OCOPSync

// Reading the whole national store for a copy to another backend (StoreContents).
extension SQLiteNationalStore: StoreContentsSource {
    package func contents() async throws -> StoreContents {
        try await StoreThreads.write {
            // Central writes made with plain SQL get their stamps and positions first.
            try self.replica.write { db in
                var directory = try ReplicaDirectory(db)
                try self.stampCentralWrites(db, directory: &directory)
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
                    SELECT t.id, \(columns), r.meta, r.seq, r.echo FROM "\(source)" t JOIN _sync_rows r ON r.seq = t._sync_seq AND r.tbl = ? AND r.pk = t.id
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

extension SQLiteNationalStore: StoreContentsDestination {
    /// Loads a whole national store into this one, which must be new and empty, in one
    /// transaction. The store takes over the source's replica id and dot counter, so this object
    /// must be closed afterwards and the file opened again (`ocop-syncd store copy` does).
    package func load(_ contents: StoreContents) async throws {
        try await StoreThreads.write {
            try self.replica.write { db in
                try self.checkEmpty(db)
                try self.replica.storage.withApplyingFlag(db) { try self.load(contents, into: db) }
            }
        }
        logger.notice("national store loaded", metadata: ["summary": "\(contents.summary)"])
    }

    private func checkEmpty(_ db: Database) throws {
        let accounts = try Int.fetchOne(db, sql: "SELECT count(*) FROM _server_accounts") ?? 0
        let rows = try Int.fetchOne(db, sql: "SELECT count(*) FROM _sync_rows") ?? 0
        let position = try SyncMeta.int(db, .feedSequence) ?? 0
        guard accounts == 0, rows == 0, position == 0 else {
            throw StoreError(.invalidArgument, "the destination is not empty (\(accounts) accounts, \(rows) synced rows, feed at \(position)); copy into a new file")
        }
    }

    private func load(_ contents: StoreContents, into db: Database) throws {
        let storage = replica.storage
        var directory = try ReplicaDirectory(db)
        var newestClock = HLC.zero
        for (name, rows) in contents.rows {
            guard let table = storage.table(named: name) else {
                throw StoreError(.invalidArgument, "the source has rows of \(name), which this release does not know")
            }
            let tenantColumn = table.columnNames.firstIndex(of: TableSchema.tenantColumn)
            for row in rows {
                var values: [DatabaseValue] = [row.key.databaseValue]
                for column in table.columnNames { values.append(row.state.columns[column]?.value.databaseValue ?? .null) }
                try db.cachedStatement(sql: row.state.isVisible ? table.insertRow : table.insertTomb).execute(arguments: StatementArguments(values))
                var owner: Int64 = 0
                if table.schema.scope == .tenant, let tenantColumn, case .blob(let bytes) = row.state.columns[table.columnNames[tenantColumn]]?.value,
                   let tenant = ReplicaID(bytes: bytes) {
                    owner = Int64(directory.index(of: tenant))
                }
                let meta = Data(RowMeta(row.state, columnNames: table.columnNames).encoded(&directory))
                try db.cachedStatement(sql: "INSERT INTO _sync_rows(tbl, pk, meta, seq, owner, echo) VALUES (?, ?, ?, ?, ?, ?)").execute(arguments: [
                    table.index, row.key.databaseValue, meta, row.seq, owner, row.echo.map { Int64(directory.index(of: $0)) },
                ])
                try NationalChangeFeed().place(db, table, pk: row.key.databaseValue, isDeleted: !row.state.isVisible, at: row.seq)
                newestClock = row.state.clocks.reduce(newestClock) { max($0, $1) }
            }
        }
        for conflict in contents.conflicts {
            let record = conflict.record
            try db.execute(sql: """
                INSERT INTO _sync_conflicts(tbl, pk, col, kind, replica, counter, hlc, value, pushed, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)
                """, arguments: [
                    record.table, record.key.databaseValue, record.column, Int64(record.kind.rawValue), Data(record.origin.bytes),
                    Int64(bitPattern: record.losingStamp.dot.counter), Int64(bitPattern: record.losingStamp.hlc.rawValue),
                    record.losingValue.databaseValue, conflict.seq,
                ])
        }
        try db.execute(sql: Self.createResolutions)
        try db.execute(sql: Self.createTenantMerges)
        let tables = ["accounts": "_server_accounts", "replicas": "_server_replicas", "api_tokens": "_api_tokens",
                      "resolutions": "_central_resolutions", "state": "_server_state", "tenant_merges": "_tenant_merges"]
        for (name, _) in StoreContents.serverTables {
            for var record in contents.server[name] ?? [] {
                if name == "replicas", let served = record.removeValue(forKey: "served_through"), !served.isNull {
                    try db.execute(sql: "INSERT INTO _server_pull_served(replica, served_through) VALUES (?, ?)",
                                   arguments: [record["replica"]?.databaseValue ?? .null, served.databaseValue])
                }
                let columns = record.keys.sorted()
                try db.execute(
                    sql: "INSERT INTO \(tables[name]!) (\(columns.map { "\"\($0)\"" }.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))",
                    arguments: StatementArguments(columns.map { record[$0]!.databaseValue })
                )
            }
        }
        // The store's identity and counters: its next central write is stamped after all of these.
        try SyncMeta.set(db, .replicaID, contents.storeReplica.description)
        try SyncMeta.set(db, .feedSequence, contents.feedPosition)
        try SyncMeta.set(db, .stampedThrough, contents.centralCounter)
        try SyncMeta.set(db, .clock, Int64(bitPattern: max(newestClock.rawValue, UInt64(bitPattern: try SyncMeta.int(db, .clock) ?? 0))))
        if contents.centralCounter > 0 {
            // The log keeps its newest row so counters go on from it (see Replica.acknowledge).
            try db.execute(sql: "INSERT INTO _sync_log(seq, tbl, pk, op, mask, wall) VALUES (?, 0, x'', 1, 0, 0)", arguments: [contents.centralCounter])
        }
        try directory.save(db)
    }
}
