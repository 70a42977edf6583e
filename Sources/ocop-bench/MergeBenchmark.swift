import Foundation
import GRDB
import OCOPModel
import OCOPReplica
import OCOPStore
import OCOPSync

/// `merge_changes_per_s`, `merge_vs_upsert_ratio` and `metadata_overhead_ratio`: durable merges
/// of each province's nightly push into the national store (clocks, conflict detection, tenancy
/// checks, feed numbering) against a plain prepared UPSERT of the same rows into the same table,
/// one transaction per province batch both ways, in the same run.
enum MergeBenchmark {
    static func run(quick: Bool) throws -> [Figure] {
        let provinces = quick ? 8 : 34
        let products = quick ? 1_000 : 3_000
        let workload = try SyncWorkload(name: "merge", provinceCount: provinces, productsPerProvince: products)
        defer { workload.remove() }
        let baseline = try plainDatabase(workload.directory.path("plain.sqlite"))

        // Initial load (not measured): every province pushes its products; the centre pulls.
        for province in workload.provinces {
            guard let (outgoing, batch) = try SyncWorkload.pendingBatch(province.replica) else { continue }
            let result = try workload.store.push(batch, from: workload.principal(province))
            try province.replica.acknowledge(outgoing, through: result.acknowledgedThrough, rejections: [])
            try upsert(batch.changes, into: baseline)
        }
        try pullAll(workload.central, from: workload.store)

        var mergeSeconds = 0.0
        var upsertSeconds = 0.0
        var changes = 0
        var conflicts = 0
        for _ in 0..<3 {
            try workload.editNight()
            let centralPush = try SyncWorkload.pendingBatch(workload.central)
            for province in workload.provinces {
                guard let (outgoing, batch) = try SyncWorkload.pendingBatch(province.replica) else { continue }
                changes += batch.changes.count
                // Alternate which side goes first, so cache warmth favours neither.
                let mergeFirst = changes % 2 == 0
                if !mergeFirst { upsertSeconds += try Measure.seconds { try upsert(batch.changes, into: baseline) } }
                var result: PushResult?
                mergeSeconds += try Measure.seconds { result = try workload.store.push(batch, from: workload.principal(province)) }
                if mergeFirst { upsertSeconds += try Measure.seconds { try upsert(batch.changes, into: baseline) } }
                conflicts += result?.conflicts ?? 0
                try province.replica.acknowledge(outgoing, through: result?.acknowledgedThrough ?? 0, rejections: [])
            }
            if let (outgoing, batch) = centralPush {
                let result = try workload.store.push(batch, from: Principal(replica: workload.central.replicaID, role: .central, tenantID: nil))
                conflicts += result.conflicts
                try workload.central.acknowledge(outgoing, through: result.acknowledgedThrough, rejections: [])
            }
        }
        // Everyone pulls (twice, so the server learns their cursors), then tombstones are collected.
        for _ in 0..<2 {
            for province in workload.provinces {
                _ = try workload.store.openSession(replica: province.replica.replicaID, account: try workload.store.account(user: province.tenant.uuidString.lowercased())!)
                try pullAll(province.replica, from: workload.store, principal: workload.principal(province))
            }
        }
        let collected = try workload.store.collectTombstones()
        let (data, metadata) = try storageBytes(workload.store.replica)
        return [
            Figure(name: "merge_changes_per_s", value: Double(changes) / mergeSeconds,
                   note: "\(changes) pushed changes (\(provinces) provinces × \(products) products, 3 nights, 30% edited, 2–4 fields; \(conflicts) conflicts with the centre's 1%) merged durably"),
            Figure(name: "merge_vs_upsert_ratio", value: upsertSeconds / mergeSeconds,
                   note: "merge rate over a plain prepared UPSERT of the same rows, same batches, same durability (higher is better)"),
            Figure(name: "metadata_overhead_ratio", value: Double(metadata) / Double(data),
                   note: "sync metadata bytes (row clocks, log, conflicts, tombstones: \(metadata)) over data bytes (\(data)) in the national store after the workload and collecting \(collected) tombstones"),
        ]
    }

    static func plainDatabase(_ path: String) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.prepareDatabase { try $0.execute(sql: "PRAGMA synchronous = FULL") }
        let pool = try DatabasePool(path: path, configuration: configuration)
        try pool.write { db in
            try db.execute(sql: SampleProducts.plainTableSQL)
            for index in OCOPSchema.products.indexes {
                try db.execute(sql: "CREATE INDEX products_by_\(index.joined(separator: "_")) ON products(\(index.joined(separator: ", ")))")
            }
        }
        return pool
    }

    /// The baseline: a plain prepared upsert per changed row, writing the changed columns (an
    /// UPDATE, or an INSERT when the row is new: SQLite checks NOT NULL before ON CONFLICT, so a
    /// partial row cannot go through INSERT … ON CONFLICT).
    static func upsert(_ changes: [RowChange], into pool: DatabasePool) throws {
        try pool.write { db in
            for change in changes where change.table == "products" {
                let names = change.state.columns.keys.sorted()
                guard !names.isEmpty else { continue }
                let values = names.map { change.state.columns[$0]!.value.databaseValue }
                let update = "UPDATE products SET \(names.map { "\"\($0)\" = ?" }.joined(separator: ", ")) WHERE id = ?"
                try db.cachedStatement(sql: update).execute(arguments: StatementArguments(values + [change.key.databaseValue]))
                if db.changesCount == 0 {
                    let insert = "INSERT INTO products(id, \(names.map { "\"\($0)\"" }.joined(separator: ", "))) VALUES (?\(String(repeating: ", ?", count: names.count)))"
                    try db.cachedStatement(sql: insert).execute(arguments: StatementArguments([change.key.databaseValue] + values))
                }
            }
        }
    }

    static func pullAll(_ replica: Replica, from store: SQLiteNationalStore, principal: Principal? = nil) throws {
        let principal = principal ?? Principal(replica: replica.replicaID, role: .central, tenantID: nil)
        var cursor = try replica.syncPosition().pulledCursor
        while true {
            let page = try store.pull(after: cursor, limit: 5_000, for: principal)
            try replica.applyIncoming(changes: page.changes, conflicts: page.conflicts, cursor: page.nextCursor)
            cursor = page.nextCursor
            if !page.hasMore { break }
        }
    }

    /// Bytes in data tables (with their indexes) and in sync metadata, from SQLite's dbstat.
    static func storageBytes(_ replica: Replica) throws -> (data: Int, metadata: Int) {
        try replica.read { db in
            let dataTables = Set(OCOPSchema.tables.map(\.name))
            var data = 0
            var metadata = 0
            for row in try Row.fetchAll(db, sql: """
                SELECT s.name AS name, coalesce(m.tbl_name, s.name) AS owner, sum(s.pgsize - s.unused) AS used
                FROM dbstat s LEFT JOIN sqlite_schema m ON m.name = s.name GROUP BY s.name
                """) {
                let owner: String = row["owner"]
                let used: Int = row["used"]
                if dataTables.contains(owner) {
                    data += used
                } else if owner.hasPrefix("_sync_") || owner.hasPrefix("_tomb_") {
                    metadata += used
                }
            }
            return (data, metadata)
        }
    }
}
