import Foundation
import Logging
import OCOPModel
import OCOPNetwork
import OCOPReplica
import OCOPStore
import OCOPSync

/// `pull_initial_changes_per_s` and `pull_night_changes_per_s`: a central office's new replica
/// pulling the whole national dataset from the release `ocop-syncd` over loopback (what a new
/// central-office machine or a re-initialised replica waits for), then one night of edits.
/// `main` divides them by the same run's merge rate (`pull_apply_vs_merge_ratio`).
enum PullBenchmark {
    static func run(quick: Bool) throws -> [Figure] {
        let provinceCount = 34
        let productsPerProvince = quick ? 1_000 : 15_000
        let scratch = try ScratchDirectory("pull")
        defer { scratch.remove() }
        let dataDirectory = scratch.path("daemon")
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)

        // The national dataset, written straight into the store as the central office's own
        // writes would be (captured and stamped), not timed.
        let store = try SQLiteNationalStore.open(at: dataDirectory + "/national.sqlite")
        let secret = "central-bench-secret-0123456789"
        try store.addCentralAccount(verifier: ScramVerifier.make(secret: secret))
        var products: [[SampleProducts.Row]] = []
        for index in 0..<provinceCount {
            let tenant = try store.addProvince(code: String(format: "%02d", index + 1), name: "Tỉnh \(index + 1)",
                                               verifier: CredentialVerifier(salt: [1], iterations: 4096, storedKey: [], serverKey: []))
            let rows = SampleProducts.make(count: productsPerProvince, tenant: tenant, seed: UInt64(200 + index))
            try store.replica.write { db in
                try SampleProducts.insertProvince(
                    rows, producers: SampleProducts.producers(count: productsPerProvince, seed: UInt64(200 + index)), tenant: tenant, into: db
                )
            }
            products.append(rows)
        }
        try store.replica.stamp()

        let daemon = try DaemonRunner(dataDirectory: dataDirectory)
        defer { daemon.stop() }
        let central = try Replica.create(at: scratch.path("central.ocop"), role: .central, tenantID: nil)
        let port = daemon.port
        func sync() throws -> (seconds: Double, pulled: Int) {
            let start = ContinuousClock.now
            let pulled = try blockingAwait {
                let configuration = SyncClientConfiguration(host: "127.0.0.1", port: port, user: "central", secret: secret)
                var logger = Logger(label: "ocop.bench")
                logger.logLevel = .error
                return try await SyncClient.sync(central, configuration: configuration, logger: logger).report.changesPulled
            }
            let elapsed = ContinuousClock.now - start
            return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, pulled)
        }
        let initial = try sync()

        // A night: 30% of every province's products edited on the national store.
        try store.replica.write { db in
            for rows in products {
                for (offset, row) in rows.enumerated() where offset % 10 < 3 {
                    try db.cachedStatement(sql: "UPDATE products SET name_en = ?, description_en = ? WHERE id = ?")
                        .execute(arguments: [row.nameEN + " (night)", row.descriptionEN + " Night edit.", row.id])
                }
            }
        }
        try store.replica.stamp()
        let night = try sync()
        return [
            Figure(name: "pull_initial_changes_per_s", value: Double(initial.pulled) / initial.seconds,
                   note: "a new central-office replica's initial sync from ocop-syncd over loopback: \(initial.pulled) changes (\(provinceCount) provinces × \(productsPerProvince) products and their producers) in \(String(format: "%.1f", initial.seconds)) s"),
            Figure(name: "pull_night_changes_per_s", value: Double(night.pulled) / night.seconds,
                   note: "the same replica pulling a night: \(night.pulled) changes (30% of products, 2 fields) in \(String(format: "%.1f", night.seconds)) s"),
        ]
    }
}
