import Foundation
import Logging
import NIOCore
import OCOPModel
import OCOPNetwork
import OCOPPostgres
import OCOPReplica
import OCOPStore
import OCOPSync
import PostgresNIO

/// `ocop-bench --store postgres://…`: the national store on PostgreSQL.
///
/// - `pg_merge_changes_per_s` and `pg_merge_vs_upsert_ratio`: the nightly workload's pushes merged
///   by the PostgreSQL store, against the fastest plain write of the same rows into the same
///   server we can make: the batch streamed with COPY into a staging table, then one
///   `INSERT … ON CONFLICT DO UPDATE` into a plain table, one transaction per batch, same
///   durability (`synchronous_commit` as the server has it).
/// - `pg_e2e_changes_per_s_1_daemon`, `…_3_daemons` and `pg_daemon_peak_rss_mb`: real
///   `ocop-syncd` processes over one database, every province syncing a night at once.
enum PostgresBenchmark {
    static func run(url: String, quick: Bool) async throws -> [Figure] {
        let server = try PostgresStoreConfiguration(url: url)
        var figures = try await merge(server, quick: quick)
        for daemons in [1, 3] { figures += try await endToEnd(server, daemons: daemons, quick: quick) }
        return figures
    }

    /// A new database of its own on the server, so runs never see each other's data.
    static func newDatabase(_ server: PostgresStoreConfiguration, _ label: String) async throws -> PostgresStoreConfiguration {
        let name = "ocop_bench_\(label)_" + UUID().uuidString.prefix(8).lowercased()
        try await PostgresNationalStore.createDatabase(name, using: server)
        return server.database(name)
    }

