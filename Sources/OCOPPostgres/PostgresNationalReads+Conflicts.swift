import Foundation
import OCOPModel
import OCOPReplica
import OCOPStore
import OCOPSync
import PostgresNIO

// Conflict review (NationalReads): the recorded conflicts with both sides, labelled by the
// accounts the replicas sync as. Ids, labels and the pairing with the row's winning write are
// the SQLite reader's own functions, so a conflict reads the same on both backends.
extension PostgresNationalStore {
    public func conflicts() async throws -> [ConflictItem] {
        try await reading { connection in
            let labels = try await originLabels(connection)
            var resolutions: [String: ConflictResolution] = [:]
            for row in try await rows(connection, "SELECT conflict_id, choice, value, resolved_at FROM _central_resolutions") {
                let row = ReadRow(row)
                resolutions[try row.text(0)] = ConflictResolution(
                    choice: try row.text(1), value: try row.bytes(2).map(PostgresValues.decodeAny) ?? .null, resolvedAt: try row.text(3))
            }
            var records: [(record: ConflictRecord, id: String)] = []
            // Byte order for the names, as SQLite sorts them.
            for row in try await rows(connection, """
                SELECT tbl, pk, col, kind, replica, counter, hlc, value FROM _sync_conflicts
                ORDER BY hlc, replica, counter, tbl COLLATE "C", col COLLATE "C"
                """) {
                let row = ReadRow(row)
                let table = try row.text(0)
                let key = try row.bytes(1) ?? []
                let column = try row.text(2)
                let kindRaw = Int64(try row.cells[3].decode(Int16.self))
                let counter = try row.int64(5)
                guard let kind = ConflictRecord.Kind(rawValue: UInt8(clamping: kindRaw)),
                      let origin = ReplicaID(bytes: try row.bytes(4) ?? []) else { continue }
                let id = SQLiteNationalReader.conflictID(
                    table: table, keyText: SQLiteNationalReader.hex(key), column: column, kind: kindRaw, replica: origin.bytes, counter: counter)
                let record = ConflictRecord(
                    table: table, key: .blob(key), column: column, kind: kind,
                    losingValue: PostgresValues.decodeAny(try row.bytes(7) ?? []),
                    losingStamp: Stamp(hlc: HLC(rawValue: UInt64(bitPattern: try row.int64(6))), dot: Dot(replica: origin, counter: UInt64(bitPattern: counter)))
                )
                records.append((record, id))
            }
            // The rows as they stand now (live or deleted), one statement per table.
            var states: [String: [SyncValue: RowState]] = [:]
            var directory = try await directory(including: [], connection)
            let stored = PostgresRows(store: self, connection: connection)
            for (name, group) in Dictionary(grouping: records, by: \.record.table) {
                guard let table = storage.table(named: name) else { continue }
                let (found, unreadable) = try await stored.load(table, keys: group.map(\.record.key), directory: &directory)
                // As on SQLite, a row whose metadata cannot be read fails the review and is named,
                // rather than showing a conflict without the side that won.
                if let problem = unreadable.values.sorted().first { throw ReplicaError.corrupt(problem) }
                states[name] = found.mapValues(\.state)
            }
            return records.map { record, id in
                SQLiteNationalReader.conflictItem(
                    record, id: id, state: states[record.table]?[record.key], labels: labels, resolution: resolutions[id])
            }
        }
    }

    /// Replica id → the province code its account syncs as (or `central`).
    private func originLabels(_ connection: PostgresConnection) async throws -> [ReplicaID: String] {
        var labels: [ReplicaID: String] = [storeReplica: SQLiteNationalReader.storeOriginLabel]
        for row in try await rows(connection, """
            SELECT r.replica, a.role, t.code, r."user" FROM _server_replicas r
            LEFT JOIN _server_accounts a ON a."user" = r."user" LEFT JOIN tenants t ON t.id = a.tenant_id
            """) {
            let row = ReadRow(row)
            guard let id = ReplicaID(bytes: try row.bytes(0) ?? []) else { continue }
            labels[id] = SQLiteNationalReader.originLabel(role: try row.optionalText(1), provinceCode: try row.optionalText(2), user: try row.text(3))
        }
        return labels
    }
}
