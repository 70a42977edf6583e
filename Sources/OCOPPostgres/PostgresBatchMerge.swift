import Foundation
import OCOPModel
import OCOPReplica
import OCOPStore
import OCOPSync
import PostgresNIO

/// Merging a batch of changes into the PostgreSQL store: a province's push, or the store's own
/// central-office writes.
///
/// The rows are locked and read first (a few statements per table), the merge and every judgement
/// run in memory, and only then is anything written, so a refused change writes nothing and the
/// transaction never has to undo part of a change.
struct PostgresBatchMerge {
    typealias ChangeResult = Result<Merge.Outcome, any Error>

    /// Judges one merged change before it is written: throw to refuse it.
    typealias Judge = (_ index: Int, _ table: SyncedTable, _ local: RowState?, _ outcome: Merge.Outcome, _ references: ReferenceLookup) throws -> Void

    /// Answers, from rows read before judging, whether a referenced row exists and whose it is.
    struct ReferenceLookup {
        var found: [String: [SyncValue: ReferencedRow]]
        func callAsFunction(_ table: String, _ key: SyncValue) -> ReferencedRow? { found[table]?[key] }
    }

    let rows: PostgresRows
    var store: PostgresNationalStore { rows.store }

    struct Applied {
        var results: [ChangeResult]
        var directory: ReplicaDirectory
        /// Conflict records added (not already known).
        var newConflicts: Int
        /// The final stored state of every row the batch touched, for callers that check more.
        var states: [RowIdentity: RowState]
    }

    struct RowIdentity: Hashable {
        var table: Int
        var key: SyncValue
    }

    /// Merges `changes` in order. `extraConflicts` are conflict records the pusher sent (already
    /// checked by the caller), recorded after the changes' own.
    func apply(
        _ changes: [RowChange], origin: ReplicaID?, extraConflicts: [(ConflictRecord, tenant: SyncValue?)] = [],
        judge: Judge
    ) async throws -> Applied {
        var results = [ChangeResult?](repeating: nil, count: changes.count)
        var tables = [SyncedTable?](repeating: nil, count: changes.count)
        var keysByTable: [Int: [SyncValue]] = [:]
        var replicaIDs = Set<ReplicaID>()
        if let origin { replicaIDs.insert(origin) }
        for (index, change) in changes.enumerated() {
            do {
                let table = try store.storage.validateShape(change)
                tables[index] = table
                keysByTable[table.index, default: []].append(change.key)
                Self.collectReplicas(change.state, into: &replicaIDs)
            } catch {
                results[index] = .failure(error)
            }
        }
        try await rows.lock(keysByTable.flatMap { table, keys in keys.map { (table: table, key: $0) } })
        var directory = try await store.directory(including: replicaIDs, rows.connection)
        var stored: [RowIdentity: StoredRow] = [:]
        var unreadable: [RowIdentity: String] = [:]
        for (tableIndex, keys) in keysByTable {
            let (found, damaged) = try await rows.load(store.storage.tables[tableIndex], keys: keys, directory: &directory)
            for (key, row) in found { stored[RowIdentity(table: tableIndex, key: key)] = row }
            for (key, problem) in damaged { unreadable[RowIdentity(table: tableIndex, key: key)] = problem }
        }
        for row in stored.values { Self.collectReplicas(row.state, into: &replicaIDs) }
        directory = try await store.directory(including: replicaIDs, rows.connection)
        let references = ReferenceLookup(found: try await rows.referencedRows(referencedKeys(changes, tables: tables, stored: stored)))

        // Merge and judge in memory, in batch order; a later change of the same row sees the earlier.
        var current: [RowIdentity: RowState] = stored.mapValues(\.state)
        var writes: [RowIdentity: Int64?] = [:]
        var order: [RowIdentity] = []
        var conflicts: [(ConflictRecord, RowIdentity)] = []
        for (index, change) in changes.enumerated() where results[index] == nil {
            let table = tables[index]!
            let identity = RowIdentity(table: table.index, key: change.key)
            if let problem = unreadable[identity] {
                results[index] = .failure(ReplicaError.corrupt(problem))
                continue
            }
            let local = current[identity]
            let outcome = Merge.merge(local: local, incoming: change.state, table: change.table, key: change.key)
            if outcome.isNoop {
                results[index] = .success(outcome)
                continue
            }
            do {
                try judge(index, table, local, outcome, references)
            } catch {
                results[index] = .failure(error)
                continue
            }
            let echo = origin.flatMap { local?.versionVector.isCovered(by: change.state.versionVector) ?? true ? $0 : nil }
            if writes[identity] == nil { order.append(identity) }
            writes[identity] = echo.flatMap { directory.existingIndex(of: $0) }.map { Int64($0) }
            current[identity] = outcome.state
            conflicts += outcome.conflicts.map { ($0, identity) }
            results[index] = .success(outcome)
        }

        let allConflicts = conflicts.map { ($0.0, tenant: current[$0.1]?.columns[TableSchema.tenantColumn]?.value) } + extraConflicts
        var position = try await rows.reservePositions(order.count + allConflicts.count)
        var byTable: [Int: [PostgresRows.RowWrite]] = [:]
        for identity in order {
            byTable[identity.table, default: []].append(PostgresRows.RowWrite(
                key: identity.key, state: current[identity]!, wasInTomb: stored[identity]?.inTomb, seq: position, echo: writes[identity] ?? nil
            ))
            position += 1
        }
        for (tableIndex, group) in byTable.sorted(by: { $0.key < $1.key }) {
            try await rows.write(store.storage.tables[tableIndex], group, directory: &directory)
        }
        var newConflicts = 0
        for (conflict, tenant) in allConflicts {
            if try await rows.record(conflict, seq: position, tenant: tenant) { newConflicts += 1 }
            position += 1
        }
        return Applied(results: results.map { $0! }, directory: directory, newConflicts: newConflicts, states: current)
    }

    static func collectReplicas(_ state: RowState, into ids: inout Set<ReplicaID>) {
        for replica in state.versionVector.counters.keys { ids.insert(replica) }
        for write in state.columns.values { ids.insert(write.stamp.dot.replica) }
        if let existence = state.existence { ids.insert(existence.stamp.dot.replica) }
    }

    /// Every row a changed row may refer to, from its incoming and its stored values.
    private func referencedKeys(_ changes: [RowChange], tables: [SyncedTable?], stored: [RowIdentity: StoredRow]) -> [String: Set<SyncValue>] {
        var wanted: [String: Set<SyncValue>] = [:]
        for (index, change) in changes.enumerated() {
            guard let table = tables[index] else { continue }
            let local = stored[RowIdentity(table: table.index, key: change.key)]?.state
            for column in table.schema.columns {
                guard let target = column.references else { continue }
                for value in [change.state.columns[column.name]?.value, local?.columns[column.name]?.value] {
                    if let value, !value.isNull { wanted[target, default: []].insert(value) }
                }
            }
            if let named = table.schema.namedTableReference {
                for state in [change.state, local] {
                    guard case .text(let target)? = state?.columns[named.tableColumn]?.value ?? local?.columns[named.tableColumn]?.value,
                          OCOPSchema.table(named: target) != nil,
                          let value = state?.columns[named.keyColumn]?.value ?? local?.columns[named.keyColumn]?.value, !value.isNull
                    else { continue }
                    wanted[target, default: []].insert(value)
                }
            }
        }
        return wanted
    }
}
