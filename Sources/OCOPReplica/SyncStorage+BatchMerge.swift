import Foundation
import GRDB
import OCOPModel
import OCOPSync

/// Merging a batch of remote changes: the one path for a push merged by the server and a page
/// pulled by a replica.
///
/// The stored state of every row the batch touches is read first, in a few statements per table;
/// the merge runs in memory; each changed row is then written with statements prepared once per
/// column set. A change is judged (tenancy, validation) before anything of it is written, and its
/// first write is the only one that can fail on the data (a constraint), which SQLite undoes on
/// its own — so a refused change is never half-applied and needs no savepoint.
extension SyncStorage {
    /// What became of one change of a batch: merged (possibly a no-op), or refused with a reason.
    package typealias ChangeResult = Result<Merge.Outcome, any Error>

    /// Judges one change before it is written: throw to refuse it. Sees the change's position in
    /// the batch, its table, the stored row (nil when unknown) and the merge outcome.
    package typealias Judge = (_ index: Int, _ table: SyncedTable, _ local: RowState?, _ outcome: Merge.Outcome) throws -> Void

    /// Merges `changes` in order and returns one result per change.
    ///
    /// A refused change (bad shape, unreadable stored metadata, refused by `judge`, a constraint
    /// on its first write) is reported in its result and does not stop the others. Any other
    /// database error (busy, full disk, I/O) is thrown: the caller's transaction must roll back.
    /// The caller must have raised the applying flag (``withApplyingFlag(_:_:)``).
    ///
    /// - Parameter origin: the replica that pushed the batch (central store only): a change that
    ///   leaves the row exactly as the pusher has it is not sent back to it on its next pull.
    package func applyBatch(
        _ db: Database, _ changes: [RowChange], origin: ReplicaID?, directory: inout ReplicaDirectory, judge: Judge? = nil
    ) throws -> [ChangeResult] {
        var results = [ChangeResult?](repeating: nil, count: changes.count)
        var shapes = [SyncedTable?](repeating: nil, count: changes.count)
        var keysByTable: [Int: [DatabaseValue]] = [:]
        for (index, change) in changes.enumerated() {
            do {
                let table = try validateShape(change)
                shapes[index] = table
                keysByTable[table.index, default: []].append(change.key.databaseValue)
            } catch {
                results[index] = .failure(error)
            }
        }
        var stored = StoredRows()
        for (tableIndex, keys) in keysByTable {
            try stored.load(db, self, tables[tableIndex], keys: keys, directory: directory)
        }
        var statements = PreparedWrites()
        for (index, change) in changes.enumerated() where results[index] == nil {
            let table = shapes[index]!
            let key = RowKey(table: table.index, pk: change.key.databaseValue)
            if let problem = stored.unreadable[key] {
                results[index] = .failure(problem)
                continue
            }
            let local = stored.states[key]
            let outcome = Merge.merge(local: local, incoming: change.state, table: change.table, key: change.key)
            if outcome.isNoop {
                results[index] = .success(outcome)
                continue
            }
            do {
                try judge?(index, table, local, outcome)
            } catch {
                results[index] = .failure(error)
                continue
            }
            do {
                try write(db, table, pk: key.pk, local: local, outcome: outcome, statements: &statements)
            } catch let error as FirstWriteRefused {
                results[index] = .failure(error.underlying)
                continue
            }
            let echo = origin.flatMap { local?.versionVector.isCovered(by: change.state.versionVector) ?? true ? $0 : nil }
            stored.positions[key] = try saveMeta(
                db, table, pk: key.pk, meta: RowMeta(outcome.state, columnNames: table.columnNames), echo: echo,
                owner: outcome.state.columns[TableSchema.tenantColumn]?.value ?? .null, isNew: local == nil,
                previousPosition: stored.positions[key], directory: &directory
            )
            for conflict in outcome.conflicts { try record(db, conflict, pushed: false, directory: &directory) }
            stored.states[key] = outcome.state
            results[index] = .success(outcome)
        }
        return results.map { $0! }
    }

