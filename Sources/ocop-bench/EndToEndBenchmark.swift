import Foundation
import Logging
import OCOPModel
import OCOPNetwork
import OCOPReplica
import OCOPStore
import OCOPSync

/// `e2e_changes_per_s` and `daemon_peak_rss_mb`: the real `ocop-syncd` (a separate process, the
/// release build next to this one) on loopback, every province syncing a night's changes at
/// once; the merge rate of the same run's in-process merge is the reference.
enum EndToEndBenchmark {
    static func run(quick: Bool) throws -> [Figure] {
        let provinceCount = quick ? 8 : 34
        let products = quick ? 1_000 : 3_000
        let workload = try SyncWorkload(name: "e2e", provinceCount: 0, productsPerProvince: 0)
        defer { workload.remove() }
        let dataDirectory = workload.directory.path("daemon")
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)

        // Accounts and replicas, then the daemon.
        let store = try SQLiteNationalStore.open(at: dataDirectory + "/national.sqlite")
        var provinces: [(replica: Replica, user: String, secret: String, rows: [SampleProducts.Row])] = []
        for index in 0..<provinceCount {
            let secret = "bench-secret-\(index)-0123456789"
            let verifier = ScramVerifier.make(secret: secret)
            let tenant = try store.addProvince(code: String(format: "%02d", index + 1), name: "Tỉnh \(index + 1)",
                                               verifier: verifier)
            let replica = try Replica.create(at: workload.directory.path("e2e-\(index).ocop"), role: .province, tenantID: tenant)
            let rows = SampleProducts.make(count: products, tenant: tenant, seed: UInt64(100 + index))
            try replica.write { db in
                try SampleProducts.insertProvince(
                    rows, producers: SampleProducts.producers(count: products, seed: UInt64(100 + index)), tenant: tenant, into: db
                )
            }
            provinces.append((replica, tenant.uuidString.lowercased(), secret, rows))
        }
        let daemon = try DaemonRunner(dataDirectory: dataDirectory)
        defer { daemon.stop() }
        let participants = provinces

        func syncAll() throws -> (seconds: Double, changes: Int) {
            let start = ContinuousClock.now
            let result = try blockingAwait {
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for province in participants {
                        group.addTask {
                            var configuration = SyncClientConfiguration(host: "127.0.0.1", port: daemon.port, user: province.user, secret: province.secret)
                            configuration.batchSize = 500
                            var logger = Logger(label: "ocop.bench")
                            logger.logLevel = .error
                            return try await SyncClient.sync(province.replica, configuration: configuration, logger: logger).report.changesPushed
                        }
                    }
                    return try await group.reduce(0, +)
                }
            }
            let elapsed = ContinuousClock.now - start
            return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, result)
        }

        _ = try syncAll() // the initial load
        var seconds = 0.0
        var changes = 0
        for night in 1...3 {
            for province in provinces {
                try province.replica.write { db in
                    for (offset, row) in province.rows.enumerated() where (offset * 7 + night * 13) % 10 < 3 {
                        try db.cachedStatement(sql: "UPDATE products SET name_en = ?, description_en = ?, status = ? WHERE id = ?")
                            .execute(arguments: [row.nameEN + " \(night)", row.descriptionEN + " (night \(night))", night % 2 == 0 ? "registered" : "draft", row.id])
                    }
                }
            }
            let (elapsed, pushed) = try syncAll()
            seconds += elapsed
            changes += pushed
        }
        return [
            Figure(name: "e2e_changes_per_s", value: Double(changes) / seconds,
                   note: "\(changes) changes, \(provinceCount) provinces syncing (push then pull) at once over loopback to ocop-syncd, 3 nights of 30% edits"),
            Figure(name: "daemon_peak_rss_mb", value: Double(daemon.peakResidentKilobytes()) / 1024,
                   note: "peak resident memory of the ocop-syncd process (VmHWM) after the workload"),
        ]
    }
}

/// A release `ocop-syncd` started next to this benchmark.
final class DaemonRunner: @unchecked Sendable {
    let process = Process()
    let port: Int
    /// The HTTP server's port when started with `http`, else 0.
    private(set) var httpPort = 0

    /// - Parameters:
    ///   - store: a PostgreSQL store URL (several runners may share one); nil keeps SQLite.
    ///   - http: also serve the HTTP API and public pages on an ephemeral port.
    init(dataDirectory: String, store: String? = nil, storePasswordFile: String? = nil, http: Bool = false) throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("ocop-syncd")
        let portFile = dataDirectory + "/port"
        let httpPortFile = dataDirectory + "/http-port"
        for file in [portFile, httpPortFile] { try? FileManager.default.removeItem(atPath: file) }
        try #"{"metrics": null, "logLevel": "error"}"#.write(toFile: dataDirectory + "/syncd.json", atomically: true, encoding: .utf8)
        process.executableURL = binary
        process.arguments = ["serve", "--config", dataDirectory + "/syncd.json", "--data-dir", dataDirectory, "--listen", "127.0.0.1:0", "--port-file", portFile]
            + (store.map { ["--store", $0] } ?? []) + (storePasswordFile.map { ["--store-password-file", $0] } ?? [])
            + (http ? ["--http", "127.0.0.1:0", "--http-port-file", httpPortFile] : [])
        try process.run()
        // A large store can take a while to open (its migrations check every table).
        for _ in 0..<2_400 {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let port = Int(text) {
                guard http else {
                    self.port = port
                    return
                }
                if let text = try? String(contentsOfFile: httpPortFile, encoding: .utf8), let httpPort = Int(text) {
                    self.port = port
                    self.httpPort = httpPort
                    return
                }
            }
            guard process.isRunning else { break }
            usleep(25_000)
        }
        process.terminate()
        throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: portFile])
    }

    func peakResidentKilobytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }

    /// CPU seconds the daemon has used (user and system, all threads).
    func cpuSeconds() -> Double { Self.cpuSeconds(ofProcess: process.processIdentifier) }

    /// CPU seconds a process has used, from `/proc/PID/stat` (0 where there is no `/proc`).
    static func cpuSeconds(ofProcess pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let afterName = stat.lastIndex(of: ")") else { return 0 }
        // Fields after the name start at the third; utime and stime are the 14th and 15th.
        let fields = stat[stat.index(after: afterName)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / 100
    }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}

/// Runs async work from the synchronous benchmark driver.
func blockingAwait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let semaphore = DispatchSemaphore(value: 0)
    let box = ResultBox<T>()
    Task {
        do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
        semaphore.signal()
    }
    semaphore.wait()
    return try box.result!.get()
}

final class ResultBox<T: Sendable>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
