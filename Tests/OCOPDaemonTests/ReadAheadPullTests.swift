import Foundation
import GRDB
import OCOPReplica
import OCOPStore
import OCOPTestSupport
import Testing

/// The daemon reads the next page of a long pull while the replica applies the one before. A
/// page read ahead is an earlier snapshot: whatever changes meanwhile (pushes of other
/// provinces, deletions, the central office's own writes) must still reach the puller, exactly once.
@Suite("Pull pages read ahead")
struct ReadAheadPullTests {
    @Test func aLongPullMeetsConcurrentPushesAndEndsIdenticalToTheStore() async throws {
        // 75 pages against five pushes: takes its turn with the other heavy tests.
        try await HeavyTests.run {
            let daemon = try DaemonProcess()
            defer { daemon.cleanUp() }
            try await daemon.start()
            do {
                try await Self.pullDuringPushes(daemon)
            } catch {
                Issue.record("the daemon's log: \(daemon.logText().suffix(3_000))")
                throw error
            }
        }
    }

    static func pullDuringPushes(_ daemon: DaemonProcess) async throws {
        let hanoi = try daemon.addProvince(code: "01", name: "Hà Nội")
        let hue = try daemon.addProvince(code: "46", name: "Huế")
        let central = try daemon.addCentral()
        try insertProducts(hanoi, range: 0..<1_500)
        try insertProducts(hue, range: 2_000..<3_500)
        _ = try await hanoi.sync(daemon)
        _ = try await hue.sync(daemon)

        // The central office pulls 3,000 rows 40 at a time while Huế edits, deletes and pushes.
        async let pulled = central.sync(daemon, pageSize: 40)
        for round in 0..<5 {
            try hue.replica.write { db in
                try db.execute(sql: "UPDATE products SET name_en = ? WHERE unicode(substr(name_vi, -1)) % 7 = ?", arguments: ["Hue honey \(round)", round])
                try db.execute(sql: "DELETE FROM products WHERE id = ?", arguments: [productKey(2_000 + round)])
            }
            _ = try await hue.sync(daemon)
        }
        _ = try await pulled
        _ = try await central.sync(daemon, pageSize: 40)

        let store = try daemon.store()
        #expect(try productRows(central.replica.database, tenant: nil) == productRows(store.replica.database, tenant: nil))
        #expect(try productRows(central.replica.database, tenant: nil).count == 2_995)
    }
}
