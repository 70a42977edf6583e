import Foundation
import GRDB
import OCOPModel
import OCOPReplica
import OCOPStore
import OCOPSync
import OCOPTestSupport
import Testing

/// The national store finds a row's metadata through the row itself: each data row (or its
/// graveyard row once deleted) holds its feed position, and there is no index of `_sync_rows`
/// by key. These tests hold the bookkeeping to account whoever writes: pushes, pulls, the
/// central office's plain SQL (including `INSERT OR REPLACE`, which deletes a row without any
/// delete trigger), tombstone collection and the upgrade of a November 2026 file.
@Suite("National store: row positions")
struct NationalRowPositionTests {
    /// Every way the bookkeeping could go wrong: a key with two metadata rows (a row sent twice,
    /// counted twice), a metadata row no data row leads to (unreachable, so its history is lost
    /// on the next write), or a data row pointing at another row's metadata.
    static func problems(_ store: SQLiteNationalStore) throws -> [String] {
        try store.replica.read { db in
            var problems: [String] = []
            for row in try Row.fetchAll(db, sql: "SELECT tbl, hex(pk), count(*) FROM _sync_rows GROUP BY tbl, pk HAVING count(*) > 1") {
                problems.append("table \(row[0] as Int) key \(row[1] as String) has \(row[2] as Int) metadata rows")
            }
            var reachable = Set<Int64>()
            for table in OCOPSchema.tables.enumerated() {
                for source in [table.element.name, SyncSchemaSQL.graveyard(table.element)] {
                    for row in try Row.fetchAll(db, sql: """
                        SELECT hex(t.id), t._sync_seq, r.tbl, r.pk = t.id FROM "\(source)" t LEFT JOIN _sync_rows r ON r.seq = t._sync_seq
                        """) {
                        let position: Int64? = row[1]
                        guard let position else {
                            problems.append("\(source) row \(row[0] as String) has no position")
                            continue
                        }
                        if row[2] as Int? != table.offset || row[3] as Bool? != true {
                            problems.append("\(source) row \(row[0] as String) points at position \(position), another row's")
                        }
                        reachable.insert(position)
                    }
                }
            }
            for row in try Row.fetchAll(db, sql: "SELECT seq, tbl, hex(pk) FROM _sync_rows") where !reachable.contains(row[0]) {
                problems.append("metadata at position \(row[0] as Int64) (table \(row[1] as Int), key \(row[2] as String)) is unreachable")
            }
            return problems
        }
    }

    @Test func theStoreHasNoIndexOfItsRowsByKey() throws {
        let store = try SQLiteNationalStore.open(at: ":memory:")
        let indexes = try store.replica.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_schema WHERE tbl_name = '_sync_rows' AND type = 'index'") }
        #expect(!indexes.contains("_sync_rows_by_key"))
        #expect(indexes.contains("_sync_rows_by_owner"))
    }

