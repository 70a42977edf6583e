import Foundation
import GRDB
import OCOPReplica
@testable import OCOPStore
import OCOPSync
import Testing

/// A failing disk is not bad data: a push that meets one is aborted whole and retried later,
/// never turned into refusals parked on the province for ever.
@Suite("National store: transient failures are not refusals")
struct TransientFailureTests {
    @Test func aFullDiskAbortsThePushAndTheNextSyncDeliversEverything() async throws {
        let federation = try Federation(provinceNames: [("01", "Hà Nội")])
        let hanoi = federation.provinces[0]
        try await federation.sync(0)
        for n in 0..<400 { try insertProduct(hanoi.replica, id: key(n), tenant: hanoi.tenant, name: "Mật ong rừng U Minh số \(n)") }

        // The disk fills up: SQLite may not grow the file past its current size.
        try federation.store.replica.write { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            try db.execute(sql: "PRAGMA max_page_count = \(pages + 12)")
        }
        await #expect(throws: (any Error).self, "the push fails as a whole") { try await federation.sync(0) }
        #expect(try hanoi.replica.parkedRejections().isEmpty, "nothing is parked: a full disk is not the province's fault")
        #expect(try hanoi.replica.syncPosition().pendingWrites > 0, "the writes wait to be sent again")

        // Space again: the next sync delivers every row.
        try federation.store.replica.write { try $0.execute(sql: "PRAGMA max_page_count = 1073741823") }
        let report = try await federation.sync(0)
        #expect(report.changesRefused == 0)
        #expect(try hanoi.replica.parkedRejections().isEmpty)
        #expect(try productsDigest(federation.store.replica.database, tenant: hanoi.tenant).count == 400)
    }
}

extension TransientFailureTests {
    /// Another program holds the national store's write lock (an administrator's `sqlite3`
    /// session, a backup tool): the push waits its busy timeout, fails whole, and the province
    /// sends everything again at its next sync.
    @Test func aCompetingWriterMakesThePushFailWholeAndTheNextSyncDeliversEverything() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("busy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("national.sqlite").path
        let federation = try Federation(provinceNames: [("01", "Hà Nội")], storePath: path)
        let hanoi = federation.provinces[0]
        try await federation.sync(0)
        for n in 0..<50 { try insertProduct(hanoi.replica, id: key(n), tenant: hanoi.tenant, name: "Nước mắm Phú Quốc số \(n)") }

        var holdsTheLock = Configuration()
        holdsTheLock.allowsUnsafeTransactions = true
        let competitor = try DatabaseQueue(path: path, configuration: holdsTheLock)
        try competitor.inDatabase { try $0.execute(sql: "BEGIN IMMEDIATE") }
        await #expect(throws: (any Error).self, "the push fails as a whole") { try await federation.sync(0) }
        try competitor.inDatabase { try $0.execute(sql: "ROLLBACK") }
        #expect(try hanoi.replica.parkedRejections().isEmpty, "nothing is parked: a busy database is not the province's fault")
        #expect(try hanoi.replica.syncPosition().pendingWrites > 0)

        let report = try await federation.sync(0)
        #expect(report.changesRefused == 0)
        #expect(try productsDigest(federation.store.replica.database, tenant: hanoi.tenant).count == 50)
    }
}

@Suite("National store: which database errors refuse a change")
struct DatabaseErrorClassTests {
    @Test(arguments: [
        (ResultCode.SQLITE_CONSTRAINT, true), (.SQLITE_MISMATCH, true), (.SQLITE_TOOBIG, true),
        (.SQLITE_BUSY, false), (.SQLITE_LOCKED, false), (.SQLITE_FULL, false), (.SQLITE_IOERR, false),
        (.SQLITE_NOMEM, false), (.SQLITE_READONLY, false), (.SQLITE_CORRUPT, false), (.SQLITE_CANTOPEN, false),
    ])
    func onlyProblemsWithTheRowRefuseIt(code: ResultCode, refuses: Bool) {
        #expect(SQLiteNationalStore.isDataProblem(DatabaseError(resultCode: code)) == refuses, "\(code)")
    }
}
