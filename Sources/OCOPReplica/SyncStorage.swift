import Foundation
import GRDB
import OCOPModel
import OCOPSync

/// The sync engine over one SQLite database: installs the schema and triggers, stamps captured
/// writes, and applies remote changes with ``Merge``. Province replicas and the central store
/// share it, so merge semantics exist once.
///
/// Every method runs inside the caller's write transaction.
package struct SyncStorage: Sendable {
    package let tables: [SyncedTable]
    private let tablesByName: [String: SyncedTable]
    /// The central store numbers every row change and conflict in one feed, for pulls by cursor.
    package let feed: (any ChangeFeed)?
    /// Whether changes are numbered in a feed for pulls by cursor (the national store).
    package var keepsFeed: Bool { feed != nil }

    package init(schema: [TableSchema] = OCOPSchema.tables, feed: (any ChangeFeed)?) {
        tables = schema.enumerated().map { SyncedTable(schema: $1, index: $0) }
        tablesByName = Dictionary(uniqueKeysWithValues: tables.map { ($0.schema.name, $0) })
        self.feed = feed
    }

    package func table(named name: String) -> SyncedTable? { tablesByName[name] }

    // MARK: Schema

    package func install(_ db: Database) throws {
        for statement in SyncSchemaSQL.bookkeeping { try db.execute(sql: statement) }
        for table in tables {
            try db.execute(sql: SyncSchemaSQL.createTable(table.schema))
            try db.execute(sql: SyncSchemaSQL.createTable(table.schema, name: SyncSchemaSQL.graveyard(table.schema), constraints: false))
            for statement in SyncSchemaSQL.createIndexes(table.schema) { try db.execute(sql: statement) }
            for statement in SyncSchemaSQL.triggers(table.schema, tableIndex: table.index) { try db.execute(sql: statement) }
            try feed?.install(db, table)
        }
    }

    // MARK: Stamping captured writes

    /// Gives every captured but unstamped local write its dot (`_sync_log.seq`) and clock, in log
    /// order, and folds it into its row's metadata. Returns how many writes were stamped.
    @discardableResult
    package func stampPendingWrites(_ db: Database, local: ReplicaID, directory: inout ReplicaDirectory) throws -> Int {
        let stampedThrough = try SyncMeta.int(db, .stampedThrough) ?? 0
        if let newest = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM _sync_log"), newest < stampedThrough {
            throw ReplicaError.corrupt("_sync_log was emptied by hand: change counters would be reused")
        }
        var clock = HLC(rawValue: UInt64(bitPattern: try SyncMeta.int(db, .clock) ?? 0))
        // The log first, then the stored metadata of every row it names, a chunk per statement.
        var log: [(seq: Int64, key: RowKey, operation: LogOperation, mask: Int64, wall: Int64)] = []
        let entries = try Row.fetchCursor(
            db, sql: "SELECT seq, tbl, pk, op, mask, wall FROM _sync_log WHERE seq > ? ORDER BY seq", arguments: [stampedThrough]
        )
        while let entry = try entries.next() {
            let seq: Int64 = entry[0]
            let tableIndex: Int = entry[1]
            guard tables.indices.contains(tableIndex), let operation = LogOperation(rawValue: entry[3]) else {
                throw ReplicaError.corrupt("_sync_log row \(seq) names an unknown table or operation")
            }
            log.append((seq, RowKey(table: tableIndex, pk: entry[2]), operation, entry[4], entry[5]))
        }
        guard let last = log.last?.seq else { return 0 }
        var stored: [Int: [DatabaseValue: (meta: RowMeta, position: Int64?)]] = [:]
        for (tableIndex, keys) in Dictionary(grouping: log.map(\.key), by: \.table) {
            stored[tableIndex] = try loadMetas(db, tables[tableIndex], keys: keys.map(\.pk), directory: directory)
        }
        var metas: [RowKey: (meta: RowMeta, wasStored: Bool, position: Int64?, inGraveyard: Bool)] = [:]
        var order: [RowKey] = []
        for entry in log {
            clock = clock.tick(wallMillis: UInt64(max(entry.wall, 0)))
            let stamp = Stamp(hlc: clock, dot: Dot(replica: local, counter: UInt64(entry.seq)))
            if metas[entry.key] == nil {
                let found = stored[entry.key.table]?[entry.key.pk]
                metas[entry.key] = (found?.meta ?? RowMeta(columnCount: tables[entry.key.table].columnNames.count), found != nil,
                                    found?.position, found?.meta.existence?.isDeleted == true)
                order.append(entry.key)
            }
            metas[entry.key]!.meta.record(entry.operation, mask: entry.mask, stamp: stamp)
            // The delete trigger copied the row to its graveyard.
            if entry.operation == .delete { metas[entry.key]!.inGraveyard = true }
        }
        let count = log.count
        for key in order {
            let (meta, wasStored, position, inGraveyard) = metas[key]!
            try saveMeta(
                db, tables[key.table], pk: key.pk, meta: meta, echo: nil, isNew: !wasStored, previousPosition: position,
                directory: &directory
            )
            // A row inserted again after a delete leaves its graveyard.
            if meta.existence?.isDeleted == false, inGraveyard {
                try db.cachedStatement(sql: tables[key.table].deleteTomb).execute(arguments: [key.pk])
            }
        }
        try directory.save(db)
        try SyncMeta.set(db, .stampedThrough, last)
        try SyncMeta.set(db, .clock, Int64(bitPattern: clock.rawValue))
        return count
    }

    // MARK: Reading row state

    package func loadMeta(_ db: Database, _ table: SyncedTable, pk: DatabaseValue, directory: ReplicaDirectory) throws -> RowMeta? {
        let data: Data
        if let feed {
            guard let stored = try feed.storedMetadata(db, table, keys: [pk])[pk] else { return nil }
            data = stored.bytes
        } else {
            let statement = try db.cachedStatement(sql: "SELECT meta FROM _sync_rows WHERE tbl = ? AND pk = ?")
            guard let found = try Data.fetchOne(statement, arguments: [table.index, pk]) else { return nil }
            data = found
        }
        do {
            return try RowMeta(decoding: Array(data), columnCount: table.columnNames.count, directory: directory)
        } catch {
            throw ReplicaError.corrupt("sync metadata of \(table.schema.name) row \(SyncValue(pk)) is unreadable: \(error)")
        }
    }

    /// The row's column values, from the table while visible and from its graveyard once deleted.
    package func loadValues(_ db: Database, _ table: SyncedTable, pk: DatabaseValue, visible: Bool) throws -> [SyncValue] {
        let statement = try db.cachedStatement(sql: visible ? table.selectRow : table.selectTomb)
        guard let row = try Row.fetchOne(statement, arguments: [pk]) else {
            return Array(repeating: .null, count: table.columnNames.count)
        }
        return (0..<table.columnNames.count).map { SyncValue(row[$0] as DatabaseValue) }
    }

    package func loadState(_ db: Database, _ table: SyncedTable, pk: DatabaseValue, directory: ReplicaDirectory) throws -> RowState? {
        guard let meta = try loadMeta(db, table, pk: pk, directory: directory) else { return nil }
        let values = try loadValues(db, table, pk: pk, visible: meta.existence?.isDeleted == false)
        return meta.state(values: values, columnNames: table.columnNames)
    }

    /// Stores a row's metadata; returns its new feed position (stores with a feed only).
    ///
    /// - Parameters:
    ///   - owner: the row's `tenant_id` value (central store only; loaded when nil).
    ///   - previousPosition: the row's feed position as loaded (central store only).
    @discardableResult
    package func saveMeta(
        _ db: Database, _ table: SyncedTable, pk: DatabaseValue, meta: RowMeta, echo: ReplicaID?, owner: SyncValue? = nil,
        isNew: Bool = false, previousPosition: Int64? = nil, directory: inout ReplicaDirectory
    ) throws -> Int64? {
        let bytes = Data(meta.encoded(&directory))
        if let feed {
            return try feed.recordRowChange(
                db, table, pk: pk, meta: bytes, isDeleted: meta.existence?.isDeleted != false, echo: echo, owner: owner,
                previousPosition: previousPosition, storage: self, directory: &directory
            )
        } else if isNew {
            try db.cachedStatement(sql: "INSERT INTO _sync_rows(tbl, pk, meta) VALUES (?, ?, ?)").execute(arguments: [table.index, pk, bytes])
        } else {
            let statement = try db.cachedStatement(sql: "INSERT OR REPLACE INTO _sync_rows(tbl, pk, meta) VALUES (?, ?, ?)")
            try statement.execute(arguments: [table.index, pk, bytes])
        }
        return nil
    }

    // MARK: Applying remote changes

    /// Checks that a change names a synced table and only its columns.
    package func validateShape(_ change: RowChange) throws -> SyncedTable {
        guard let table = tablesByName[change.table] else {
            throw ReplicaError.invalidChange(table: change.table, key: change.key, reason: "unknown table")
        }
        for name in change.state.columns.keys where table.schema.column(named: name) == nil {
            throw ReplicaError.invalidChange(table: change.table, key: change.key, reason: "unknown column \(name)")
        }
        if case .null = change.key {
            throw ReplicaError.invalidChange(table: change.table, key: change.key, reason: "primary key is NULL")
        }
        return table
    }

    /// Adds a conflict record unless it is already known.
    package func record(_ db: Database, _ conflict: ConflictRecord, pushed: Bool, directory: inout ReplicaDirectory) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO _sync_conflicts(tbl, pk, col, kind, replica, counter, hlc, value, pushed, seq)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try statement.execute(arguments: [
            conflict.table, conflict.key.databaseValue, conflict.column, Int64(conflict.kind.rawValue),
            Data(conflict.losingStamp.dot.replica.bytes), Int64(bitPattern: conflict.losingStamp.dot.counter),
            Int64(bitPattern: conflict.losingStamp.hlc.rawValue), conflict.losingValue.databaseValue, pushed, nil,
        ])
        // A new record gets the next feed position; one already known keeps its place.
        if let feed, db.changesCount > 0 { try feed.recordNewConflict(db, conflict, directory: &directory) }
    }

    /// Runs `body` with capture suspended: the library's own writes of remote changes are not
    /// local writes. The flag lives in the transaction, so no other connection ever sees it.
    package func withApplyingFlag<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        try db.execute(sql: "UPDATE \(SyncSchemaSQL.flagsTable) SET applying = 1")
        let result = try body()
        try db.execute(sql: "UPDATE \(SyncSchemaSQL.flagsTable) SET applying = 0")
        return result
    }

    /// Raises the local clock so later local writes are stamped after everything seen.
    package func observe(_ db: Database, clocks: some Sequence<HLC>) throws {
        let current = HLC(rawValue: UInt64(bitPattern: try SyncMeta.int(db, .clock) ?? 0))
        let seen = clocks.reduce(current) { $0.receiving($1) }
        if seen > current { try SyncMeta.set(db, .clock, Int64(bitPattern: seen.rawValue)) }
    }
}

/// A row's identity inside one database: table number and primary key.
package struct RowKey: Hashable {
    package let table: Int
    package let pk: DatabaseValue
}

extension RowState {
    /// Every clock in the state, to advance a receiver's clock past them.
    package var clocks: [HLC] {
        var result = columns.values.map(\.stamp.hlc)
        if let existence { result.append(existence.stamp.hlc) }
        return result
    }
}
