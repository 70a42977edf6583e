import Foundation
import GRDB
import OCOPNetwork
import OCOPPostgres
import OCOPReplica
import OCOPStore
import OCOPSync
import OCOPTestSupport
import Testing

/// Real `ocop-syncd` processes over one PostgreSQL database, provinces spread across them.
@Suite("Daemon on PostgreSQL: several daemons over one database", .serialized,
       .enabled(if: TestPostgres.server != nil, "needs OCOP_TEST_POSTGRES (.ci/start-postgres)"))
struct PostgresDaemonTests {
    /// A province whose replica holds its own producer (on PostgreSQL the test cannot write the
    /// national tables behind the store's back, as the SQLite harness does).
    static func province(_ admin: PostgresNationalStore, code: String, name: String) async throws -> Participant {
        let secret = "secret-\(code)-\(UUID().uuidString)"
        let tenant = try await admin.addProvince(code: code, name: name, verifier: ScramVerifier.make(secret: secret))
        let replica = try Replica.create(at: ":memory:", role: .province, tenantID: tenant)
        try replica.write { db in
            try db.execute(sql: "INSERT INTO producers(id, tenant_id, name, type) VALUES (?, ?, ?, 'cooperative')",
                           arguments: [producerKey(tenant: tenant), tenant, "HTX \(name)"])
        }
        return Participant(name: name, replica: replica, user: tenant.uuidString.lowercased(), secret: secret, tenant: tenant)
    }

    @Test func provincesSpreadOverThreeDaemonsConvergeWhileOneIsKilledMidPush() async throws {
        // Starts several servers at once: takes its turn with the other heavy tests.
        try await HeavyTests.run { try await self.provincesSpreadOverThreeDaemonsConvergeWhileOneIsKilledMidPushAlone() }
    }

    func provincesSpreadOverThreeDaemonsConvergeWhileOneIsKilledMidPushAlone() async throws {
        let database = try await TestPostgres.newDatabase()
        let admin = try await PostgresNationalStore.open(database)
        let daemons = try (0..<3).map { _ in try DaemonProcess(store: database.description, storePasswordFile: TestPostgres.passwordFile) }
        defer { for daemon in daemons { daemon.cleanUp() } }
        for daemon in daemons { try await daemon.start() }

        var provinces: [Participant] = []
        for (code, name) in [("01", "Hà Nội"), ("04", "Cao Bằng"), ("08", "Tuyên Quang"), ("11", "Điện Biên"), ("12", "Lai Châu"), ("46", "Huế")] {
            provinces.append(try await Self.province(admin, code: code, name: name))
        }
        let centralSecret = "central-\(UUID().uuidString)"
        try await admin.addCentralAccount(verifier: ScramVerifier.make(secret: centralSecret))
        let central = Participant(name: "central", replica: try Replica.create(at: ":memory:", role: .central, tenantID: nil),
                                  user: "central", secret: centralSecret, tenant: nil)

        var next = [Int](repeating: 0, count: provinces.count)
        for (index, province) in provinces.enumerated() {
            try insertProducts(province, range: (index * 100_000)..<(index * 100_000 + 400))
            next[index] = 400
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, province) in provinces.enumerated() {
                group.addTask { _ = try await province.sync(daemons[index % daemons.count]) }
            }
            try await group.waitForAll()
        }

        // Rounds of new writes synced through all three daemons at once, one daemon killed in the
        // middle of them each round.
        var random = SystemRandomNumberGenerator()
        var interrupted = 0
        for round in 0..<6 {
            for (index, province) in provinces.enumerated() {
                try insertProducts(province, range: (index * 100_000 + next[index])..<(index * 100_000 + next[index] + 500))
                next[index] += 500
                try province.replica.write { try $0.execute(sql: "UPDATE products SET name_en = ? WHERE abs(random()) % 5 = 0", arguments: ["round \(round)"]) }
            }
            let syncs = provinces.enumerated().map { index, province in
                Task { try await province.sync(daemons[(index + round) % daemons.count]) }
            }
            try await Task.sleep(for: .milliseconds(Int.random(in: 30...400, using: &random)))
            let victim = daemons[round % daemons.count]
            await victim.kill9()
            for sync in syncs { if case .failure = await sync.result { interrupted += 1 } }
            // Whatever a replica holds as acknowledged is committed in the database.
            let statuses = try await admin.replicaStatuses()
            for province in provinces {
                let acknowledged = try province.replica.syncPosition().acknowledgedThrough
                let stored = statuses.first { $0.replica == province.replica.replicaID.description }?.acknowledgedThrough ?? 0
                #expect(stored >= acknowledged, "round \(round): \(province.name) holds an acknowledgement the database lost")
            }
            try await victim.start()
        }
        #expect(interrupted >= 2, "only \(interrupted) syncs were interrupted by the kills")
        print("PostgreSQL daemons: 6 rounds, \(interrupted) syncs interrupted by kill -9")

