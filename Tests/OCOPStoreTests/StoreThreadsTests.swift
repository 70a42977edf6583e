import Foundation
import Synchronization
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

        // Every read thread held by a slow read (a feed render each) until the push is done:
        // had the push needed a read thread, it could not finish at all. Held, not timed, so a
        // loaded machine cannot make the test wrong.
        let release = DispatchSemaphore(value: 0)
        let holding = HeldReads()
        let readers = (0..<StoreThreads.readThreadCount).map { _ in
            Task {
                try await StoreThreads.read {
                    holding.count.withLock { $0 += 1 }
                    release.wait()
                }
            }
        }
        defer { for _ in readers { release.signal() } }
        while holding.count.withLock({ $0 }) < StoreThreads.readThreadCount { try await Task.sleep(for: .milliseconds(10)) }
        let push = Task { try await store.push(batch, from: Principal(replica: province.replicaID, role: .province, tenantID: tenant)) }
        let finished = await withTaskGroup(of: Bool.self) { group in
            group.addTask { (try? await push.value) != nil }
            group.addTask {
                try? await Task.sleep(for: .seconds(300))
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        #expect(finished, "the push waited for a read thread (all of them were held by reads)")
        #expect(holding.count.withLock { $0 } == StoreThreads.readThreadCount, "every read thread was still held")
        if finished { #expect(try await push.value.applied == 1) }
        for _ in readers { release.signal() }
        for reader in readers { try await reader.value }
    }
}

/// How many read threads the test's slow reads hold.
final class HeldReads: Sendable {
    let count = Mutex(0)
}