    static func merge(_ server: PostgresStoreConfiguration, quick: Bool) async throws -> [Figure] {
        let provinces = quick ? 8 : 34
        let products = quick ? 1_000 : 3_000
        let database = try await newDatabase(server, "merge")
        let store = try await PostgresNationalStore.open(database)
        let workload = try SyncWorkload(name: "pg-merge", provinceCount: provinces, productsPerProvince: products)
        defer { workload.remove() }
        let verifier = CredentialVerifier(salt: [1], iterations: 4096, storedKey: [], serverKey: [])
        for (index, province) in workload.provinces.enumerated() {
            _ = try await store.addProvince(code: String(format: "%02d", index + 1), name: "Tỉnh \(index + 1)", verifier: verifier,
                                            id: province.tenant, validFrom: LocalDate("2025-07-01")!)
        }
        let baseline = try await PlainCopyUpsert(database)
        defer { Task { await baseline.close() } }

        for province in workload.provinces {
            guard let batch = try SyncWorkload.pendingBatch(province.replica) else { continue }
            let result = try await push(batch, into: store, from: workload.principal(province))
            try province.replica.acknowledge(batch, through: result.acknowledgedThrough, rejections: [])
            try await baseline.write(batch.changes)
        }
        let central = Principal(replica: workload.central.replicaID, role: .central, tenantID: nil)
        var cursor: UInt64 = 0
        while true {
            let page = try await store.pull(after: cursor, limit: 5_000, for: central)
            try workload.central.applyIncoming(changes: page.changes, conflicts: page.conflicts, cursor: page.nextCursor)
            cursor = page.nextCursor
            if !page.hasMore { break }
        }

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
                let mergeFirst = changes % 2 == 0
                if !mergeFirst { upsertSeconds += try await seconds { try await baseline.write(batch.changes) } }
                var result: PushResult?
                mergeSeconds += try await seconds { result = try await push(batch, into: store, from: workload.principal(province)) }
                if mergeFirst { upsertSeconds += try await seconds { try await baseline.write(batch.changes) } }
                conflicts += result?.conflicts ?? 0
                try province.replica.acknowledge(batch, through: result?.acknowledgedThrough ?? 0, rejections: [])
            }
            if let batch = centralPush {
                let result = try await push(batch, into: store, from: central)
                conflicts += result.conflicts
                try workload.central.acknowledge(batch, through: result.acknowledgedThrough, rejections: [])
            }
        }
        await store.close()
        return [
            Figure(name: "pg_merge_changes_per_s", value: Double(changes) / mergeSeconds,
                   note: "PostgreSQL: \(changes) pushed changes (\(provinces) provinces × \(products) products, 3 nights; \(conflicts) conflicts) merged durably"),
            Figure(name: "pg_merge_vs_upsert_ratio", value: upsertSeconds / mergeSeconds,
                   note: "PostgreSQL merge rate over the plain baseline: the same rows COPYed into a staging table and upserted in one statement, same batches and durability (target ≥ 0.5)"),
            Figure(name: "pg_merge_baseline_writes_per_s", value: Double(changes) / upsertSeconds,
                   note: "the PostgreSQL baseline's own rate (COPY + INSERT … ON CONFLICT)"),
        ]
    }

    static func push(_ batch: PushBatch, into store: PostgresNationalStore, from principal: Principal) async throws -> PushResult {
        let result = try await store.push(batch, from: principal)
        if let first = result.refused.first {
            throw BenchmarkError("the workload was refused (\(result.refused.count) changes), e.g. \(first.message)")
        }
        return result
    }

    static func seconds(_ body: () async throws -> Void) async rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try await body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// Real daemons over one database, provinces spread across them, every province syncing its
    /// first load and then a night of edits at once; the night is measured.
    static func endToEnd(_ server: PostgresStoreConfiguration, daemons count: Int, quick: Bool) async throws -> [Figure] {
        let provinceCount = quick ? 8 : 34
        let products = quick ? 1_000 : 3_000
        let database = try await newDatabase(server, "e2e\(count)")
        let admin = try await PostgresNationalStore.open(database)
        let workload = try SyncWorkload(name: "pg-e2e", provinceCount: provinceCount, productsPerProvince: products)
        defer { workload.remove() }
        var secrets: [String] = []
        for (index, province) in workload.provinces.enumerated() {
            let secret = "bench-secret-\(index)-0123456789"
            _ = try await admin.addProvince(code: String(format: "%02d", index + 1), name: "Tỉnh \(index + 1)",
                                            verifier: ScramVerifier.make(secret: secret), id: province.tenant, validFrom: LocalDate("2025-07-01")!)
            secrets.append(secret)
        }
        await admin.close()
        var runners: [DaemonRunner] = []
        defer { for runner in runners { runner.stop() } }
        for index in 0..<count {
            let directory = workload.directory.path("daemon-\(index)")
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            runners.append(try DaemonRunner(dataDirectory: directory, store: database.description, storePasswordFile: database.passwordFileForBenchmarks))
        }
        let ports = runners.map(\.port)
        let participants = workload.provinces.enumerated().map { index, province in
            (replica: province.replica, user: province.tenant.uuidString.lowercased(), secret: secrets[index], port: ports[index % ports.count])
        }
        func syncAll() async throws -> (seconds: Double, changes: Int) {
            let start = DispatchTime.now().uptimeNanoseconds
            let pushed = try await withThrowingTaskGroup(of: Int.self) { group in
                for province in participants {
                    group.addTask {
                        var configuration = SyncClientConfiguration(host: "127.0.0.1", port: province.port, user: province.user, secret: province.secret)
                        configuration.batchSize = 500
                        var logger = Logger(label: "ocop.bench")
                        logger.logLevel = .error
                        return try await SyncClient.sync(province.replica, configuration: configuration, logger: logger).report.changesPushed
                    }
                }
                return try await group.reduce(0, +)
            }
            return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, pushed)
        }
        _ = try await syncAll()
        try workload.editNight()
        let night = try await syncAll()
        let rss = runners.map { $0.peakResidentKilobytes() }.max() ?? 0
        let label = count == 1 ? "1_daemon" : "\(count)_daemons"
        return [
            Figure(name: "pg_e2e_changes_per_s_\(label)", value: Double(night.changes) / night.seconds,
                   note: "PostgreSQL, \(count) daemon(s): \(provinceCount) provinces sync a night (\(night.changes) changes) at once over loopback"),
            Figure(name: "pg_daemon_peak_rss_mb_\(label)", value: Double(rss) / 1024,
                   note: "the largest daemon's peak resident memory in that run"),
        ]
    }
}

