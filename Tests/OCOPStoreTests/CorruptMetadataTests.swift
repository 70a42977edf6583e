import Foundation
import GRDB
import OCOPModel
import OCOPReplica
import OCOPStore
import OCOPSync
import Testing

/// Damaged sync metadata in one stored row is that row's problem only: the change to it is
/// refused with its table and key, and the rest of the push goes through.
@Suite("National store: damaged metadata of one row")
struct CorruptMetadataTests {
    @Test(arguments: [Data([0xFF, 0x00]), Data(), Data([1, 200, 7])])
    func aRowWithUnreadableMetadataRefusesOnlyItsOwnChange(damage: Data) async throws {
        let federation = try Federation(provinceNames: [("01", "Hà Nội")])
        let hanoi = federation.provinces[0]
        try await federation.sync(0)
        for n in 0..<3 { try insertProduct(hanoi.replica, id: key(n), tenant: hanoi.tenant, name: "Chè Shan tuyết Hà Giang số \(n)") }
        try await federation.sync(0)

        try federation.store.replica.write { db in
            try db.execute(sql: "UPDATE _sync_rows SET meta = ? WHERE pk = ?", arguments: [damage, key(1)])
        }
        try hanoi.replica.write { db in
            try db.execute(sql: "UPDATE products SET name_en = 'Shan tuyet tea'")
        }
        let batch = try #require(try hanoi.replica.outgoingBatch())
        let result = try await federation.store.push(batch, from: federation.principal(0))
        try hanoi.replica.acknowledge(batch, through: result.acknowledgedThrough, rejections: [])

        #expect(result.applied == 2)
        let refused = try #require(result.refused.first)
        #expect(result.refused.count == 1)
        #expect(refused.table == "products" && refused.key == SyncValue(key(1).databaseValue))
        #expect(refused.message.contains("products row") && refused.message.contains("unreadable"), "\(refused.message)")
        let english = try federation.store.replica.read { db in
            try String?.fetchAll(db, sql: "SELECT name_en FROM products ORDER BY id")
        }
        #expect(english == ["Shan tuyet tea", nil, "Shan tuyet tea"])
    }
}
