import Foundation
import GRDB
import OCOPReplica
import OCOPStore
import Testing

/// A pull page must be a range of an index or of the rows themselves: without one, every page of
/// the central office's first sync scanned and sorted the whole feed (394 s for 612,000 rows).
/// Checked on a new store and on one upgraded from the November 2026 release.
@Suite struct FeedPagePlanTests {
    static func plan(_ store: SQLiteNationalStore, _ sql: String, _ arguments: StatementArguments) throws -> [String] {
        try store.replica.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
        }
    }

    static func stores() throws -> [SQLiteNationalStore] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("plan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return [
            try SQLiteNationalStore.open(at: directory.appendingPathComponent("new.sqlite").path),
            try SQLiteNationalStore.open(at: try UpgradeInPlaceTests.copy("national.sqlite")),
        ]
    }

    @Test func theCentralOfficesPageIsARangeOfTheRowsKeyedByPosition() throws {
        for store in try Self.stores() {
            let plan = try Self.plan(store, SQLiteNationalStore.centralPage, [0, 1, 2_000])
            #expect(plan == ["SEARCH _sync_rows USING INTEGER PRIMARY KEY (rowid>?)"], "\(plan)")
        }
    }

    @Test func aProvincesPageIsTwoRangesOfTheOwnerIndex() throws {
        for store in try Self.stores() {
            let plan = try Self.plan(store, SQLiteNationalStore.provincePage, [3, 0, 1, 2_000])
            let ranges = plan.filter { $0.contains("SEARCH _sync_rows USING INDEX _sync_rows_by_owner (owner=? AND rowid>?)") }
            #expect(ranges.count == 2, "\(plan)")
            #expect(!plan.contains { $0.hasPrefix("SCAN _sync_rows") }, "\(plan)")
        }
    }
}
