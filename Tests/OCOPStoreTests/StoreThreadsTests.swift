import Foundation
import OCOPModel
import OCOPReplica
import OCOPStore
import OCOPSync
import Testing

@Suite("Store threads: slow reads never make a push wait")
struct StoreThreadsTests {
    @Test("a push completes while every read thread is busy with a slow read")
    func pushesDoNotQueueBehindReads() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-threads-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteNationalStore.open(at: directory.appendingPathComponent("national.sqlite").path)
        let tenant = try await store.addProvince(code: "01", name: "Hà Nội", verifier: testVerifier)
        let province = try Replica.create(at: ":memory:", role: .province, tenantID: tenant)
        let producer = Producer(tenantID: tenant, name: "HTX Hà Nội", type: .cooperative)
        try province.save(producer)
        let account = try #require(try await store.account(user: tenant.uuidString.lowercased()))
        _ = try await store.openSession(replica: province.replicaID, account: account)
        let outgoing = try #require(try province.outgoingBatch())
        let batch = PushBatch(schemaVersion: OCOPSchema.version, firstCounter: outgoing.firstCounter,
                              lastCounter: outgoing.lastCounter, changes: outgoing.changes, conflicts: [])

        // Every read thread busy with a slow read (a feed render each).
        let clock = ContinuousClock()
        let readers = (0..<StoreThreads.readThreadCount).map { _ in
            Task { () -> ContinuousClock.Instant in
                try await StoreThreads.read { Thread.sleep(forTimeInterval: 4) }
                return clock.now
            }
        }
        try await Task.sleep(for: .milliseconds(200))
        let result = try await store.push(batch, from: Principal(replica: province.replicaID, role: .province, tenantID: tenant))
        let pushed = clock.now
        #expect(result.applied == 1)
        var readsDone: [ContinuousClock.Instant] = []
        for reader in readers { readsDone.append(try await reader.value) }
        // Had the push needed a read thread, it could not have finished before a read did.
        #expect(pushed < (try #require(readsDone.min())), "the push waited for a read thread")
    }
}
