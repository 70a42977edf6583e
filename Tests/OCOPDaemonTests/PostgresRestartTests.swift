import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GRDB
import Logging
import NIOConcurrencyHelpers
import OCOPNetwork
import OCOPPostgres
import OCOPReplica
import OCOPStore
import OCOPTestSupport
import Testing

/// Issue 12, "Bad input and faults": the database restarting under load. Pushes in flight fail
/// cleanly, the provinces send them again, nothing is parked as refused, nothing is lost, and
/// the daemons (never restarted here) and the administration store reconnect by themselves.
///
/// The shared test server serves the other tests at the same time and must not be restarted, so
/// this suite starts a cluster of its own with `.ci/start-postgres`.
@Suite("Daemon on PostgreSQL: the database restarts under load", .serialized,
       .enabled(if: RestartCluster.binaries != nil || ProcessInfo.processInfo.environment["CI"] != nil,
                "PostgreSQL is not installed (apt-get install postgresql): the restart test starts a cluster of its own"))
struct PostgresRestartTests {
    @Test func pushesInFlightFailCleanlyAndEverythingArrivesAfterTheDatabaseRestarts() async throws {
        // Starts several servers at once: takes its turn with the other heavy tests.
        try await HeavyTests.run { try await self.pushesInFlightFailCleanlyAndEverythingArrivesAfterTheDatabaseRestartsAlone() }
    }

    func pushesInFlightFailCleanlyAndEverythingArrivesAfterTheDatabaseRestartsAlone() async throws {
        let cluster = try await RestartCluster.start()
        do {
            try await Self.restartUnderLoad(cluster)
        } catch {
            await cluster.stop()
            throw error
        }
        await cluster.stop()
    }

    static func restartUnderLoad(_ cluster: RestartCluster) async throws {
        let clock = ContinuousClock()
        let began = clock.now
        let name = "ocop_restart_" + UUID().uuidString.lowercased().prefix(8)
        try await PostgresNationalStore.createDatabase(name, using: cluster.server)
        let database = cluster.server.database(name)
        var admin = try await PostgresNationalStore.open(database)
        let daemons = try (0..<2).map { _ in try DaemonProcess(store: database.description, storePasswordFile: cluster.passwordFile) }
        defer { for daemon in daemons { daemon.cleanUp() } }
        for daemon in daemons { try await daemon.start() }

        var provinces: [Participant] = []
        for (code, province) in [("01", "Hà Nội"), ("04", "Cao Bằng"), ("08", "Tuyên Quang"), ("46", "Huế")] {
            provinces.append(try await PostgresDaemonTests.province(admin, code: code, name: province))
        }
        let centralSecret = "central-\(UUID().uuidString)"
        try await admin.addCentralAccount(verifier: ScramVerifier.make(secret: centralSecret))
        let central = Participant(name: "central", replica: try Replica.create(at: ":memory:", role: .central, tenantID: nil),
                                  user: "central", secret: centralSecret, tenant: nil)

        var next = [Int](repeating: 0, count: provinces.count)
        for (index, province) in provinces.enumerated() {
            try insertProducts(province, range: (index * 100_000)..<(index * 100_000 + 300))
            next[index] = 300
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, province) in provinces.enumerated() {
                group.addTask { _ = try await Self.attempt(province, daemons[index % daemons.count]) }
            }
            try await group.waitForAll()
        }

