import Foundation
import GRDB
import OCOPNetwork
import OCOPReplica
import OCOPStore
import OCOPSync
import OCOPTestSupport
import Testing

@Suite("Daemon: provinces and the central office sync over loopback", .serialized)
struct DaemonSyncTests {
    @Test func provincesAndCentralConvergeInRandomOrdersWithEveryConflictRecorded() async throws {
        // Starts several servers at once: takes its turn with the other heavy tests.
        try await HeavyTests.run { try await self.provincesAndCentralConvergeInRandomOrdersWithEveryConflictRecordedAlone() }
    }

    func provincesAndCentralConvergeInRandomOrdersWithEveryConflictRecordedAlone() async throws {
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        try await daemon.start()
        let provinces = try [("01", "Hà Nội"), ("46", "Huế"), ("79", "TP Hồ Chí Minh")].map { try daemon.addProvince(code: $0.0, name: $0.1) }
        let central = try daemon.addCentral()
        let everyone = provinces + [central]
        var random = SystemRandomNumberGenerator()

        for (index, province) in provinces.enumerated() { try insertProducts(province, range: (index * 1_000)..<(index * 1_000 + 40)) }
        for participant in everyone.shuffled(using: &random) { _ = try await participant.sync(daemon) }
        for participant in everyone.shuffled(using: &random) { _ = try await participant.sync(daemon) }

        // Offline edits, including the same field edited concurrently by a province and the centre.
        var expectedConflicts = 0
        for round in 0..<3 {
            for (index, province) in provinces.enumerated() {
                let first = index * 1_000
                try province.replica.write { db in
                    try db.execute(sql: "UPDATE products SET name_en = ? WHERE id = ?", arguments: ["Province edit \(round)", productKey(first + round)])
                    try db.execute(sql: "UPDATE products SET gtin = ? WHERE id = ?", arguments: [["8930000000002", "8930000000019", "8930000000026"][round], productKey(first + 10 + round)])
                    try db.execute(sql: "DELETE FROM products WHERE id = ?", arguments: [productKey(first + 20 + round)])
                }
                try central.replica.write { db in
                    try db.execute(sql: "UPDATE products SET name_en = ? WHERE id = ?", arguments: ["Central edit \(round)", productKey(first + round)])
                    try db.execute(sql: "UPDATE products SET status = 'discontinued' WHERE id = ?", arguments: [productKey(first + 30 + round)])
                }
                expectedConflicts += 1
            }
            for participant in everyone.shuffled(using: &random) { _ = try await participant.sync(daemon) }
        }
        // Enough rounds for everything to reach everyone, in random orders, repeatedly.
        for _ in 0..<2 { for participant in everyone.shuffled(using: &random) { _ = try await participant.sync(daemon) } }

        let national = try daemon.store()
        #expect(try productRows(national.replica.database, tenant: nil).count == provinces.count * (40 - 3))
        #expect(try productRows(central.replica.database, tenant: nil) == productRows(national.replica.database, tenant: nil))
        for province in provinces {
            #expect(try productRows(province.replica.database, tenant: nil) == productRows(national.replica.database, tenant: province.tenant))
        }
        let nationalConflicts = Set(try national.replica.conflicts().map { "\($0)" })
        #expect(nationalConflicts.count == expectedConflicts)
        #expect(Set(try central.replica.conflicts().map { "\($0)" }) == nationalConflicts)
        for province in provinces {
            let mine = try province.replica.conflicts()
            #expect(mine.count == 3, "each province sees the conflicts on its own rows")
            #expect(Set(mine.map { "\($0)" }).isSubset(of: nationalConflicts))
        }
        // A sync with nothing new moves nothing.
        let idle = try await provinces[0].sync(daemon)
        #expect(idle.report.changesPushed == 0 && idle.report.changesPulled == 0)
    }

    @Test func thirtyFourProvincesSyncAtTheSameTime() async throws {
        // Starts several servers at once: takes its turn with the other heavy tests.
        try await HeavyTests.run { try await self.thirtyFourProvincesSyncAtTheSameTimeAlone() }
    }