    /// Writes the merged values of one row: to its table while visible, to its graveyard once
    /// deleted. Only the first statement can meet a constraint; its failure is a
    /// ``FirstWriteRefused`` and has changed nothing.
    private func write(
        _ db: Database, _ table: SyncedTable, pk: DatabaseValue, local: RowState?, outcome: Merge.Outcome,
        statements: inout PreparedWrites
    ) throws {
        let wasVisible = local?.isVisible ?? false
        let changed = outcome.changedColumns
        switch (wasVisible, outcome.state.isVisible) {
        case (true, true):
            if !changed.isEmpty {
                try firstWrite(table, pk) { try statements.update(db, table, columns: changed, graveyard: false, state: outcome.state, pk: pk) }
            }
        case (true, false):
            try db.cachedStatement(sql: table.copyRowToTomb).execute(arguments: [pk])
            try db.cachedStatement(sql: table.deleteRow).execute(arguments: [pk])
            if !changed.isEmpty { try statements.update(db, table, columns: changed, graveyard: true, state: outcome.state, pk: pk) }
        case (false, true):
            try firstWrite(table, pk) { try statements.insert(db, table, graveyard: false, state: outcome.state, pk: pk) }
            if local != nil { try db.cachedStatement(sql: table.deleteTomb).execute(arguments: [pk]) }
        case (false, false):
            if !changed.isEmpty || outcome.existenceChanged {
                try statements.insert(db, table, graveyard: true, state: outcome.state, pk: pk)
            }
        }
    }

    private func firstWrite(_ table: SyncedTable, _ pk: DatabaseValue, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw FirstWriteRefused(underlying: ReplicaError.invalidChange(
                table: table.schema.name, key: SyncValue(pk), reason: error.message ?? "constraint failed"
            ))
        } catch let error as DatabaseError where Self.isAboutTheRow(error) {
            throw FirstWriteRefused(underlying: error)
        }
    }

    /// Whether a database error is about the row written (a value SQLite will not store), which
    /// refuses that change; anything else is the database's trouble and aborts the batch.
    package static func isAboutTheRow(_ error: DatabaseError) -> Bool {
        switch error.resultCode {
        case .SQLITE_CONSTRAINT, .SQLITE_MISMATCH, .SQLITE_TOOBIG, .SQLITE_RANGE: return true
        default: return false
        }
    }

    /// The stored state of many rows of one table, read in a few statements, and the rows whose
    /// metadata cannot be read.
    package func loadStates(
        _ db: Database, _ table: SyncedTable, keys: [DatabaseValue], directory: ReplicaDirectory
    ) throws -> (states: [DatabaseValue: RowState], unreadable: [ReplicaError]) {
        var stored = StoredRows()
        try stored.load(db, self, table, keys: keys, directory: directory)
        var result: [DatabaseValue: RowState] = [:]
        result.reserveCapacity(stored.states.count)
        for (key, state) in stored.states { result[key.pk] = state }
        return (result, Array(stored.unreadable.values))
    }
}

/// A constraint met by a change's first write: nothing of the change was written.
private struct FirstWriteRefused: Error {
    var underlying: any Error
}

extension SyncStorage {
    /// The stored metadata of many rows, read a chunk of keys per statement (stamping a night of
    /// local writes looked them up one by one). Unreadable metadata throws, naming the row.
    package func loadMetas(
        _ db: Database, _ table: SyncedTable, keys: [DatabaseValue], directory: ReplicaDirectory
    ) throws -> [DatabaseValue: (meta: RowMeta, position: Int64?)] {
        var result: [DatabaseValue: (meta: RowMeta, position: Int64?)] = [:]
        var unreadable: [RowKey: ReplicaError] = [:]
        let unique = Array(Set(keys))
        var start = 0
        while start < unique.count {
            let chunk = Array(unique[start..<min(start + StoredRows.chunkSize, unique.count)])
            start += chunk.count
            result.merge(try StoredRows.loadMetas(db, self, table, chunk: chunk, directory: directory, unreadable: &unreadable)) { $1 }
            if let problem = unreadable.values.first { throw problem }
        }
        return result
    }
}

/// Stored states of the rows a batch touches, keyed by table and primary key.
private struct StoredRows {
    var states: [RowKey: RowState] = [:]
    /// Feed positions of the rows (stores with a feed only).
    var positions: [RowKey: Int64] = [:]
    /// Rows whose metadata cannot be read: each refuses its own change only.
    var unreadable: [RowKey: ReplicaError] = [:]

    /// How many keys one statement looks up (well under SQLite's limit on bound variables).
    static let chunkSize = 256

