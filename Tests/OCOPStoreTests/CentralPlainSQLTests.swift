import Foundation
import GRDB
import OCOPModel
import OCOPReplica
import OCOPStore
import OCOPSync
import OCOPTestSupport
import Testing

/// Plain SQL at the centre (the `sqlite3` shell on the national file) is served as written, but
/// a row it leaves breaking the model's rules is logged for the operator when it is stamped.
@Suite("National store: central writes with plain SQL")
struct CentralPlainSQLTests {
    @Test func aRowPlainSQLLeavesInvalidIsLoggedAndStillServed() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-plain-sql-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = CapturedLog()
        let store = try SQLiteNationalStore.open(at: directory.appendingPathComponent("national.sqlite").path, logger: log.logger)
        let tenant = try store.addProvince(code: "15", name: "Lào Cai", verifier: CredentialVerifier(salt: [1], iterations: 4096, storedKey: [], serverKey: []))
        let producer = Producer(tenantID: tenant, name: "Hợp tác xã Chè Bát Xát", type: .cooperative)
        let product = Product(tenantID: tenant, producerID: producer.id, classificationCode: "1.5.a", nameVi: "Trà hoa vàng Bát Xát")
        try store.replica.save(producer)
        try store.replica.save(product)
        let central = Principal(replica: ReplicaID.random(), role: .central, tenantID: nil)
        func pull(after cursor: UInt64) throws -> PullResult { try store.pull(after: cursor, limit: 100, for: central) }
        func warnings() -> [CapturedLog.Entry] { log.entries.filter { $0.level == .warning } }

        var page = try pull(after: 0)
        #expect(page.changes.count == 3, "the province, its producer and the product")
        #expect(warnings().isEmpty, "the commands' writes are valid")

        // A valid edit with plain SQL: served, nothing logged.
        try store.replica.write { db in
            try db.execute(sql: "UPDATE products SET name_en = 'Bat Xat golden camellia tea' WHERE id = ?", arguments: [product.id])
        }
        page = try pull(after: page.nextCursor)
        #expect(page.changes.count == 1)
        #expect(warnings().isEmpty, "\(warnings().map(\.metadata))")

        // A status no client can read, and a producer deleted under its product.
        try store.replica.write { db in
            try db.execute(sql: "UPDATE products SET status = 'ngừng sản xuất' WHERE id = ?", arguments: [product.id])
            try db.execute(sql: "DELETE FROM producers WHERE id = ?", arguments: [producer.id])
        }
        page = try pull(after: page.nextCursor)
        #expect(page.changes.count == 2, "served as written")
        let logged = warnings()
        #expect(logged.count == 1, "the deleted producer is no row to judge; its product is: \(logged.map(\.metadata))")
        let entry = try #require(logged.first)
        #expect(entry.metadata["table"] == "products")
        #expect(entry.metadata["row"] == .string(product.id.uuidString.lowercased()))
        #expect(entry.metadata["problems"]?.description.contains("status") == true, "\(entry.metadata)")

        // Stamped once, logged once.
        _ = try pull(after: page.nextCursor)
        #expect(warnings().count == 1)
    }
}