        // Rounds: every province writes and syncs over and over, the central office pulls over
        // and over, and PostgreSQL goes away in the middle of it.
        var random = SystemRandomNumberGenerator()
        var tally = LoadTally()
        var adminAttempts: [Int] = []
        var outages: [String] = []
        let rounds = 6
        for round in 0..<rounds {
            let stop = NIOLockedValueBox(false)
            var workers: [Task<LoadTally, any Error>] = []
            for (index, province) in provinces.enumerated() {
                let base = index * 100_000 + next[index]
                let daemon = daemons[(index + round) % daemons.count]
                workers.append(Task {
                    var mine = LoadTally()
                    while !stop.withLockedValue({ $0 }) {
                        try insertProducts(province, range: (base + mine.inserted)..<(base + mine.inserted + 25))
                        mine.inserted += 25
                        try province.replica.write { db in
                            try db.execute(sql: "UPDATE products SET name_en = ? WHERE id IN (SELECT id FROM products ORDER BY random() LIMIT 10)",
                                           arguments: ["\(province.name), round \(round), edit \(mine.syncs)"])
                        }
                        await mine.sync(province, daemon)
                    }
                    return mine
                })
            }
            workers.append(Task {
                var mine = LoadTally()
                while !stop.withLockedValue({ $0 }) { await mine.sync(central, daemons[round % daemons.count]) }
                return mine
            })

            try await Task.sleep(for: .milliseconds(Int.random(in: 150...500, using: &random)))
            let outage = RestartCluster.Outage.allCases[round % RestartCluster.Outage.allCases.count]
            let down = clock.now
            try await cluster.interrupt(outage)
            outages.append("\(outage.rawValue) \(Self.milliseconds(clock.now - down)) ms")

            // The administration store's pool lost every connection too: its next calls succeed
            // after a retry or two, without reopening it.
            switch await Self.callsUntilAnswered(admin) {
            case .success(let calls):
                adminAttempts.append(calls)
            case .failure(let error):
                Issue.record("round \(round): the administration store did not answer after PostgreSQL came back (\(outage.rawValue)): \(error)")
                admin = try await PostgresNationalStore.open(database)
            }
            // Load goes on against the restarted database for a moment before the round ends.
            try await Task.sleep(for: .milliseconds(400))
            stop.withLockedValue { $0 = true }
            for (index, worker) in workers.enumerated() {
                let mine = try await worker.value
                tally.add(mine)
                if index < provinces.count { next[index] += mine.inserted }
            }

            // Whatever a replica holds as acknowledged is committed in the database.
            let statuses = try await Self.answer(admin, "replica statuses after round \(round)") { try await $0.replicaStatuses() }
            for province in provinces {
                let acknowledged = try province.replica.syncPosition().acknowledgedThrough
                let stored = statuses.first { $0.replica == province.replica.replicaID.description }?.acknowledgedThrough ?? 0
                #expect(stored >= acknowledged, "round \(round): \(province.name) holds an acknowledgement the database lost")
            }
            for daemon in daemons {
                #expect(daemon.isRunning, "round \(round): a daemon exited when PostgreSQL restarted: \(daemon.logText().suffix(2_000))")
            }
        }

        // Everyone syncs to the end, through the same daemons, which were never restarted; a
        // daemon that did not reconnect by itself fails here.
        var finalAttempts = 0
        for (index, province) in provinces.enumerated() {
            finalAttempts += try await Self.syncUntilDone(province, daemons[index % daemons.count])
        }
        finalAttempts += try await Self.syncUntilDone(central, daemons[0])
        finalAttempts += try await Self.syncUntilDone(central, daemons[1])