        // Everyone syncs to the end, through any daemon: nothing is lost, nothing doubled.
        for _ in 0..<2 {
            for (index, province) in provinces.enumerated() { _ = try await province.sync(daemons[(index + 2) % daemons.count]) }
        }
        _ = try await central.sync(daemons[1])
        _ = try await central.sync(daemons[2])
        var total = 0
        for (index, province) in provinces.enumerated() {
            #expect(try province.replica.syncPosition().pendingWrites == 0)
            let mine = try productRows(province.replica.database, tenant: nil)
            #expect(mine.count == next[index])
            #expect(try productRows(central.replica.database, tenant: province.tenant) == mine, "\(province.name)")
            total += mine.count
        }
        #expect(try productRows(central.replica.database, tenant: nil).count == total)
        await admin.close()
    }

    @Test("a wrong password, a missing database or no server at start: one clear line naming the server, non-zero exit")
    func unusableDatabaseIsNamed() async throws {
        let server = try #require(TestPostgres.server)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-pg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let wrong = scratch.appendingPathComponent("wrong-password")
        try "not-the-password\n".write(to: wrong, atomically: true, encoding: .utf8)
        let cases: [(url: String, passwordFile: String?, says: [String])] = [
            ("postgres://\(server.user)@127.0.0.1:\(server.port)/postgres", wrong.path, ["password authentication failed", "check the user name and the password"]),
            ("postgres://\(server.user)@127.0.0.1:\(server.port)/no_such_ocop_database", TestPostgres.passwordFile, ["does not exist", "create the database first"]),
            ("postgres://\(server.user)@127.0.0.1:1/ocop", TestPostgres.passwordFile, ["accepts TCP connections"]),
        ]
        for item in cases {
            let run = try await runTool(try builtBinary("ocop-syncd").path, [
                "serve", "--store", item.url, "--data-dir", scratch.appendingPathComponent("data").path, "--listen", "127.0.0.1:0",
            ] + (item.passwordFile.map { ["--store-password-file", $0] } ?? []))
            #expect(run.status != 0, "\(item.url)")
            let host = String(item.url.dropFirst("postgres://".count))
            #expect(run.errors.contains("cannot use the national store at postgres://\(host)"), "\(run.errors)")
            for words in item.says { #expect(run.errors.contains(words), "\(item.url): \(run.errors)") }
            #expect(!run.errors.contains("not-the-password") && !run.errors.contains("Stack dump") && !run.errors.contains("Fatal error"))
        }
        // A password in the URL is refused before anything connects.
        let inURL = try await runTool(try builtBinary("ocop-syncd").path, ["status", "--store", "postgres://ocop:hunter2@127.0.0.1:1/ocop"])
        #expect(inURL.status != 0 && inURL.errors.contains("the URL carries a password") && !inURL.errors.contains("hunter2"), "\(inURL.errors)")
    }

    @Test("a central office moves from SQLite to PostgreSQL with store copy, and its provinces sync on without re-initialising")
    func movingACentralOfficeFromSQLite() async throws {
        // Starts several servers at once: takes its turn with the other heavy tests.
        try await HeavyTests.run { try await self.movingACentralOfficeFromSQLiteAlone() }
    }

    func movingACentralOfficeFromSQLiteAlone() async throws {
        let old = try DaemonProcess()
        defer { old.cleanUp() }
        try await old.start()
        let province = try old.addProvince(code: "01", name: "Hà Nội")
        try insertProducts(province, range: 0..<200)
        _ = try await province.sync(old)
        await old.stop()

        let database = try await TestPostgres.newDatabase()
        let arguments = ["store", "copy", "--from", old.databasePath, "--to", database.description]
            + (TestPostgres.passwordFile.map { ["--store-password-file", $0] } ?? [])
        let copy = try await runTool(try builtBinary("ocop-syncd").path, arguments)
        #expect(copy.status == 0, "\(copy.errors)")
        let digests = copy.output.split(separator: "\n").filter { $0.contains("digest") }.map { $0.split(separator: " ").last! }
        #expect(digests.count == 2 && digests[0] == digests[1], "\(copy.output)")

        let moved = try DaemonProcess(store: database.description, storePasswordFile: TestPostgres.passwordFile)
        defer { moved.cleanUp() }
        try await moved.start()
        try insertProducts(province, range: 200..<250)
        let summary = try await province.sync(moved)
        #expect(summary.report.changesPushed == 50 && summary.report.changesPulled == 0, "\(summary.report)")
        #expect(try province.replica.syncPosition().pendingWrites == 0)

        // The destination is no longer empty: a second copy is refused and changes nothing.
        let again = try await runTool(try builtBinary("ocop-syncd").path, arguments)
        #expect(again.status != 0 && again.errors.contains("is not empty"), "\(again.errors)")

        // And back to a new SQLite file, as a way out; an existing file is never overwritten.
        await moved.stop()
        let back = moved.dataDirectory.appendingPathComponent("back.sqlite").path
        let reverse = ["store", "copy", "--from", database.description, "--to", back]
            + (TestPostgres.passwordFile.map { ["--store-password-file", $0] } ?? [])
        let returned = try await runTool(try builtBinary("ocop-syncd").path, reverse)
        #expect(returned.status == 0, "\(returned.errors)")
        let backDigests = returned.output.split(separator: "\n").filter { $0.contains("digest") }.map { $0.split(separator: " ").last! }
        #expect(backDigests.count == 2 && backDigests[0] == backDigests[1], "\(returned.output)")
        let overwrite = try await runTool(try builtBinary("ocop-syncd").path, reverse)
        #expect(overwrite.status != 0 && overwrite.errors.contains("already exists"), "\(overwrite.errors)")
    }
}
