import Foundation
import GRDB
import OCOPReplica
import OCOPSync
import Testing

/// A row deleted and inserted again between two stampings (plain SQL does this: `DELETE` then
/// `INSERT` of the same id, or `INSERT OR REPLACE` rewritten by hand) is visible and has no
/// graveyard copy left behind, whether or not it had been stamped before.
@Suite("Graveyards after delete and insert again")
struct GraveyardTests {
    @Test(arguments: [false, true])
    func aRowInsertedAgainLeavesItsGraveyard(stampedFirst: Bool) throws {
        let replica = try Replica.create(at: ":memory:", role: .province, tenantID: TestTenants.hanoi)
        try replica.write { try insertProduct($0, id: rowKey(7), tenant: TestTenants.hanoi, name: "Chè Thái Nguyên") }
        if stampedFirst { try replica.stamp() }
        try replica.write { db in
            try db.execute(sql: "DELETE FROM products WHERE id = ?", arguments: [rowKey(7)])
            try insertProduct(db, id: rowKey(7), tenant: TestTenants.hanoi, name: "Chè Tân Cương")
        }
        try replica.stamp()
        let (visible, buried) = try replica.read { db in
            (try String.fetchAll(db, sql: "SELECT name_vi FROM products"),
             try Int.fetchOne(db, sql: "SELECT count(*) FROM _tomb_products") ?? -1)
        }
        #expect(visible == ["Chè Tân Cương"])
        #expect(buried == 0)
        let batch = try #require(try replica.outgoingBatch())
        #expect(batch.changes.count == 1 && batch.changes[0].state.isVisible)
    }
}
