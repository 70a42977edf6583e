import Foundation
import OCOPTestSupport
import GRDB
import Logging
import NIOCore
import NIOPosix
import OCOPModel
import OCOPNetwork
import OCOPReplica
import OCOPStore
import OCOPSync

/// Finds a binary built next to the tests (`.build/<config>/NAME`).
func builtBinary(_ name: String) throws -> URL {
    var candidates: [URL] = []
    let argv0 = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var directory = argv0.deletingLastPathComponent()
    for _ in 0..<4 {
        candidates.append(directory.appendingPathComponent(name))
        directory = directory.deletingLastPathComponent()
    }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    candidates += ["debug", "release"].map { root.appendingPathComponent(".build/\($0)/\(name)") }
    guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
        throw HarnessError(message: "\(name) not found; looked in \(candidates.map(\.path))")
    }
    return found
}

struct HarnessError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// A real `ocop-syncd` process on 127.0.0.1 with a data directory of its own.
final class DaemonProcess: @unchecked Sendable {
    let dataDirectory: URL
    private(set) var process: Process?
    private(set) var port = 0

    /// - Parameters:
    ///   - limits: settings of the config's `limits` beyond the tests' idle timeout.
    ///   - store: a PostgreSQL store URL (several daemons may share one); nil keeps SQLite.
    init(limits: [String: Int] = [:], store: String? = nil, storePasswordFile: String? = nil) throws {
        dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-daemon-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        // No metrics port: tests run daemons side by side.
        // A loaded two-core machine can take more than the default 10 s to finish a handshake.
        let settings = limits.merging(["idleTimeoutSeconds": 300, "handshakeTimeoutSeconds": 300]) { mine, _ in mine }
            .sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ")
        let postgres = store.map { #""store": "\#($0)", "storePasswordFile": "\#(storePasswordFile ?? "")", "# } ?? ""
        let config = #"{\#(postgres)"dataDirectory": "\#(dataDirectory.path)", "metrics": null, "logLevel": "warning", "limits": {\#(settings)}}"#
        try config.write(to: configPath, atomically: true, encoding: .utf8)
    }

    var configPath: URL { dataDirectory.appendingPathComponent("syncd.json") }

    /// Run the daemon as this user and group id instead of the test's own (with `setpriv`, which
    /// execs the daemon itself, so signals reach it); nil runs it as the test does.
    var runAs: (uid: UInt32, gid: UInt32)?
    var databasePath: String { dataDirectory.appendingPathComponent("national.sqlite").path }

    /// Opens the national store the daemon uses (administration and checks, as an operator would).
    func store() throws -> SQLiteNationalStore { try SQLiteNationalStore.open(at: databasePath) }

    /// The HTTP server's port, when started with `http: true`.
    private(set) var httpPort = 0

    /// Starts the daemon; with `http`, also its HTTP API, dashboard and feeds on an ephemeral port.
    func start(http: Bool = false) async throws {
        let portFile = dataDirectory.appendingPathComponent("port-\(UUID().uuidString)")
        let httpPortFile = dataDirectory.appendingPathComponent("http-port-\(UUID().uuidString)")
        let process = Process()
        process.executableURL = try builtBinary("ocop-syncd")
        process.arguments = ["serve", "--config", configPath.path, "--listen", "127.0.0.1:0", "--port-file", portFile.path]
            + (http ? ["--http", "127.0.0.1:0", "--http-port-file", httpPortFile.path] : [])
        if let runAs {
            process.arguments = ["--reuid=\(runAs.uid)", "--regid=\(runAs.gid)", "--clear-groups", "--", process.executableURL!.path]
                + process.arguments!
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        }
        process.standardOutput = FileHandle.nullDevice
        let log = dataDirectory.appendingPathComponent("daemon.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        process.standardError = handle
        try ChildProcess.launch(process)
        self.process = process
        for _ in 0..<400 {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let port = Int(text) {
                self.port = port
                guard http else { return }
                if let text = try? String(contentsOf: httpPortFile, encoding: .utf8), let port = Int(text) {
                    self.httpPort = port
                    return
                }
            }
            guard process.isRunning else { throw HarnessError(message: "ocop-syncd exited: \(logText())") }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw HarnessError(message: "ocop-syncd did not start: \(logText())")
    }

    func logText() -> String {
        (try? String(contentsOf: dataDirectory.appendingPathComponent("daemon.log"), encoding: .utf8)) ?? ""
    }

    /// kill -9: no chance to finish anything.
    func kill9() async {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        await ChildProcess.waitForExit(process)
    }

    /// SIGTERM and wait: the graceful path.
    func stop() async {
        guard let process, process.isRunning else { return }
        process.terminate()
        await ChildProcess.waitForExit(process)
    }

    var isRunning: Bool { process?.isRunning ?? false }

    /// The daemon's peak resident memory so far (VmHWM), in bytes.
    func peakResidentBytes() throws -> Int {
        guard let process else { throw HarnessError(message: "not started") }
        let status = try String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) else {
            throw HarnessError(message: "no VmHWM in /proc status")
        }
        return kilobytes * 1024
    }

    func cleanUp() {
        // From `defer`, so synchronous; a SIGKILLed process exits at once, the wait is short.
        if let process, process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: dataDirectory)
    }
}

/// A province (or the central office) with its own replica and credentials.
struct Participant: Sendable {
    let name: String
    let replica: Replica
    let user: String
    let secret: String
    let tenant: UUID?

