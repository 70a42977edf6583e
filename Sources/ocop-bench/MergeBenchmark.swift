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
        let baseline = PlainUpsert(pool: try plainDatabase(workload.directory.path("plain.sqlite")))

        // Initial load (not measured): every province pushes its products; the centre pulls.
        for province in workload.provinces {
            guard let batch = try SyncWorkload.pendingBatch(province.replica) else { continue }
            let result = try push(batch, into: workload.store, from: workload.principal(province))
            try province.replica.acknowledge(batch, through: result.acknowledgedThrough, rejections: [])
            try baseline.write(batch.changes)
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
                guard let batch = try SyncWorkload.pendingBatch(province.replica) else { continue }
                changes += batch.changes.count
                // Alternate which side goes first, so cache warmth favours neither.
                let mergeFirst = changes % 2 == 0
                if !mergeFirst { upsertSeconds += try Measure.seconds { try baseline.write(batch.changes) } }
                var result: PushResult?
                mergeSeconds += try Measure.seconds { result = try push(batch, into: workload.store, from: workload.principal(province)) }
                if mergeFirst { upsertSeconds += try Measure.seconds { try baseline.write(batch.changes) } }
                conflicts += result?.conflicts ?? 0
                try province.replica.acknowledge(batch, through: result?.acknowledgedThrough ?? 0, rejections: [])
            }
            if let batch = centralPush {
                let result = try push(batch, into: workload.store, from: Principal(replica: workload.central.replicaID, role: .central, tenantID: nil))
                conflicts += result.conflicts
                try workload.central.acknowledge(batch, through: result.acknowledgedThrough, rejections: [])
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
        let (data, metadata, parts) = try storageBytes(workload.store.replica)
        return [
            Figure(name: "merge_changes_per_s", value: Double(changes) / mergeSeconds,
                   note: "\(changes) pushed changes (\(provinces) provinces × \(products) products, 3 nights, 30% edited, 2–4 fields; \(conflicts) conflicts with the centre's 1%) merged durably"),
            Figure(name: "merge_vs_upsert_ratio", value: upsertSeconds / mergeSeconds,
                   note: "merge rate over the plain baseline: the same rows written with statements prepared once per column set, same batches, same durability (higher is better)"),
            Figure(name: "merge_baseline_writes_per_s", value: Double(changes) / upsertSeconds,
                   note: "the baseline's own rate: plain durable writes of the same rows per second"),
            Figure(name: "metadata_overhead_ratio", value: Double(metadata) / Double(data),
                   note: "sync metadata bytes (row clocks, log, conflicts, tombstones: \(metadata)) over data bytes (\(data)) in the national store after the workload and collecting \(collected) tombstones; largest: \(parts)"),
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

    /// The baseline: the fastest plain durable write of the same rows we can make. One prepared
    /// statement per column set, prepared once and kept: an UPDATE of the changed columns, or an
    /// INSERT when the row is new (SQLite checks NOT NULL before ON CONFLICT, so a partial row
    /// cannot go through INSERT … ON CONFLICT). Same transactions, same `synchronous`.
    final class PlainUpsert {
        let pool: DatabasePool
        private var statements: [Int: (update: Statement, insert: Statement)] = [:]
        private let columns = OCOPSchema.products.columnNames

        init(pool: DatabasePool) { self.pool = pool }

        func write(_ changes: [RowChange]) throws {
            try pool.write { db in
                for change in changes where change.table == "products" {
                    var mask = 0
                    var values: [DatabaseValue] = []
                    values.reserveCapacity(columns.count + 1)
                    for (index, name) in columns.enumerated() {
                        if let write = change.state.columns[name] {
                            mask |= 1 << index
                            values.append(write.value.databaseValue)
                        }
                    }
                    guard mask != 0 else { continue }
                    let prepared = try statements[mask] ?? prepare(db, mask: mask)
                    try prepared.update.execute(arguments: StatementArguments(values + [change.key.databaseValue]))
                    if db.changesCount == 0 {
                        try prepared.insert.execute(arguments: StatementArguments([change.key.databaseValue] + values))
                    }
                }
            }
        }

        private func prepare(_ db: Database, mask: Int) throws -> (update: Statement, insert: Statement) {
            let names = columns.enumerated().filter { mask & (1 << $0.offset) != 0 }.map { "\"\($0.element)\"" }
            let update = try db.makeStatement(sql: "UPDATE products SET \(names.map { "\($0) = ?" }.joined(separator: ", ")) WHERE id = ?")
            let insert = try db.makeStatement(sql: "INSERT INTO products(id, \(names.joined(separator: ", "))) VALUES (?\(String(repeating: ", ?", count: names.count)))")
            statements[mask] = (update, insert)
            return (update, insert)
        }
    }

    /// A push that must go through whole: a benchmark of refusals measures nothing.
    static func push(_ batch: PushBatch, into store: SQLiteNationalStore, from principal: Principal) throws -> PushResult {
        let result = try store.push(batch, from: principal)
        if let first = result.refused.first {
            throw BenchmarkError("the workload was refused (\(result.refused.count) changes), e.g. \(first.message)")
        }
        return result
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
    static func storageBytes(_ replica: Replica) throws -> (data: Int, metadata: Int, parts: String) {
        try replica.read { db in
            let dataTables = Set(OCOPSchema.tables.map(\.name))
            var data = 0
            var metadata = 0
            var parts: [(String, Int)] = []
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
                    parts.append((row["name"], used))
                }
            }
            // The national store keeps each row's feed position in the row (`_sync_seq`): those
            // bytes are metadata, not data. A record spends one header byte on the column and
            // 0–8 bytes on its value, by magnitude (SQLite's record format).
            var positions = 0
            for table in OCOPSchema.tables where try db.columns(in: table.name).contains(where: { $0.name == "_sync_seq" }) {
                positions += try Int.fetchOne(db, sql: """
                    SELECT coalesce(sum(1 + CASE WHEN s IS NULL OR s IN (0, 1) THEN 0 WHEN s < 128 THEN 1 WHEN s < 32768 THEN 2
                      WHEN s < 8388608 THEN 3 WHEN s < 2147483648 THEN 4 WHEN s < 140737488355328 THEN 6 ELSE 8 END), 0)
                    FROM (SELECT _sync_seq AS s FROM "\(table.name)")
                    """) ?? 0
            }
            data -= positions
            metadata += positions
            if positions > 0 { parts.append(("positions in rows", positions)) }
            let largest = parts.sorted { $0.1 > $1.1 }.prefix(5).map { "\($0.0) \($0.1)" }
            return (data, metadata, largest.joined(separator: ", "))
        }
    }
}
