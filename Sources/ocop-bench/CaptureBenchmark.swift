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
        // The floor of any capture by triggers: one log row per write, with no guard, no clock
        // and no change mask. What the replica's triggers cost above this is theirs to win.
        func logOnlyDatabase() throws -> DatabasePool {
            let pool = try plainDatabase()
            try pool.write { db in
                try db.execute(sql: """
                    CREATE TABLE _log (seq INTEGER PRIMARY KEY, pk BLOB NOT NULL);
                    CREATE TRIGGER _log_insert AFTER INSERT ON products BEGIN INSERT INTO _log(pk) VALUES (NEW.id); END;
                    CREATE TRIGGER _log_update AFTER UPDATE ON products BEGIN INSERT INTO _log(pk) VALUES (NEW.id); END;
                    """)
            }
            return pool
        }
        func replica() throws -> Replica {
            round += 1
            return try Replica.create(at: scratch.path("replica-\(round).ocop"), role: .province, tenantID: tenant)
        }

        var triggerTimes: [Double] = []
        let times = try compareOnFreshTargets(
            rounds: rounds, baseline: plainDatabase, candidate: replica,
            writeBaseline: { try SampleProducts.writeWorkload(rows, into: $0) },
            writeCandidate: { target in
                triggerTimes.append(try Measure.seconds { try SampleProducts.writeWorkload(rows, into: target.database) })
                try target.stamp()
            }
        )
        let floor = try compareOnFreshTargets(
            rounds: rounds, baseline: plainDatabase, candidate: logOnlyDatabase,
            writeBaseline: { try SampleProducts.writeWorkload(rows, into: $0) },
            writeCandidate: { try SampleProducts.writeWorkload(rows, into: $0) }
        )
        let writes = SampleProducts.writesInWorkload(rows)
        return [
            Figure(name: "capture_overhead_ratio", value: times.candidate / times.baseline,
                   note: "\(writes) product writes (inserts, then 2–4 column updates of 30%, 1,000 per transaction) through a replica, capture triggers plus stamping, over the same writes to a plain table (WAL, synchronous FULL both); median of \(rounds)"),
            Figure(name: "capture_trigger_ratio", value: Measure.median(triggerTimes) / times.baseline,
                   note: "the same, writes with capture triggers only (stamping deferred to the next sync, as the library does)"),
            Figure(name: "capture_log_floor_ratio", value: floor.candidate / floor.baseline,
                   note: "the same writes with the cheapest capture triggers can be (one log row per write: no guard, clock or column mask) over plain writes: the floor of trigger capture"),
            Figure(name: "capture_writes_per_s", value: Double(writes) / times.candidate, note: "captured and stamped product writes per second"),
        ]
    }

    /// Alternating rounds (``Measure/compare(rounds:baseline:candidate:)``), each writing into a
    /// target of its own made beforehand, so creating files is not timed.
    private static func compareOnFreshTargets<Baseline, Candidate>(
        rounds: Int, baseline: () throws -> Baseline, candidate: () throws -> Candidate,
        writeBaseline: (Baseline) throws -> Void, writeCandidate: (Candidate) throws -> Void
    ) throws -> (baseline: Double, candidate: Double) {
        var baselines = try (0..<rounds).map { _ in try baseline() }.makeIterator()
        var candidates = try (0..<rounds).map { _ in try candidate() }.makeIterator()
        return try Measure.compare(
            rounds: rounds,
            baseline: { try writeBaseline(baselines.next()!) },
            candidate: { try writeCandidate(candidates.next()!) }
        )
    }
}