    /// `INSERT OR REPLACE` with the `sqlite3` shell deletes the old row without firing a delete
    /// trigger: its position must survive, or the row's history (version vector, column stamps)
    /// is lost, every province records false conflicts, and the old metadata row lingers.
    @Test func aRowReplacedWithPlainSQLKeepsItsHistory() async throws {
        let federation = try Federation(provinceNames: [("01", "Hà Nội")])
        let hanoi = federation.provinces[0]
        try insertProduct(hanoi.replica, id: key(1), tenant: hanoi.tenant, name: "Chè Shan tuyết")
        for index in [0, nil] as [Int?] { try await federation.sync(index) }
        let before = try federation.store.replica.read { db in
            try federation.store.replica.storage.loadState(db, federation.store.replica.storage.table(named: "products")!, pk: key(1).databaseValue, directory: ReplicaDirectory(db))
        }
        try federation.store.replica.write { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO products(id, tenant_id, producer_id, classification_code, classification_version, name_vi, status)
                VALUES (?, ?, ?, '1.3.c', 'QD148-2023', 'Chè Shan tuyết Suối Giàng', 'registered')
                """, arguments: [key(1), hanoi.tenant, producerKey(hanoi.tenant)])
        }
        for index in [0, nil, 0] as [Int?] { try await federation.sync(index) }

        let after = try federation.store.replica.read { db in
            try federation.store.replica.storage.loadState(db, federation.store.replica.storage.table(named: "products")!, pk: key(1).databaseValue, directory: ReplicaDirectory(db))
        }
        let province = try #require(before?.versionVector)
        #expect(province.isCovered(by: try #require(after).versionVector) && after?.versionVector != province,
                "the replaced row's version vector still covers the province's insert")
        for replica in [hanoi.replica, federation.central] {
            #expect(try replica.read { try String.fetchOne($0, sql: "SELECT name_vi FROM products") } == "Chè Shan tuyết Suối Giàng")
            #expect(try replica.conflicts().isEmpty, "a write that saw the province's row is not concurrent with it")
        }
        #expect(try Self.problems(federation.store) == [])
    }

    @Test func aRowDeletedAndInsertedAgainWithPlainSQLKeepsOneHistory() async throws {
        let federation = try Federation(provinceNames: [("01", "Hà Nội")])
        let hanoi = federation.provinces[0]
        try insertProduct(hanoi.replica, id: key(1), tenant: hanoi.tenant, name: "Nước mắm")
        for index in [0, nil] as [Int?] { try await federation.sync(index) }
        try federation.store.replica.write { db in
            try db.execute(sql: "DELETE FROM products WHERE id = ?", arguments: [key(1)])
            try db.execute(sql: """
                INSERT INTO products(id, tenant_id, producer_id, classification_code, classification_version, name_vi, status)
                VALUES (?, ?, ?, '1.3.c', 'QD148-2023', 'Nước mắm Phú Quốc', 'registered')
                """, arguments: [key(1), hanoi.tenant, producerKey(hanoi.tenant)])
        }
        for index in [0, nil, 0] as [Int?] { try await federation.sync(index) }
        #expect(try hanoi.replica.read { try String.fetchOne($0, sql: "SELECT name_vi FROM products") } == "Nước mắm Phú Quốc")
        #expect(try hanoi.replica.conflicts().isEmpty)
        #expect(try federation.store.replica.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM _tomb_products") } == 0)
        #expect(try Self.problems(federation.store) == [])
    }

    /// Provinces and the central office insert, edit, delete and re-insert rows, the central
    /// office also with plain SQL, in a seeded random order, syncing now and then and collecting
    /// tombstones: after every sync the bookkeeping is whole, and in the end every replica holds
    /// what the store holds.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func randomWritesFromEveryoneKeepTheBookkeepingWhole(seed: UInt64) async throws {
        var random = SeededRandom(seed: seed)
        let federation = try Federation(provinceNames: [("01", "Hà Nội"), ("46", "Huế")])
        let keys = (1...12).map(key)
        for step in 0..<120 {
            let province = random.next(upTo: 2)
            let tenant = federation.provinces[province].tenant
            let id = keys[random.next(upTo: keys.count) / 2 * 2 + province]
            let name = RandomText.productName(&random)
            let writer = random.next(upTo: 3) == 0 ? federation.store.replica : federation.provinces[province].replica
            try writer.write { db in
                switch random.next(upTo: 4) {
                case 0:
                    try db.execute(sql: """
                        INSERT OR REPLACE INTO products(id, tenant_id, producer_id, classification_code, classification_version, name_vi, status)
                        VALUES (?, ?, ?, '1.3.c', 'QD148-2023', ?, 'registered')
                        """, arguments: [id, tenant, producerKey(tenant), name])
                case 1:
                    try db.execute(sql: """
                        INSERT OR IGNORE INTO products(id, tenant_id, producer_id, classification_code, classification_version, name_vi, status)
                        VALUES (?, ?, ?, '1.3.c', 'QD148-2023', ?, 'registered')
                        """, arguments: [id, tenant, producerKey(tenant), name])
                case 2: try db.execute(sql: "UPDATE products SET name_vi = ? WHERE id = ?", arguments: [name, id])
                default: try db.execute(sql: "DELETE FROM products WHERE id = ?", arguments: [id])
                }
            }
            if step % 10 == 9 {
                for index in [0, 1, nil] as [Int?] { try await federation.sync(index) }
                if random.next(upTo: 2) == 0 { _ = try await federation.store.collectTombstones() }
                let problems = try Self.problems(federation.store)
                #expect(problems == [], "seed \(seed), step \(step)")
                if !problems.isEmpty { return }
            }
        }
        for _ in 0..<2 { for index in [0, 1, nil] as [Int?] { try await federation.sync(index) } }
        #expect(try productsDigest(federation.central.database, tenant: nil) == productsDigest(federation.store.replica.database, tenant: nil))
        for (tenant, replica) in federation.provinces {
            #expect(try productsDigest(replica.database, tenant: nil) == productsDigest(federation.store.replica.database, tenant: tenant))
        }
    }

    @Test func anUpgradedNovember2026StoreFindsEveryRowThroughItsPosition() throws {
        let path = try UpgradeInPlaceTests.copy("national.sqlite")
        let store = try SQLiteNationalStore.open(at: path)
        #expect(try Self.problems(store) == [])
        let (rows, indexes) = try store.replica.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM _sync_rows") ?? 0,
             try String.fetchAll(db, sql: "SELECT name FROM sqlite_schema WHERE tbl_name = '_sync_rows' AND type = 'index'"))
        }
        #expect(rows > 0)
        #expect(!indexes.contains("_sync_rows_by_key"))
    }
}
