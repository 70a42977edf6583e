import Foundation
import OCOPModel
import OCOPReplica
import OCOPStore
import OCOPSync
import PostgresNIO

// The whole national store as StoreContents: read for a digest or a copy elsewhere, and loaded
// into an empty PostgreSQL store when a central office moves off SQLite.
extension PostgresNationalStore: StoreContentsDestination {
    /// Server tables: how each travels (name in ``StoreContents``, table here, columns and their
    /// PostgreSQL types).
    private static let serverColumns: [(name: String, table: String, columns: [(String, ServerColumn)])] = [
        ("accounts", "_server_accounts", [
            ("user", .text), ("role", .text), ("tenant_id", .bytes), ("salt", .bytes), ("iterations", .integer),
            ("stored_key", .bytes), ("server_key", .bytes), ("enabled", .flag), ("created_at", .text), ("updated_at", .text),
        ]),
        ("replicas", "_server_replicas", [
            ("replica", .bytes), ("user", .text), ("acknowledged", .integer), ("pulled", .integer), ("first_seen_at", .text),
            ("last_push_at", .text), ("last_pull_at", .text), ("changes_merged", .integer), ("conflicts", .integer),
            ("refused", .integer), ("served_through", .integer),
        ]),
        ("api_tokens", "_api_tokens", [
            ("id", .text), ("name", .text), ("scope", .text), ("secret_sha256", .bytes), ("created_at", .text), ("revoked_at", .text),
        ]),
        ("resolutions", "_central_resolutions", [
            ("conflict_id", .text), ("tbl", .text), ("pk", .bytes), ("col", .text), ("kind", .integer), ("replica", .bytes),
            ("counter", .integer), ("choice", .text), ("value", .anyValue), ("resolved_at", .text),
        ]),
        ("state", "_server_state", [("key", .text), ("value", .integer)]),
        ("tenant_merges", "_tenant_merges", [
            ("tbl", .text), ("pk", .bytes), ("from_tenant", .bytes), ("into_tenant", .bytes), ("merged_on", .text),
        ]),
    ]

    /// How a server column is stored here, so values compare equal with SQLite's.
    private enum ServerColumn {
        case text, bytes, integer
        /// A boolean here, 1 or 0 in SQLite.
        case flag
        /// A value of any type (``PostgresValues/encodeAny(_:)``), as SQLite's `ANY` columns.
        case anyValue
    }

    package func contents() async throws -> StoreContents {
        try await transaction(readOnly: true, onPrimary: true) { connection in
            let counter = try await rows(connection, "SELECT last_value, is_called FROM _central_dots")[0].makeRandomAccess()
            let position = try await rows(connection, "SELECT position FROM _sync_feed WHERE id = 1")[0].makeRandomAccess()[0].decode(Int64.self)
            // From the table, not this object: a load may have just replaced it.
            let identity = try await rows(connection, "SELECT value FROM _store WHERE key = 'replica'")[0].makeRandomAccess()
            guard let replica = ReplicaID(bytes: try PostgresValues.bytes(identity[0]) ?? []) else {
                throw StoreError(.storage, "the store's identity (_store.replica) is unreadable")
            }
            var contents = StoreContents(
                storeReplica: replica, centralCounter: try counter[1].decode(Bool.self) ? try counter[0].decode(Int64.self) : 0,
                feedPosition: position
            )
            var numbering: [UInt64: ReplicaID] = [:]
            for row in try await rows(connection, "SELECT idx, id FROM _sync_replicas") {
                let cells = row.makeRandomAccess()
                if let id = ReplicaID(bytes: try PostgresValues.bytes(cells[1]) ?? []) { numbering[UInt64(try cells[0].decode(Int64.self))] = id }
            }
            var directory = ReplicaDirectory(entries: numbering.map { (index: $0.key, replica: $0.value) })
            let stored = PostgresRows(store: self, connection: connection)
            for table in storage.tables {
                let list = PostgresRows.selectList(table)
                let found = try await rows(connection, """
                    SELECT \(list), false, _seq, _echo FROM "\(table.schema.name)"
                    UNION ALL SELECT \(list), true, _seq, _echo FROM "\(PostgresSchema.tombName(table.schema))"
                    """)
                let (states, unreadable) = try await stored.decodeRows(table, found, directory: &directory)
                if let problem = unreadable.values.first { throw StoreError(.storage, problem) }
                var tableRows: [StoreContents.StoredRow] = []
                for row in found {
                    let cells = row.makeRandomAccess()
                    let key = SyncValue.blob(try PostgresValues.bytes(cells[0]) ?? [])
                    let base = table.columnNames.count + 3
                    let echo = try cells[base + 1].decode(Int64?.self)
                    guard let state = states[key]?.state else { continue }
                    tableRows.append(StoreContents.StoredRow(
                        key: key, state: state, seq: try cells[base].decode(Int64.self), echo: echo.flatMap { numbering[UInt64($0)] }
                    ))
                }
                contents.rows[table.schema.name] = tableRows
            }
            for row in try await rows(connection, "SELECT tbl, pk, col, kind, replica, counter, hlc, value, seq FROM _sync_conflicts") {
                let cells = row.makeRandomAccess()
                guard let kind = ConflictRecord.Kind(rawValue: UInt8(clamping: try cells[3].decode(Int16.self))),
                      let origin = ReplicaID(bytes: try PostgresValues.bytes(cells[4]) ?? []) else { continue }
                contents.conflicts.append(StoreContents.Conflict(
                    record: ConflictRecord(
                        table: try cells[0].decode(String.self), key: .blob(try PostgresValues.bytes(cells[1]) ?? []),
                        column: try cells[2].decode(String.self), kind: kind,
                        losingValue: PostgresValues.decodeAny(try PostgresValues.bytes(cells[7]) ?? []),
                        losingStamp: Stamp(hlc: HLC(rawValue: UInt64(bitPattern: try cells[6].decode(Int64.self))),
                                           dot: Dot(replica: origin, counter: UInt64(bitPattern: try cells[5].decode(Int64.self))))
                    ),
                    seq: try cells[8].decode(Int64.self)
                ))
            }
            for (name, table, columns) in Self.serverColumns {
                let list = columns.map { "\"\($0.0)\"" }.joined(separator: ", ")
                contents.server[name] = try await rows(connection, "SELECT \(list) FROM \(table)").map { row in
                    let cells = row.makeRandomAccess()
                    var record: StoreContents.Record = [:]
                    for (index, (column, kind)) in columns.enumerated() {
                        let cell = cells[index]
                        guard cell.bytes != nil else {
                            record[column] = .null
                            continue
                        }
                        switch kind {
                        case .text: record[column] = .text(try cell.decode(String.self))
                        case .bytes: record[column] = .blob(try PostgresValues.bytes(cell) ?? [])
                        case .integer: record[column] = .integer(try cell.decode(Int64.self))
                        case .flag: record[column] = .integer(try cell.decode(Bool.self) ? 1 : 0)
                        case .anyValue: record[column] = PostgresValues.decodeAny(try PostgresValues.bytes(cell) ?? [])
                        }
                    }
                    return record
                }
            }
            return contents
        }
    }