    func sync(_ daemon: DaemonProcess, pageSize: UInt32 = 300) async throws -> SyncSummary {
        var configuration = SyncClientConfiguration(host: "127.0.0.1", port: daemon.port, user: user, secret: secret)
        configuration.batchSize = 300
        configuration.pageSize = pageSize
        // A full run on two cores can keep this client's tasks from a thread for minutes.
        configuration.responseTimeoutSeconds = 900
        return try await SyncClient.sync(replica, configuration: configuration, logger: Logger(label: "test.sync"))
    }
}

extension DaemonProcess {
    /// A province account and replica; with `seedingProducer`, the national store also gets the
    /// producer ``insertProducts(_:range:)`` refers to.
    func addProvince(code: String, name: String, seedingProducer: Bool = true) throws -> Participant {
        let secret = "secret-\(code)-\(UUID().uuidString)"
        let store = try store()
        let tenant = try store.addProvince(code: code, name: name, verifier: ScramVerifier.make(secret: secret))
        if seedingProducer { try seedProducer(store, tenant: tenant, name: name) }
        let replica = try Replica.create(at: ":memory:", role: .province, tenantID: tenant)
        return Participant(name: name, replica: replica, user: tenant.uuidString.lowercased(), secret: secret, tenant: tenant)
    }

    func addCentral() throws -> Participant {
        let secret = "central-\(UUID().uuidString)"
        try store().addCentralAccount(verifier: ScramVerifier.make(secret: secret))
        let replica = try Replica.create(at: ":memory:", role: .central, tenantID: nil)
        return Participant(name: "central", replica: replica, user: "central", secret: secret, tenant: nil)
    }
}


func productKey(_ n: Int) -> Data {
    var bytes = [UInt8](repeating: 0, count: 16)
    bytes[0] = 0x02
    bytes[13] = UInt8((n >> 16) & 0xFF)
    bytes[14] = UInt8((n >> 8) & 0xFF)
    bytes[15] = UInt8(n & 0xFF)
    return Data(bytes)
}

/// The producer every test product of `tenant` belongs to (one per province: ids are national).
func producerKey(tenant: UUID?) -> Data {
    var bytes = withUnsafeBytes(of: (tenant ?? UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))).uuid) { Array($0) }
    bytes[0] = 0x03
    return Data(bytes)
}

/// Adds the producer of ``producerKey(tenant:)`` to the national store, as the central office
/// would: the server checks that a product's producer exists, and test products need one.
func seedProducer(_ store: SQLiteNationalStore, tenant: UUID, name: String) throws {
    try store.replica.write { db in
        try db.execute(
            sql: "INSERT OR IGNORE INTO producers(id, tenant_id, name, type) VALUES (?, ?, ?, 'cooperative')",
            arguments: [producerKey(tenant: tenant), tenant, "HTX \(name)"]
        )
    }
}

func insertProducts(_ participant: Participant, range: Range<Int>) throws {
    try participant.replica.write { db in
        let statement = try db.cachedStatement(sql: """
            INSERT INTO products(id, tenant_id, producer_id, classification_code, classification_version, name_vi, status)
            VALUES (?, ?, ?, '1.2.b', 'QD148-2023', ?, 'registered')
            """)
        for n in range {
            try statement.execute(arguments: [productKey(n), participant.tenant, producerKey(tenant: participant.tenant), "Mật ong \(participant.name) số \(n)"])
        }
    }
}

/// The products rows one database holds for a tenant (or all of them), as text.
func productRows(_ database: any DatabaseReader, tenant: UUID?) throws -> [String] {
    // The schema's columns: the national store keeps each row's feed position beside them.
    let columns = (["id"] + OCOPSchema.products.columnNames).map { "\"\($0)\"" }.joined(separator: ", ")
    return try database.read { db in
        let rows = if let tenant {
            try Row.fetchAll(db, sql: "SELECT \(columns) FROM products WHERE tenant_id = ? ORDER BY id", arguments: [tenant])
        } else {
            try Row.fetchAll(db, sql: "SELECT \(columns) FROM products ORDER BY id")
        }
        return rows.map(\.description)
    }
}

/// What one run of the `ocop` binary printed and returned.
struct OCOPRun {
    var status: Int32
    var output: String
    var errors: String
}

/// Runs the built `ocop` as a user (or a timer) would, with extra environment variables.
func runOCOP(_ arguments: [String], environment: [String: String] = [:]) async throws -> OCOPRun {
    let run = try await ChildProcess.run(
        try builtBinary("ocop"), arguments, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }
    )
    return OCOPRun(status: run.status, output: run.output, errors: run.errors)
}