        for daemon in daemons {
            #expect(daemon.isRunning, "a daemon exited: \(daemon.logText().suffix(2_000))")
            let log = daemon.logText()
            #expect(!log.contains("Fatal error") && !log.contains("Stack dump"), "\(log.suffix(4_000))")
        }
        #expect(tally.refused == 0, "\(tally.refused) changes were refused during the restarts")
        #expect(tally.unclean.isEmpty, "syncs did not fail cleanly: \(tally.unclean.prefix(5))")
        #expect(tally.hung.isEmpty, """
            \(tally.hung.count) syncs in flight got no answer at all from their daemon until the client gave up after \
            \(responseTimeoutSeconds) s (a store call that never returns): \(tally.hung.prefix(3))
            """)

        let statuses = try await Self.answer(admin, "replica statuses at the end") { try await $0.replicaStatuses() }
        var total = 0
        for (index, province) in provinces.enumerated() {
            let parked = try province.replica.parkedRejections()
            #expect(parked.isEmpty, "\(province.name) parked rejections: \(parked)")
            let position = try province.replica.syncPosition()
            #expect(position.pendingWrites == 0, "\(province.name) still has \(position.pendingWrites) writes to push")
            let status = statuses.first { $0.replica == province.replica.replicaID.description }
            #expect((status?.acknowledgedThrough ?? 0) >= position.acknowledgedThrough, "\(province.name)")
            #expect(status?.refused == 0, "\(province.name): the database counted \(status?.refused ?? -1) refused changes")
            let mine = try productRows(province.replica.database, tenant: nil)
            #expect(mine.count == next[index], "\(province.name) holds \(mine.count) products, wrote \(next[index])")
            #expect(try productRows(central.replica.database, tenant: province.tenant) == mine, "\(province.name): the central office's copy differs")
            total += mine.count
        }
        #expect(try productRows(central.replica.database, tenant: nil).count == total)

        let logs = daemons.map { $0.logText() }.joined(separator: "\n").split(separator: "\n")
        let busyPushes = logs.filter { $0.contains("store failed") && $0.contains("PUSH") }.count
        let busyPulls = logs.filter { $0.contains("store failed") && $0.contains("PULL") }.count
        // The restarts must have met requests in flight: answered BUSY by a daemon (and retried by
        // the client on its own), or failed back to the test.
        #expect(tally.failures + busyPushes + busyPulls > 0, "no request met \(rounds) restarts: the test did not exercise the fault")
        await admin.close()
        print("""
            PostgreSQL restart under load: \(rounds) rounds (\(outages.joined(separator: ", "))), \(tally.syncs) syncs, \
            \(tally.failures) interrupted (\(tally.kinds.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")); \
            \(tally.hung.count) of them silent until the client's \(responseTimeoutSeconds) s timeout), \
            daemons answered BUSY to \(busyPushes) pushes and \(busyPulls) pulls, \(total) products, \
            admin store answered after \(adminAttempts.map(String.init).joined(separator: "/")) calls, \
            \(finalAttempts) final syncs, \(Self.milliseconds(clock.now - began)) ms
            """)
    }

    /// One sync as a province's timer runs it, with the fewest retries inside: the client tries
    /// again once after a BUSY answer (its own back-off, which cannot be turned off), any other
    /// failure shows and the province's next sync is the retry. A daemon silent for
    /// ``responseTimeoutSeconds`` fails the sync as "no answer".
    static func attempt(_ participant: Participant, _ daemon: DaemonProcess) async throws -> SyncSummary {
        var configuration = SyncClientConfiguration(host: "127.0.0.1", port: daemon.port, user: participant.user, secret: participant.secret)
        configuration.batchSize = 300
        configuration.pageSize = 300
        configuration.busyRetries = 1
        configuration.responseTimeoutSeconds = responseTimeoutSeconds
        var logger = Logger(label: "test.restart")
        logger.logLevel = .critical
        return try await SyncClient.sync(participant.replica, configuration: configuration, logger: logger)
    }

    /// Seconds a sync waits for a word from its daemon. PostgreSQL is away for at most a few
    /// seconds here, so a daemon silent for this long is stuck, not waiting for the database.
    static let responseTimeoutSeconds = 8

    /// Syncs until one sync completes (a few tries, short pauses); returns how many it took.
    static func syncUntilDone(_ participant: Participant, _ daemon: DaemonProcess) async throws -> Int {
        var failures: [String] = []
        for tries in 1...10 {
            do {
                let summary = try await attempt(participant, daemon)
                #expect(summary.report.changesRefused == 0, "\(participant.name): \(summary.report.changesRefused) changes refused")
                return tries
            } catch {
                failures.append("\(error)")
                try await Task.sleep(for: .milliseconds(300))
            }
        }
        throw HarnessError(message: "\(participant.name) could not sync through a daemon after the restarts: \(failures.suffix(3)); daemon log: \(daemon.logText().suffix(3_000))")
    }

    /// How many calls the administration store needed to answer again, or the last error.
    static func callsUntilAnswered(_ admin: PostgresNationalStore) async -> Result<Int, any Error> {
        var last: any Error = HarnessError(message: "no call made")
        for call in 1...20 {
            do {
                _ = try await answer(admin, "replica statuses") { try await $0.replicaStatuses() }
                return .success(call)
            } catch {
                last = error
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
        return .failure(last)
    }

    /// `work` on the administration store, given at most 10 s: a call that never returns fails
    /// the test instead of holding it (it is left running; it cannot be cancelled).
    static func answer<T: Sendable>(
        _ admin: PostgresNationalStore, _ what: String, _ work: @escaping @Sendable (PostgresNationalStore) async throws -> T
    ) async throws -> T {
        let outcome = NIOLockedValueBox<Result<T, any Error>?>(nil)
        let call = Task {
            do {
                let value = try await work(admin)
                outcome.withLockedValue { $0 = .success(value) }
            } catch {
                outcome.withLockedValue { $0 = .failure(error) }
            }
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if let result = outcome.withLockedValue({ $0 }) { return try result.get() }
            try await Task.sleep(for: .milliseconds(20))
        }
        call.cancel()
        throw HarnessError(message: "the administration store did not answer \(what) within 10 s")
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}

/// What the syncs of a round did.
struct LoadTally: Sendable {
    var syncs = 0
    var failures = 0
    var refused = 0
    var inserted = 0
    /// Failures by kind (BUSY, a dropped line, …).
    var kinds: [String: Int] = [:]
    /// Failures that were not a sync error a province can act on (retry later).
    var unclean: [String] = []
    /// Syncs that heard nothing from the daemon until the client's response timeout.
    var hung: [String] = []

    mutating func sync(_ participant: Participant, _ daemon: DaemonProcess) async {
        syncs += 1
        let started = ContinuousClock.now
        do {
            let summary = try await PostgresRestartTests.attempt(participant, daemon)
            refused += summary.report.changesRefused
        } catch let error as SyncClientError {
            failures += 1
            kinds[error.serverWasBusy ? "BUSY" : "\(error.kind)", default: 0] += 1
            // Retrying later must be the remedy, never "fix your credentials".
            if error.kind == .authentication { unclean.append("\(participant.name): \(error)") }
            if ContinuousClock.now - started >= .seconds(PostgresRestartTests.responseTimeoutSeconds) {
                hung.append("\(participant.name) through daemon port \(daemon.port): \(error)")
            }
            try? await Task.sleep(for: .milliseconds(50))
        } catch {
            failures += 1
            kinds["other", default: 0] += 1
            unclean.append("\(participant.name): \(type(of: error)): \(error)")
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    mutating func add(_ other: LoadTally) {
        syncs += other.syncs
        failures += other.failures
        refused += other.refused
        kinds.merge(other.kinds, uniquingKeysWith: +)
        unclean += other.unclean
        hung += other.hung
    }
}

/// A PostgreSQL cluster of this suite's own, in a fresh directory on a free port, started by
/// `.ci/start-postgres` (run by the unprivileged `ocoppg` when the tests run as root), with the
/// script's streaming standby on the next port.
final class RestartCluster: Sendable {
    /// The newest installed PostgreSQL's programs, or nil.
    static let binaries: URL? = {
        let root = URL(fileURLWithPath: "/usr/lib/postgresql")
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return versions
            .map { (version: Double($0) ?? 0, bin: root.appendingPathComponent($0).appendingPathComponent("bin")) }
            .filter { FileManager.default.isExecutableFile(atPath: $0.bin.appendingPathComponent("pg_ctl").path) }
            .max { $0.version < $1.version }?.bin
    }()

    /// How PostgreSQL goes away.
    enum Outage: String, CaseIterable {
        /// `pg_ctl restart -m fast`: sessions are ended, the server is back at once.
        case fastRestart = "fast restart"
        /// A fast stop, a second with nothing listening, a start.
        case stoppedForASecond = "stopped 1 s"
        /// An immediate stop (as a crash: recovery at start), a second down, a start.
        case crashedForASecond = "crashed 1 s"
    }

    let scratch: URL
    let directory: URL
    let port: Int
    /// The server's `postgres` database, as the script prints it.
    let server: PostgresStoreConfiguration
    let passwordFile: String
    private let pgCtl: URL

    private init(scratch: URL, directory: URL, port: Int, server: PostgresStoreConfiguration, passwordFile: String, pgCtl: URL) {
        self.scratch = scratch
        self.directory = directory
        self.port = port
        self.server = server
        self.passwordFile = passwordFile
        self.pgCtl = pgCtl
    }

    static func start() async throws -> RestartCluster {
        guard let binaries else { throw HarnessError(message: "PostgreSQL is not installed (/usr/lib/postgresql/*/bin/pg_ctl)") }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-pg-restart-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let directory = scratch.appendingPathComponent("pg")
        let script = repositoryRoot.appendingPathComponent(".ci/start-postgres").path
        var failures: [String] = []
        for _ in 0..<4 {
            let port = freePortPair()
            let run = try await spawn(script, [], scratch: scratch, environment: ["OCOP_PG_DIR": directory.path, "OCOP_PG_PORT": "\(port)"])
            let settings = Dictionary(
                run.output.split(whereSeparator: \.isWhitespace).compactMap { word -> (String, String)? in
                    guard let equals = word.firstIndex(of: "=") else { return nil }
                    return (String(word[..<equals]), String(word[word.index(after: equals)...]))
                },
                uniquingKeysWith: { $1 }
            )
            if run.status == 0, let url = settings["OCOP_TEST_POSTGRES"], let passwordFile = settings["OCOP_STORE_PASSWORD_FILE"] {
                return RestartCluster(
                    scratch: scratch, directory: directory, port: port,
                    server: try PostgresStoreConfiguration(url: url, passwordFile: passwordFile), passwordFile: passwordFile,
                    pgCtl: binaries.appendingPathComponent("pg_ctl")
                )
            }
            let log = (try? String(contentsOf: directory.appendingPathComponent("server.log"), encoding: .utf8)) ?? ""
            failures.append("port \(port): exit \(run.status): \(run.errors) \(log.suffix(1_000))")
        }
        try? FileManager.default.removeItem(at: scratch)
        throw HarnessError(message: ".ci/start-postgres could not start a cluster: \(failures.joined(separator: "; "))")
    }

    /// A port in 56000–57999 that is free on 127.0.0.1, with the next one (the standby's) free too.
    private static func freePortPair() -> Int {
        for _ in 0..<50 {
            let port = Int.random(in: 56_000..<58_000)
            if isFree(port) && isFree(port + 1) { return port }
        }
        return Int.random(in: 56_000..<58_000)
    }

    private static func isFree(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port)).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    /// Runs `path` and waits for it, its output going to files. Not `Process`: Foundation hands
    /// its child one end of a socket pair and waits for every holder of it to close it, and the
    /// postmaster that `pg_ctl` leaves running would hold it for ever. Here the child gets
    /// /dev/null and two files, and no other descriptor of the test process.
    private static func spawn(_ path: String, _ arguments: [String], scratch: URL, environment: [String: String] = [:]) async throws -> CommandRun {
        let output = scratch.appendingPathComponent("spawn-\(UUID().uuidString).out").path
        let errors = scratch.appendingPathComponent("spawn-\(UUID().uuidString).err").path
        let variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0.key)=\($0.value)" }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                var actions = posix_spawn_file_actions_t()
                posix_spawn_file_actions_init(&actions)
                defer { posix_spawn_file_actions_destroy(&actions) }
                posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
                posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                closeFrom3(&actions)
                let argv = ([path] + arguments).map { strdup($0) } + [nil]
                let envp = variables.map { strdup($0) } + [nil]
                defer { for pointer in argv + envp { free(pointer) } }
                var pid: pid_t = 0
                let spawned = posix_spawn(&pid, path, &actions, nil, argv, envp)
                guard spawned == 0 else {
                    continuation.resume(throwing: HarnessError(message: "cannot run \(path): \(String(cString: strerror(spawned)))"))
                    return
                }
                var status: Int32 = 0
                while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                // WIFEXITED / WEXITSTATUS; a signal is reported as 128 + its number.
                continuation.resume(returning: status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + status & 0x7F)
            }
        }
        defer {
            try? FileManager.default.removeItem(atPath: output)
            try? FileManager.default.removeItem(atPath: errors)
        }
        return CommandRun(
            status: status, output: (try? String(contentsOfFile: output, encoding: .utf8)) ?? "",
            errors: (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
        )
    }

    /// Adds "close every descriptor from 3 on" to `actions` (glibc ≥ 2.34, looked up at run time
    /// because Swift's Glibc module does not declare it); else closes those open now.
    private static func closeFrom3(_ actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
            return
        }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for descriptor in open.compactMap({ Int32($0) }) where descriptor > 2 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
    }

    /// What a command printed and how it exited.
    struct CommandRun {
        var status: Int32
        var output: String
        var errors: String
    }

    /// `pg_ctl` as the cluster's owner.
    @discardableResult
    private func pgCtl(_ arguments: [String]) async throws -> CommandRun {
        guard getuid() == 0 else { return try await Self.spawn(pgCtl.path, arguments, scratch: scratch) }
        let owner = ProcessInfo.processInfo.environment["OCOP_PG_USER"] ?? "ocoppg"
        return try await Self.spawn("/usr/sbin/runuser", ["-u", owner, "--", pgCtl.path] + arguments, scratch: scratch)
    }

    private var data: String { directory.appendingPathComponent("data").path }
    private var log: String { directory.appendingPathComponent("server.log").path }

    /// Takes the primary away and brings it back as `outage` says; returns once it accepts
    /// connections again. (`restart` of a stopped server starts it with the options it last
    /// ran with, kept in `postmaster.opts`: the port and socket directory the script chose.)
    func interrupt(_ outage: Outage) async throws {
        switch outage {
        case .fastRestart:
            try await check(pgCtl(["-D", data, "-l", log, "-m", "fast", "-w", "restart"]), "restart")
        case .stoppedForASecond, .crashedForASecond:
            try await check(pgCtl(["-D", data, "-m", outage == .stoppedForASecond ? "fast" : "immediate", "-w", "stop"]), "stop")
            try await Task.sleep(for: .seconds(1))
            try await check(pgCtl(["-D", data, "-l", log, "-w", "restart"]), "start")
        }
    }

    private func check(_ run: CommandRun, _ what: String) throws {
        guard run.status == 0 else {
            let log = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw HarnessError(message: "pg_ctl \(what) failed (exit \(run.status)): \(run.errors) \(run.output); server log: \(log.suffix(2_000))")
        }
    }

    /// Stops the standby and the primary at once and removes everything.
    func stop() async {
        for cluster in ["standby", "data"] {
            _ = try? await pgCtl(["-D", directory.appendingPathComponent(cluster).path, "-m", "immediate", "-w", "stop"])
        }
        try? FileManager.default.removeItem(at: scratch)
    }
}
