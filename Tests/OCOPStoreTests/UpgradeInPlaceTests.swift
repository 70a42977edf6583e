import Foundation
import GRDB
import OCOPReplica
import OCOPStore
import OCOPSync
import OCOPTestSupport
import Testing

/// Files written by the release of November 2026 (`ocop demo --keep`, then a province edit made
/// with the `sqlite3` shell and not yet synced) open under the current layout and keep every
/// synced row, stamp, conflict, cursor and account.
///
/// The digests in `Fixtures/release-2026-11/digests.txt` were computed by that release's own
/// code; regenerate them only with that code (`OCOP_WRITE_FIXTURE_DIGESTS=1`).
@Suite struct UpgradeInPlaceTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/release-2026-11")

    /// A private copy of a fixture, so opening (and upgrading) never touches the committed file.
    static func copy(_ name: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("upgrade-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let target = directory.appendingPathComponent(name)
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent(name), to: target)
        return target.path
    }

    static func recorded() throws -> [String: String] {
        let text = try String(contentsOf: fixtures.appendingPathComponent("digests.txt"), encoding: .utf8)
        var result: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ", maxSplits: 1)
            if parts.count == 2 { result[String(parts[0])] = String(parts[1]) }
        }
        return result
    }

    /// The server's own tables, which the synced-data digest does not cover.
    static func serverDigest(_ store: SQLiteNationalStore) throws -> String {
        try store.replica.read { db in
            var lines: [String] = []
            for (table, order) in [("_server_accounts", "user"), ("_server_replicas", "replica"), ("_server_state", "key"),
                                   ("_server_pull_served", "replica"), ("_api_tokens", "id")] {
                lines.append(table)
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY \(order)") { lines.append(row.description) }
            }
            lines.append("feed \(try SyncMeta.int(db, .feedSequence) ?? 0)")
            return String(lines.joined(separator: "\n").hashValueStable, radix: 16)
        }
    }

    static func digests() throws -> [String: String] {
        let store = try SQLiteNationalStore.open(at: try copy("national.sqlite"))
        let province = try Replica.open(at: try copy("province-01.ocop"))
        let central = try Replica.open(at: try copy("central.ocop"))
        return [
            "national": try store.replica.contentDigest(),
            "national-server": try serverDigest(store),
            "province-01": try province.contentDigest(),
            "central": try central.contentDigest(),
        ]
    }

    @Test func filesOfTheNovember2026ReleaseOpenWithEverythingKept() throws {
        let now = try Self.digests()
        if ProcessInfo.processInfo.environment["OCOP_WRITE_FIXTURE_DIGESTS"] == "1" {
            let text = "# contentDigest() of each fixture, computed by the code that wrote it\n"
                + now.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "\n") + "\n"
            try text.write(to: Self.fixtures.appendingPathComponent("digests.txt"), atomically: true, encoding: .utf8)
            return
        }
        #expect(now == (try Self.recorded()))
    }

    /// The layouts of a file's row metadata (3 for any first byte with the high bit set), its
    /// bytes and rows.
    static func metadata(_ path: String) throws -> (layouts: Set<Int>, bytes: Int, rows: Int) {
        try DatabaseQueue(path: path).read { db in
            (Set(try Data.fetchAll(db, sql: "SELECT substr(meta, 1, 1) FROM _sync_rows").map { $0[0] >= 0x80 ? 3 : Int($0[0]) }),
             try Int.fetchOne(db, sql: "SELECT sum(length(meta)) FROM _sync_rows") ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM _sync_rows") ?? 0)
        }
    }

    static func open(_ file: String, at path: String) throws -> Replica {
        file == "national.sqlite" ? try SQLiteNationalStore.open(at: path).replica : try Replica.open(at: path)
    }

    @Test(arguments: ["national.sqlite", "province-01.ocop", "central.ocop"])
    func rowMetadataIsRewrittenInTheCurrentLayout(file: String) throws {
        let path = try Self.copy(file)
        let before = try Self.metadata(path)
        #expect(before.layouts == [1])
        _ = try Self.open(file, at: path)
        let after = try Self.metadata(path)
        #expect(after.layouts == [3])
        #expect(after.rows == before.rows)
        // The fixture's rows, inserted and rarely edited, take less than half the bytes.
        #expect(Double(after.bytes) < 0.5 * Double(before.bytes), "\(before.bytes) → \(after.bytes) bytes")
    }

    /// Rows written in layout 2 (main in December 2026) are rewritten too: the national store's
    /// a chunk of positions at a time (it has no index by key any more), a replica's by key.
    @Test(arguments: ["national.sqlite", "province-01.ocop"])
    func rowMetadataOfLayout2IsRewritten(file: String) throws {
        let path = try Self.copy(file)
        let replica = try Self.open(file, at: path)
        let digest = try replica.contentDigest()
        try replica.write { db in
            var directory = try ReplicaDirectory(db)
            for row in try Row.fetchAll(db, sql: "SELECT tbl, pk, meta FROM _sync_rows") {
                let table = replica.storage.tables[row[0] as Int]
                let meta = try RowMeta(decoding: Array(row[2] as Data), columnCount: table.columnNames.count, directory: directory)
                try db.execute(sql: "UPDATE _sync_rows SET meta = ? WHERE tbl = ? AND pk = ?",
                               arguments: [Data(RowMetaLayouts.version2(meta, &directory)), row[0] as Int, row[1] as DatabaseValue])
            }
            try directory.save(db)
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier LIKE '2027-06%'")
        }
        let layout2 = try Self.metadata(path)
        #expect(layout2.layouts == [2])
        let reopened = try Self.open(file, at: path)
        let after = try Self.metadata(path)
        #expect(after.layouts == [3])
        #expect(after.rows == layout2.rows)
        #expect(after.bytes < layout2.bytes)
        #expect(try reopened.contentDigest() == digest)
    }

    /// The rewrite reads a national store of millions of rows a chunk at a time: each chunk must
    /// be a range of the key, or every chunk scans the table again from its start.
    @Test(arguments: ["national.sqlite", "province-01.ocop"])
    func eachChunkOfTheRewriteIsARangeOfTheKey(file: String) throws {
        let plan = try DatabaseQueue(path: try Self.copy(file)).read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + SyncSchemaMigrations.nextMetadataChunk, arguments: [3, Data(count: 16)])
                .map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains("tbl=? AND pk>?") }, "\(plan)")
    }

    @Test func theProvinceEditMadeBeforeTheUpgradeIsStillSent() throws {
        let province = try Replica.open(at: try Self.copy("province-01.ocop"))
        let batch = try #require(try province.outgoingBatch())
        // Two material areas inserted (one deleted again) and a product renamed, with the shell.
        #expect(batch.changes.count == 3)
        #expect(Set(batch.changes.map(\.table)) == ["material_areas", "products"])
        let deleted = batch.changes.filter { $0.state.existence?.isDeleted == true }
        #expect(deleted.count == 1)
    }
}

extension String {
    /// FNV-1a over the UTF-8 bytes: stable across processes, unlike `hashValue`.
    var hashValueStable: UInt64 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in utf8 { value = (value ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return value
    }
}

/// The feed is the national store's: a national store opened as a plain replica would record
/// writes no province ever pulls, so it is refused with the way to open it.
@Suite("A national store is not a plain replica")
struct NationalStoreIsNotAPlainReplicaTests {
    @Test func openingItAsAReplicaIsRefusedAndTheStoreStillOpens() throws {
        let path = try UpgradeInPlaceTests.copy("national.sqlite")
        #expect {
            _ = try Replica.open(at: path)
        } throws: { error in
            "\(error)".contains("is a national store, not a replica")
        }
        let store = try SQLiteNationalStore.open(at: path)
        #expect(store.replica.storage.keepsFeed)
        #expect(try !Replica.open(at: try UpgradeInPlaceTests.copy("central.ocop")).storage.keepsFeed)
    }
}
