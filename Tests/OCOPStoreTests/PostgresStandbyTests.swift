import Foundation
import OCOPModel
import OCOPPostgres
import OCOPReplica
import OCOPStore
import OCOPSync
import OCOPTestSupport
import Testing

/// Reads for people and partners served by a streaming standby while pushes go to the primary.
@Suite("PostgreSQL: reads from a streaming standby", .serialized,
       .enabled(if: TestPostgres.server != nil && TestPostgres.standby != nil, "needs OCOP_TEST_POSTGRES and OCOP_TEST_POSTGRES_STANDBY (.ci/start-postgres)"))
struct PostgresStandbyTests {
    static let verifier = CredentialVerifier(
        salt: [1, 2, 3], iterations: 4096, storedKey: Array(repeating: 7, count: 32), serverKey: Array(repeating: 9, count: 32))

    /// One push of `count` products as a single batch.
    static func seed(_ store: PostgresNationalStore, count: Int) async throws -> (replica: Replica, principal: Principal, batch: PushBatch) {
        let tenant = try await store.addProvince(code: "31", name: "Hải Phòng", verifier: verifier)
        let replica = try Replica.create(at: ":memory:", role: .province, tenantID: tenant)
        let producer = Producer(tenantID: tenant, name: "Hợp tác xã Nước mắm Cát Hải", type: .cooperative)
        try replica.save(producer)
        try replica.saveAll((1...count).map {
            Product(tenantID: tenant, producerID: producer.id, classificationCode: "1.3.c", nameVi: "Nước mắm \($0)")
        })
        let account = try #require(try await store.account(user: tenant.uuidString.lowercased()))
        _ = try await store.openSession(replica: replica.replicaID, account: account)
        let batch = try #require(try replica.outgoingBatch(maxWrites: .max))
        return (replica, Principal(replica: replica.replicaID, role: .province, tenantID: tenant), batch)
    }

    @Test("a report read on the standby shows a push whole or not at all, and the lag is measured")
    func standbyNeverShowsHalfAPush() async throws {
        let database = try await TestPostgres.newDatabase()
        let standby = try #require(TestPostgres.standby).database(database.database)
        let store = try await PostgresNationalStore.open(database, standby: standby)
        let (_, principal, batch) = try await Self.seed(store, count: 1_500)
        let filter = ProductFilter(date: LocalDate("2026-01-01")!)

        async let pushed = store.push(batch, from: principal)
        var seen = Set<Int>()
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let count = try await store.products(matching: filter).count
            seen.insert(count)
            if count == 1_500 { break }
        }
        #expect(try await pushed.refused.isEmpty)
        #expect(seen.isSubset(of: [0, 1_500]), "the standby showed part of a push: \(seen.sorted())")
        #expect(seen.contains(1_500), "the push never reached the standby")
        var lag = try #require(try await store.standbyLag())
        for _ in 0..<100 where lag.feedPositions > 0 {
            try await Task.sleep(for: .milliseconds(100))
            lag = try #require(try await store.standbyLag())
        }
        #expect(lag == StandbyLag(seconds: 0, feedPositions: 0))
        await store.close()
    }

    @Test("with replay paused, reads keep showing the standby's state and the lag grows; pulls stay on the primary")
    func readsReallyComeFromTheStandby() async throws {
        let database = try await TestPostgres.newDatabase()
        let standbyServer = try #require(TestPostgres.standby)
        let store = try await PostgresNationalStore.open(database, standby: standbyServer.database(database.database))
        let (_, principal, batch) = try await Self.seed(store, count: 40)
        // Wait until the standby has the store's first rows, then stop its replay.
        for _ in 0..<200 where try await store.standbyLag()?.feedPositions != 0 { try await Task.sleep(for: .milliseconds(50)) }
        let admin = try await PostgresNationalStore.open(database)
        defer { Task { await admin.close() } }
        try await Self.replay(standbyServer, paused: true)
        do {
            #expect(try await store.push(batch, from: principal).refused.isEmpty)
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await store.products(matching: ProductFilter(date: LocalDate("2026-01-01")!)).isEmpty,
                    "a read that shows the new rows did not come from the paused standby")
            let lag = try #require(try await store.standbyLag())
            #expect(lag.feedPositions >= 41 && lag.seconds > 0)
            // The sync path reads the primary: another machine of the province pulls everything.
            let page = try await store.pull(after: 0, limit: 5_000, for: Principal(replica: ReplicaID(uuid: UUID()), role: .central, tenantID: nil))
            #expect(page.changes.filter { $0.table == "products" }.count == 40)
        } catch {
            try await Self.replay(standbyServer, paused: false)
            throw error
        }
        try await Self.replay(standbyServer, paused: false)
        for _ in 0..<200 where try await store.standbyLag()?.feedPositions != 0 { try await Task.sleep(for: .milliseconds(50)) }
        #expect(try await store.products(matching: ProductFilter(date: LocalDate("2026-01-01")!)).count == 40)
        await store.close()
    }

    /// Pauses or resumes WAL replay on the standby (the test cluster's role is a superuser), with
    /// PostgreSQL's own client as an administrator would.
    static func replay(_ standby: PostgresStoreConfiguration, paused: Bool) async throws {
        var environment = ProcessInfo.processInfo.environment
        if let file = TestPostgres.passwordFile {
            environment["PGPASSWORD"] = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .newlines)
        }
        let run = try await ChildProcess.run(URL(fileURLWithPath: "/usr/bin/psql"), [
            "-h", standby.host, "-p", String(standby.port), "-U", standby.user, "-d", "postgres", "-Atq",
            "-c", paused ? "SELECT pg_wal_replay_pause()" : "SELECT pg_wal_replay_resume()",
        ], environment: environment)
        #expect(run.status == 0, "psql could not \(paused ? "pause" : "resume") replay: \(run.errors)")
    }
}
