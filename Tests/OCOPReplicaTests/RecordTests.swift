import Foundation
import GRDB
import OCOPModel
import OCOPReplica
import OCOPSync
import Testing

@Suite("Typed records")
struct RecordTests {
    @Test func recordsRoundTripAndAreCaptured() throws {
        let replica = try Replica.create(at: ":memory:", role: .province, tenantID: TestTenants.hanoi)
        let producer = Producer(
            tenantID: TestTenants.hanoi, name: "Hợp tác xã Mật ong Mèo Vạc", type: .cooperative, taxCode: "0101234567",
            commune: "Mèo Vạc", representative: nil, nationalID: nil, phone: nil, address: nil
        )
        try replica.save(producer)
        let product = Product(
            tenantID: TestTenants.hanoi, producerID: producer.id, classificationCode: "1.2.b", classificationVersion: "QD148-2023",
            nameVi: "Mật ong bạc hà Mèo Vạc", nameEn: "Meo Vac mint honey", descriptionVi: nil, descriptionEn: nil,
            materialAreaID: nil, gtin: nil, status: .registered
        )
        try replica.save(product)
        #expect(try replica.fetch(Product.self, id: product.id) == product)
        #expect(try replica.fetchAll(Producer.self) == [producer])
        let stored = try replica.read { try String.fetchOne($0, sql: "SELECT status FROM products") }
        #expect(stored == "registered")
        #expect(try replica.syncPosition().pendingWrites == 2)
        #expect(try replica.delete(Product.self, id: product.id))
        #expect(try replica.fetch(Product.self, id: product.id) == nil)
    }

    @Test func invalidRecordsAndOtherProvincesRowsAreRefused() throws {
        let replica = try Replica.create(at: ":memory:", role: .province, tenantID: TestTenants.hanoi)
        let empty = Producer(tenantID: TestTenants.hanoi, name: " ", type: .enterprise, taxCode: nil, commune: nil,
                             representative: nil, nationalID: nil, phone: nil, address: nil)
        #expect(throws: ValidationErrors.self) { try replica.save(empty) }
        let foreign = Producer(tenantID: TestTenants.hue, name: "Công ty Huế", type: .enterprise, taxCode: nil, commune: nil,
                               representative: nil, nationalID: nil, phone: nil, address: nil)
        #expect(throws: ReplicaError.self) { try replica.save(foreign) }
        #expect(try replica.syncPosition().pendingWrites == 0)
    }
}