    /// Loads a whole national store into this one, which must be empty, in one transaction. The
    /// store takes over the source's replica id and dot counter, so this store object must be
    /// closed afterwards and the database opened again (`ocop-syncd store copy` does).
    package func load(_ contents: StoreContents) async throws {
        let directory = try await transaction { connection -> ReplicaDirectory in
            let accounts = try await rows(connection, "SELECT count(*) FROM _server_accounts")[0].makeRandomAccess()[0].decode(Int64.self)
            let position = try await rows(connection, "SELECT position FROM _sync_feed WHERE id = 1")[0].makeRandomAccess()[0].decode(Int64.self)
            guard accounts == 0, position == 0 else {
                throw StoreError(.invalidArgument, "the destination \(configuration) is not empty (\(accounts) accounts, feed at \(position)); copy into a new, empty database")
            }
            var identity = PostgresBindings()
            identity.append(ByteBuffer(bytes: contents.storeReplica.bytes))
            try await rows(connection, "UPDATE _store SET value = $1 WHERE key = 'replica'", identity)
            var feed = PostgresBindings()
            feed.append(contents.feedPosition)
            try await rows(connection, "UPDATE _sync_feed SET position = $1 WHERE id = 1", feed)
            var counter = PostgresBindings()
            counter.append(max(contents.centralCounter, 1))
            counter.append(contents.centralCounter > 0)
            try await rows(connection, "SELECT setval('_central_dots', $1, $2)", counter)

            var replicas = Set<ReplicaID>([contents.storeReplica])
            for row in contents.rows.values.joined() {
                PostgresBatchMerge.collectReplicas(row.state, into: &replicas)
                if let echo = row.echo { replicas.insert(echo) }
            }
            for conflict in contents.conflicts { replicas.insert(conflict.record.origin) }
            var directory = try await self.directory(including: replicas, connection)
            let stored = PostgresRows(store: self, connection: connection)
            var tenants: [String: [SyncValue: SyncValue]] = [:]
            for (name, rows) in contents.rows {
                guard let table = storage.table(named: name) else {
                    throw StoreError(.invalidArgument, "the source has rows of \(name), which this release does not know")
                }
                for start in stride(from: 0, to: rows.count, by: 2_000) {
                    let chunk = rows[start..<min(start + 2_000, rows.count)]
                    try await stored.write(table, chunk.map {
                        PostgresRows.RowWrite(key: $0.key, state: $0.state, wasInTomb: nil, seq: $0.seq,
                                              echo: $0.echo.flatMap { directory.existingIndex(of: $0) }.map { Int64($0) })
                    }, directory: &directory)
                }
                for row in rows { tenants[name, default: [:]][row.key] = row.state.columns[TableSchema.tenantColumn]?.value }
            }
            for conflict in contents.conflicts {
                try await stored.record(conflict.record, seq: conflict.seq, tenant: tenants[conflict.record.table]?[conflict.record.key] ?? nil)
            }
            for (name, table, columns) in Self.serverColumns {
                for record in contents.server[name] ?? [] {
                    var bindings = PostgresBindings()
                    for (column, kind) in columns {
                        let value = record[column] ?? .null
                        switch (kind, value) {
                        case (_, .null): bindings.appendNull()
                        case (.flag, .integer(let number)): bindings.append(number != 0)
                        case (.anyValue, _): bindings.append(PostgresValues.encodeAny(value))
                        case (.bytes, .blob(let bytes)): bindings.append(ByteBuffer(bytes: bytes))
                        case (.integer, .integer(let number)): bindings.append(number)
                        case (.text, .text(let text)): bindings.append(text)
                        default:
                            throw StoreError(.invalidArgument, "\(name).\(column): \(value) cannot be stored as \(kind)")
                        }
                    }
                    let list = columns.map { "\"\($0.0)\"" }.joined(separator: ", ")
                    let placeholders = (1...columns.count).map { "$\($0)" }.joined(separator: ", ")
                    try await rows(connection, "INSERT INTO \(table) (\(list)) VALUES (\(placeholders))", bindings)
                }
            }
            return directory
        }
        remember(directory)
        logger.notice("national store loaded", metadata: ["summary": "\(contents.summary)"])
    }
}