extension PostgresStoreConfiguration {
    /// The password file the benchmark was given through the environment, for the daemons.
    var passwordFileForBenchmarks: String? { ProcessInfo.processInfo.environment["OCOP_STORE_PASSWORD_FILE"] }
}

/// The baseline: the batch's products streamed with COPY into a staging table, then one
/// `INSERT … ON CONFLICT DO UPDATE` that writes each row's changed columns (by its column mask)
/// into a plain table without any sync metadata.
final class PlainCopyUpsert: Sendable {
    let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger = Logger(label: "ocop.bench.baseline")
    private static let columns = OCOPSchema.products.columns

    init(_ database: PostgresStoreConfiguration) async throws {
        client = PostgresClient(configuration: try database.clientConfiguration(), backgroundLogger: Logger(label: "ocop.bench.pg"))
        let client = self.client
        runner = Task { await client.run() }
        let definitions = Self.columns.map { "\"\($0.name)\" \($0.type == .uuid ? "bytea" : $0.type == .integer ? "bigint" : $0.type == .real ? "double precision" : "text")" }
        try await client.query(PostgresQuery(unsafeSQL: "CREATE TABLE plain_products (id bytea PRIMARY KEY, \(definitions.joined(separator: ", ")), _mask bigint)"), logger: logger)
    }

    func close() async {
        runner.cancel()
        _ = await runner.value
    }

    func write(_ changes: [RowChange]) async throws {
        let names = Self.columns.map(\.name)
        var text = ""
        for change in changes where change.table == "products" {
            guard case .blob(let key) = change.key else { continue }
            var mask = 0
            var fields = ["\\\\x" + Hex.string(key)]
            for (index, name) in names.enumerated() {
                if let write = change.state.columns[name] {
                    mask |= 1 << index
                    fields.append(Self.copyField(write.value))
                } else {
                    fields.append("\\N")
                }
            }
            guard mask != 0 else { continue }
            fields.append(String(mask))
            text += fields.joined(separator: "\t") + "\n"
        }
        let quoted = names.map { "\"\($0)\"" }
        let assignments = quoted.enumerated().map { index, name in
            "\(name) = CASE WHEN EXCLUDED._mask & \(1 << index) <> 0 THEN EXCLUDED.\(name) ELSE plain_products.\(name) END"
        }
        let logger = self.logger
        let body = text
        try await client.withConnection { connection in
            try await connection.withTransaction(logger: logger) { connection in
                try await connection.query("CREATE TEMP TABLE staged (LIKE plain_products) ON COMMIT DROP", logger: logger)
                try await connection.copyFrom(table: "staged", logger: logger) { writer in
                    try await writer.write(ByteBuffer(string: body))
                }
                try await connection.query(PostgresQuery(unsafeSQL: """
                    INSERT INTO plain_products SELECT * FROM staged
                    ON CONFLICT (id) DO UPDATE SET \(assignments.joined(separator: ", ")), _mask = EXCLUDED._mask
                    """), logger: logger)
            }
        }
    }

    static func copyField(_ value: SyncValue) -> String {
        switch value {
        case .null: return "\\N"
        case .integer(let number): return String(number)
        case .real(let number): return String(number)
        case .blob(let bytes): return "\\\\x" + Hex.string(bytes)
        case .text(let text):
            guard text.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }) else {
                return text
            }
            var escaped = ""
            for character in text.unicodeScalars {
                switch character {
                case "\\": escaped += "\\\\"
                case "\t": escaped += "\\t"
                case "\n": escaped += "\\n"
                case "\r": escaped += "\\r"
                default: escaped.unicodeScalars.append(character)
                }
            }
            return escaped
        }
    }

}
