import Foundation
import GRDB
import OCOPModel
import OCOPReplica
import OCOPSync

// Conflict review (NationalReads): the recorded conflicts with both sides, labelled by the
// accounts the replicas sync as.
extension SQLiteNationalReader {
    public func conflicts() async throws -> [ConflictItem] {
        try await reading { db in try Self.conflicts(db) }
    }

    /// The conflict's stable id (16 hex digits) from its identity: table, key, column, kind and
    /// the losing write's dot. Another backend must derive the same ids, which people keep.
    static func conflictID(table: String, key: DatabaseValue, column: String, kind: Int64, replica: [UInt8], counter: Int64) -> String {
        let keyText: String
        switch key.storage {
        case .blob(let data): keyText = hex(data)
        default: keyText = key.description
        }
        return conflictID(table: table, keyText: keyText, column: column, kind: kind, replica: replica, counter: counter)
    }

    /// The conflict's stable id with its key as the id spells it: ``hex(_:)`` of a blob key's
    /// bytes (every synced table's key is one). The one derivation every backend uses, so an id
    /// a person noted finds the same conflict on SQLite and on PostgreSQL.
    package static func conflictID(table: String, keyText: String, column: String, kind: Int64, replica: [UInt8], counter: Int64) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        let text = "\(table)|\(keyText)|\(column)|\(kind)|\(hex(replica))|\(counter)"
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Bytes as lowercase hex, two digits each, as conflict ids spell keys and replicas.
    package static func hex(_ bytes: some Sequence<UInt8>) -> String {
        Hex.string(bytes)
    }

    static func conflicts(_ db: Database) throws -> [ConflictItem] {
        let storage = SyncStorage(feed: NationalChangeFeed())
        let resolutionsTable = SQLiteNationalStore.resolutionsTable
        let directory = try ReplicaDirectory(db)
        let labels = try originLabels(db)
        var resolutions: [String: ConflictResolution] = [:]
        if try db.tableExists(resolutionsTable) {
            for row in try Row.fetchAll(db, sql: "SELECT conflict_id, choice, value, resolved_at FROM \(resolutionsTable)") {
                resolutions[row["conflict_id"]] = ConflictResolution(
                    choice: row["choice"], value: SyncValue(row["value"] as DatabaseValue), resolvedAt: row["resolved_at"])
            }
        }
        var items: [ConflictItem] = []
        for row in try Row.fetchAll(db, sql: """
            SELECT tbl, pk, col, kind, replica, counter, hlc, value FROM _sync_conflicts ORDER BY hlc, replica, counter, tbl, col
            """) {
            let table: String = row["tbl"]
            let pk: DatabaseValue = row["pk"]
            let column: String = row["col"]
            let kindRaw: Int64 = row["kind"]
            let replicaBytes = Array(row["replica"] as Data)
            let counter: Int64 = row["counter"]
            guard let kind = ConflictRecord.Kind(rawValue: UInt8(clamping: kindRaw)),
                  let origin = ReplicaID(bytes: replicaBytes) else { continue }
            let id = conflictID(table: table, key: pk, column: column, kind: kindRaw, replica: replicaBytes, counter: counter)
            let record = ConflictRecord(
                table: table, key: SyncValue(pk), column: column, kind: kind, losingValue: SyncValue(row["value"] as DatabaseValue),
                losingStamp: Stamp(hlc: HLC(rawValue: UInt64(bitPattern: row["hlc"])), dot: Dot(replica: origin, counter: UInt64(bitPattern: counter)))
            )
            var state: RowState?
            if let synced = storage.table(named: table) { state = try storage.loadState(db, synced, pk: pk, directory: directory) }
            items.append(conflictItem(record, id: id, state: state, labels: labels, resolution: resolutions[id]))
        }
        return items
    }

    /// A recorded conflict as the central office reviews it: the losing write from its record,
    /// the winning one from the row's state now (nil: the row is unknown), each labelled with the
    /// account its replica syncs as. Free of any query language, so every backend pairs and
    /// labels conflicts alike.
    package static func conflictItem(
        _ record: ConflictRecord, id: String, state: RowState?, labels: [ReplicaID: String], resolution: ConflictResolution?
    ) -> ConflictItem {
        var item = ConflictItem(
            id: id, table: record.table, key: record.key, column: record.column, kind: record.kind,
            losingValue: record.losingValue, losingOrigin: record.origin, losingOriginLabel: labels[record.origin] ?? "unknown replica",
            losingTime: record.losingStamp.hlc, losingCounter: record.losingStamp.dot.counter, resolution: resolution
        )
        guard let state else { return item }
        if case .blob(let bytes)? = state.columns[TableSchema.tenantColumn]?.value { item.tenantID = uuid(fromBlob: bytes) }
        if item.isExistenceConflict {
            if let existence = state.existence {
                item.winningValue = .integer(existence.isDeleted ? 0 : 1)
                item.winningOrigin = existence.stamp.dot.replica
                item.winningTime = existence.stamp.hlc
            }
        } else if let write = state.columns[record.column] {
            item.winningValue = write.value
            item.winningOrigin = write.stamp.dot.replica
            item.winningTime = write.stamp.hlc
        }
        item.winningOriginLabel = item.winningOrigin.map { labels[$0] ?? "unknown replica" }
        return item
    }

    /// Replica id → the province code its account syncs as (or `central`).
    static func originLabels(_ db: Database) throws -> [ReplicaID: String] {
        var labels: [ReplicaID: String] = [:]
        if let own = try String.fetchOne(db, sql: "SELECT value FROM _sync_meta WHERE key = 'replica_id'"), let id = ReplicaID(string: own) {
            labels[id] = storeOriginLabel
        }
        for row in try Row.fetchAll(db, sql: """
            SELECT r.replica, a.role, t.code, r.user FROM _server_replicas r
            LEFT JOIN _server_accounts a ON a.user = r.user LEFT JOIN tenants t ON t.id = a.tenant_id
            """) {
            guard let id = ReplicaID(bytes: Array(row["replica"] as Data)) else { continue }
            labels[id] = originLabel(role: row["role"], provinceCode: row["code"], user: row["user"])
        }
        return labels
    }

    /// How conflict review names the store's own writes (central-office decisions).
    package static let storeOriginLabel = "central (national dataset)"

    /// How conflict review names a replica: by the province its account syncs as, `central`, or
    /// the account when it has no province.
    package static func originLabel(role: String?, provinceCode: String?, user: String) -> String {
        role == "central" ? "central" : provinceCode.map { "province \($0)" } ?? "account \(user)"
    }

}