    mutating func load(_ db: Database, _ storage: SyncStorage, _ table: SyncedTable, keys: [DatabaseValue], directory: ReplicaDirectory) throws {
        let unique = Array(Set(keys))
        var start = 0
        while start < unique.count {
            let chunk = Array(unique[start..<min(start + Self.chunkSize, unique.count)])
            start += chunk.count
            let metas = try Self.loadMetas(db, storage, table, chunk: chunk, directory: directory, unreadable: &unreadable)
            let visible = metas.filter { $0.value.meta.existence?.isDeleted == false }.map(\.key)
            let hidden = metas.filter { $0.value.meta.existence?.isDeleted != false }.map(\.key)
            var values: [DatabaseValue: [SyncValue]] = [:]
            for (keys, graveyard) in [(visible, false), (hidden, true)] where !keys.isEmpty {
                let source = graveyard ? SyncSchemaSQL.graveyard(table.schema) : table.schema.name
                let columns = table.columnNames.map { "\"\($0)\"" }.joined(separator: ", ")
                let rows = try Row.fetchCursor(
                    db.cachedStatement(sql: "SELECT id, \(columns) FROM \"\(source)\" WHERE id IN (\(Self.placeholders(keys.count)))"),
                    arguments: StatementArguments(keys)
                )
                while let row = try rows.next() {
                    values[row[0]] = (1...table.columnNames.count).map { SyncValue(row[$0] as DatabaseValue) }
                }
            }
            let empty = Array(repeating: SyncValue.null, count: table.columnNames.count)
            for (pk, stored) in metas {
                let key = RowKey(table: table.index, pk: pk)
                states[key] = stored.meta.state(values: values[pk] ?? empty, columnNames: table.columnNames)
                if let position = stored.position { positions[key] = position }
            }
        }
    }

    /// The metadata of the rows of `chunk` that have any (at most ``chunkSize`` keys).
    static func loadMetas(
        _ db: Database, _ storage: SyncStorage, _ table: SyncedTable, chunk: [DatabaseValue], directory: ReplicaDirectory,
        unreadable: inout [RowKey: ReplicaError]
    ) throws -> [DatabaseValue: (meta: RowMeta, position: Int64?)] {
        var stored: [DatabaseValue: (bytes: Data, position: Int64?)] = [:]
        if let feed = storage.feed {
            for (pk, found) in try feed.storedMetadata(db, table, keys: chunk) { stored[pk] = (found.bytes, found.position) }
        } else {
            let metaRows = try Row.fetchCursor(
                db.cachedStatement(sql: "SELECT pk, meta FROM _sync_rows WHERE tbl = ? AND pk IN (\(placeholders(chunk.count)))"),
                arguments: StatementArguments([table.index.databaseValue] + chunk)
            )
            while let row = try metaRows.next() { stored[row[0]] = (row[1], nil) }
        }
        var metas: [DatabaseValue: (meta: RowMeta, position: Int64?)] = [:]
        for (pk, found) in stored {
            do {
                metas[pk] = (try RowMeta(decoding: Array(found.bytes), columnCount: table.columnNames.count, directory: directory), found.position)
            } catch {
                unreadable[RowKey(table: table.index, pk: pk)] = .corrupt(
                    "sync metadata of \(table.schema.name) row \(SyncValue(pk)) is unreadable: \(error)"
                )
            }
        }
        return metas
    }

    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }
}

/// Statements that write merged rows, prepared once per table, target and column set for the
/// whole batch (building the SQL text for every change cost more than running it).
private struct PreparedWrites {
    private var updates: [UpdateKey: Statement] = [:]

    private struct UpdateKey: Hashable {
        var table: Int
        var graveyard: Bool
        var columns: [String]
    }

    mutating func update(_ db: Database, _ table: SyncedTable, columns: [String], graveyard: Bool, state: RowState, pk: DatabaseValue) throws {
        let key = UpdateKey(table: table.index, graveyard: graveyard, columns: columns)
        let statement: Statement
        if let prepared = updates[key] {
            statement = prepared
        } else {
            statement = try db.makeStatement(sql: table.updateRow(columns: columns, graveyard: graveyard))
            updates[key] = statement
        }
        var arguments: [DatabaseValue] = []
        arguments.reserveCapacity(columns.count + 1)
        for name in columns { arguments.append(state.columns[name]!.value.databaseValue) }
        arguments.append(pk)
        try statement.execute(arguments: StatementArguments(arguments))
    }

    func insert(_ db: Database, _ table: SyncedTable, graveyard: Bool, state: RowState, pk: DatabaseValue) throws {
        var values: [DatabaseValue] = [pk]
        values.reserveCapacity(table.columnNames.count + 1)
        for name in table.columnNames { values.append(state.columns[name]?.value.databaseValue ?? .null) }
        try db.cachedStatement(sql: graveyard ? table.insertTomb : table.insertRow).execute(arguments: StatementArguments(values))
    }
}