    func thirtyFourProvincesSyncAtTheSameTimeAlone() async throws {
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        try await daemon.start()
        let provinces = try (0..<34).map { try daemon.addProvince(code: String(format: "%02d", $0 + 1), name: "Tỉnh \($0 + 1)") }
        for (index, province) in provinces.enumerated() { try insertProducts(province, range: (index * 1_000)..<(index * 1_000 + 100)) }
        try await withThrowingTaskGroup(of: SyncSummary.self) { group in
            for province in provinces { group.addTask { try await province.sync(daemon) } }
            for try await summary in group { #expect(summary.report.changesPushed == 100) }
        }
        let national = try daemon.store()
        #expect(try productRows(national.replica.database, tenant: nil).count == 3_400)
        for province in provinces.prefix(5) {
            #expect(try productRows(province.replica.database, tenant: nil) == productRows(national.replica.database, tenant: province.tenant))
        }
    }

    @Test func killedDaemonLosesNothingAcknowledged() async throws {
        // Starts several servers at once: takes its turn with the other heavy tests.
        try await HeavyTests.run { try await self.killedDaemonLosesNothingAcknowledgedAlone() }
    }

    func killedDaemonLosesNothingAcknowledgedAlone() async throws {
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        try await daemon.start()
        let province = try daemon.addProvince(code: "01", name: "Hà Nội")
        var random = SystemRandomNumberGenerator()
        var next = 0
        var kills = 0
        var interrupted = 0
        var interruptedMidQueue = 0
        var killedBetweenPushes = 0
        var previousAcknowledged: UInt64 = 0
        for round in 0..<22 {
            // New writes every round, so every kill can land in the middle of pushes.
            try insertProducts(province, range: next..<(next + 1_200))
            try province.replica.write { try $0.execute(sql: "UPDATE products SET name_en = ? WHERE abs(random()) % 7 = 0", arguments: ["round \(round)"]) }
            next += 1_200
            let syncTask = Task { try await province.sync(daemon) }
            try await Task.sleep(for: .milliseconds(Int.random(in: 20...700, using: &random)))
            await daemon.kill9()
            kills += 1
            if case .failure = await syncTask.result { interrupted += 1 }
            let position = try province.replica.syncPosition()
            if position.pendingWrites > 0 { interruptedMidQueue += 1 }
            if position.pendingWrites > 0, position.acknowledgedThrough > previousAcknowledged { killedBetweenPushes += 1 }
            previousAcknowledged = position.acknowledgedThrough
            // Whatever the replica holds as acknowledged must be on disk at the server.
            let acknowledged = try province.replica.syncPosition().acknowledgedThrough
            let serverAcknowledged = try await daemon.store().replicaStatuses().first?.acknowledgedThrough ?? 0
            #expect(serverAcknowledged >= acknowledged, "round \(round): the replica holds an acknowledgement the server lost")
            try await daemon.start()
        }
        #expect(kills >= 20)
        // The kills really landed while changes were in flight.
        #expect(interrupted >= 5, "only \(interrupted) of \(kills) syncs were interrupted")
        #expect(interruptedMidQueue >= 5, "only \(interruptedMidQueue) kills left writes unacknowledged")
        #expect(killedBetweenPushes >= 3, "only \(killedBetweenPushes) kills landed after some pushes were acknowledged")
        print("kill -9 test: \(kills) kills, \(interrupted) syncs interrupted, \(interruptedMidQueue) with writes still queued, \(killedBetweenPushes) after some pushes were acknowledged")
        // Re-syncing completes, and the national dataset holds every row exactly once.
        _ = try await province.sync(daemon)
        _ = try await province.sync(daemon)
        let national = try daemon.store()
        #expect(try productRows(national.replica.database, tenant: province.tenant) == productRows(province.replica.database, tenant: nil))
        #expect(try productRows(national.replica.database, tenant: nil).count == next)
        #expect(try province.replica.syncPosition().pendingWrites == 0)
        let integrity = try national.replica.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") }
        #expect(integrity == "ok")
    }
}

@Suite("Daemon: backup and restore")
struct BackupRestoreTests {
    @Test func restoredDaemonGetsBackWhatItLostFromTheProvinces() async throws {
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        try await daemon.start()
        let province = try daemon.addProvince(code: "01", name: "Hà Nội")
        try insertProducts(province, range: 0..<50)
        _ = try await province.sync(daemon)
        let backup = daemon.dataDirectory.appendingPathComponent("backup.sqlite").path
        try await daemon.store().backup(to: backup)

        // After the backup: more acknowledged changes, then the server is restored.
        try insertProducts(province, range: 50..<80)
        try province.replica.write { try $0.execute(sql: "UPDATE products SET name_en = 'after backup' WHERE id = ?", arguments: [productKey(3)]) }
        _ = try await province.sync(daemon)
        await daemon.stop()
        let database = daemon.databasePath
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
        try FileManager.default.copyItem(atPath: backup, toPath: database)
        #expect(try productRows(daemon.store().replica.database, tenant: nil).count == 50, "the restored dataset is the older one")

        try await daemon.start()
        _ = try await province.sync(daemon)
        let national = try daemon.store()
        #expect(try productRows(national.replica.database, tenant: province.tenant) == productRows(province.replica.database, tenant: nil))
        #expect(try productRows(national.replica.database, tenant: nil).count == 80)
    }
}
