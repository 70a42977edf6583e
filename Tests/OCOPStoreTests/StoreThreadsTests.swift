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

        // More slow reads (a feed render each) than the read lane has threads: one per core, at least two.
        let slowRead: Duration = .seconds(2)
        let readers = (0...max(2, ProcessInfo.processInfo.activeProcessorCount)).map { _ in
            Task { try await StoreThreads.read { Thread.sleep(forTimeInterval: 2) } }
        }
        try await Task.sleep(for: .milliseconds(200))
        let clock = ContinuousClock()
        let started = clock.now
        let result = try await store.push(batch, from: Principal(replica: province.replicaID, role: .province, tenantID: tenant))
        let waited = clock.now - started
        #expect(result.applied == 1)
        #expect(waited < slowRead / 2, "the push waited \(waited) behind reads")
        for reader in readers { try await reader.value }
    }
}
