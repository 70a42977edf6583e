import Foundation
import GRDB
import OCOPModel
import OCOPReplica

/// `capture_overhead_ratio`: product writes through a replica (triggers, then stamping into
/// row metadata) versus the same writes into the same table without capture, in one run.
enum CaptureBenchmark {
    static func run(quick: Bool) throws -> [Figure] {
        let products = quick ? 4_000 : 20_000
        let rounds = quick ? 3 : 5
        let tenant = UUID()
        let rows = SampleProducts.make(count: products, tenant: tenant, seed: 42)
        let scratch = try ScratchDirectory("capture")
        defer { scratch.remove() }

        var round = 0
        // The same engine settings as a replica: WAL (a pool), synchronous FULL.
        func plainDatabase() throws -> DatabasePool {
            round += 1
            var configuration = Configuration()
            configuration.prepareDatabase { try $0.execute(sql: "PRAGMA synchronous = FULL") }
            let queue = try DatabasePool(path: scratch.path("plain-\(round).sqlite"), configuration: configuration)
            try queue.write { db in
                try db.execute(sql: SampleProducts.plainTableSQL)
                for index in OCOPSchema.products.indexes {
                    try db.execute(sql: "CREATE INDEX products_by_\(index.joined(separator: "_")) ON products(\(index.joined(separator: ", ")))")
                }
            }
            return queue
        }
        func replica() throws -> Replica {
            round += 1
            return try Replica.create(at: scratch.path("replica-\(round).ocop"), role: .province, tenantID: tenant)
        }

        var plainTargets: [DatabasePool] = []
        var replicaTargets: [Replica] = []
        for _ in 0..<rounds {
            plainTargets.append(try plainDatabase())
            replicaTargets.append(try replica())
        }
        var plainIterator = plainTargets.makeIterator()
        var replicaIterator = replicaTargets.makeIterator()
        var triggerTimes: [Double] = []
        let times = try Measure.compare(
            rounds: rounds,
            baseline: { try SampleProducts.writeWorkload(rows, into: plainIterator.next()!) },
            candidate: {
                let target = replicaIterator.next()!
                triggerTimes.append(try Measure.seconds { try SampleProducts.writeWorkload(rows, into: target.database) })
                try target.stamp()
            }
        )
        let writes = SampleProducts.writesInWorkload(rows)
        return [
            Figure(name: "capture_overhead_ratio", value: times.candidate / times.baseline,
                   note: "\(writes) product writes (inserts, then 2–4 column updates of 30%, 1,000 per transaction) through a replica, capture triggers plus stamping, over the same writes to a plain table (WAL, synchronous FULL both); median of \(rounds)"),
            Figure(name: "capture_trigger_ratio", value: Measure.median(triggerTimes) / times.baseline,
                   note: "the same, writes with capture triggers only (stamping deferred to the next sync, as the library does)"),
            Figure(name: "capture_writes_per_s", value: Double(writes) / times.candidate, note: "captured and stamped product writes per second"),
        ]
    }
}
