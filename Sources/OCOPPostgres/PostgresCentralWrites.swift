import Foundation
import OCOPModel
import OCOPReplica
import OCOPStore
import OCOPSync
import PostgresNIO

/// One write the store makes itself, as the central office: set some columns of a row (an
/// insert when the row is new or deleted), or delete it.
struct CentralWrite {
    var table: String
    var key: SyncValue
    /// Column values to write; nil deletes the row.
    var values: [String: SyncValue]?
}

extension PostgresNationalStore {
    /// The principal the store's own writes are judged as.
    var centralPrincipal: Principal { Principal(replica: storeReplica, role: .central, tenantID: nil) }

    /// Stamps `writes` with the store's replica id and merges them like any push, inside the
    /// caller's transaction, so they are numbered in the feed and reach the provinces. Throws the
    /// first refusal (nothing of the transaction is then committed).
    ///
    /// Each write is stamped after its row is locked, with a counter drawn then and a clock past
    /// every stamp the row holds: a central write always follows what it saw.
    @discardableResult
    ///
    /// - Parameter validating: whether the model's rules judge the rows (the protocol's unchecked
    ///   `addProvince` adds units of other periods for tests and data migrations, as SQLite does).
    func writeCentrally(
        _ writes: [CentralWrite], _ connection: PostgresConnection, reference: ReferenceData = .standard, validating: Bool = true
    ) async throws -> ReplicaDirectory {
        let rows = PostgresRows(store: self, connection: connection)
        var changes: [RowChange] = []
        var directory = try await directory(including: [storeReplica], connection)
        var current: [PostgresBatchMerge.RowIdentity: RowState] = [:]
        for write in writes {
            guard let table = storage.table(named: write.table) else {
                throw StoreError(.invalidArgument, "unknown table \(write.table)")
            }
            let identity = PostgresBatchMerge.RowIdentity(table: table.index, key: write.key)
            try await rows.lock([(table: table.index, key: write.key)])
            if current[identity] == nil, let stored = try await rows.load(table, keys: [write.key], directory: &directory).rows[write.key] {
                current[identity] = stored.state
            }
            let counter = try await self.rows(connection, "SELECT nextval('_central_dots')")[0].makeRandomAccess()[0].decode(Int64.self)
            let local = current[identity]
            let seen = local?.clocks.max() ?? .zero
            let stamp = Stamp(hlc: seen.tick(wallMillis: HLC.wallMillisNow()), dot: Dot(replica: storeReplica, counter: UInt64(counter)))
            var state = local ?? RowState()
            if let values = write.values {
                var complete = values
                if !(local?.isVisible ?? false) {
                    for column in table.columnNames where complete[column] == nil { complete[column] = .null }
                }
                state.recordWrite(complete, stamp: stamp, insert: !(local?.isVisible ?? false))
            } else {
                state.recordDelete(stamp: stamp)
            }
            current[identity] = state
            changes.append(RowChange(table: write.table, key: write.key, state: state))
        }
        var pending: [String: Set<SyncValue>] = [:]
        for change in changes where change.state.isVisible { pending[change.table, default: []].insert(change.key) }
        let known = KnownRows(pendingKeys: pending)
        let principal = centralPrincipal
        let applied = try await PostgresBatchMerge(rows: rows).apply(changes, origin: nil) { index, table, local, outcome, references in
            let change = changes[index]
            try self.policy.check(change, table: table.schema, local: local, merged: outcome.state, principal: principal)
            guard outcome.state.isVisible else { return }
            try Self.refuseUnstorableText(change, outcome.state)
            guard validating else { return }
            let values = table.columnNames.map { outcome.state.columns[$0]?.value ?? .null }
            let problems = try StoredRowValidation.problems(
                table: table, key: change.key, values: values, reference: reference, known: known, lookup: { references($0, $1) }
            )
            // The model's own error, as the SQLite store's central writes throw it.
            if !problems.isEmpty { throw ValidationErrors(problems) }
        }
        for result in applied.results {
            if case .failure(let error) = result {
                if let refusal = error as? Refusal { throw StoreError(.invalidArgument, refusal.message) }
                throw error
            }
        }
        return applied.directory
    }
}
