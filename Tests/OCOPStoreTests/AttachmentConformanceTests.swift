import Foundation
import OCOPModel
import OCOPReplica
import OCOPStore
import OCOPSync
import Testing

@Suite("Store conformance: offers and attachments (schema 3) on every backend")
struct AttachmentConformanceTests {
    @Test("an attachment describes a row of its own province; an offer is its product's; both reach the central office",
          arguments: StoreBackendFactory.all)
    func attachmentsAndOffersAreJudgedLikeRows(_ factory: StoreBackendFactory) async throws {
        let country = try await Country(factory)
        let hue = try country.seedProducts(1, count: 1).products[0]
        try await country.sync(1)

        let hanoi = country.provinces[0]
        let (_, products) = try country.seedProducts(0, count: 2)
        let day = try LocalDate(year: 2026, month: 11, day: 30)
        let hash = String(repeating: "ab", count: 32)
        func attachment(_ table: String, _ owner: UUID, role: FileAttachment.Role = .photo) -> FileAttachment {
            FileAttachment(tenantID: hanoi.tenant, ownerTable: table, ownerID: owner, role: role, sha256: hash, mediaType: .jpeg,
                       byteCount: 1234, title: "Ảnh sản phẩm", recordedOn: day, recordedBy: "Nguyễn Thị Lan")
        }
        // The owner is created in the same push: accepted.
        let good = attachment(Product.schema.name, products[0].id)
        let offer = ProductOffer(product: products[0], priceVND: 250_000, netQuantity: 500, netUnit: .gram, recordedOn: day)
        try hanoi.replica.saveAll([good])
        try hanoi.replica.save(offer)
        // Written past the replica's checks: another province's product, a row that does not
        // exist, a table files are not attached to, an offer not keyed by its product.
        let intruders = [attachment(Product.schema.name, hue.id), attachment(Product.schema.name, UUID()), attachment("tenants", hanoi.tenant)]
        var stray = ProductOffer(product: products[1], priceVND: 90_000, recordedOn: day)
        stray.id = UUID()
        try hanoi.replica.write { db in
            for row in intruders { try row.insert(db) }
            try stray.insert(db)
        }
        let report = try await country.sync(0)
        #expect(report.changesRefused == 4)
        let reasons = try hanoi.replica.parkedRejections().map(\.reason)
        #expect(reasons.contains { $0.contains("owner_id: the products row \(hue.id.uuidString.lowercased()) belongs to another province") }, "\(reasons)")
        #expect(reasons.contains { $0.contains("owner_id: no products row has id") }, "\(reasons)")
        #expect(reasons.contains { $0.contains("owner_table: \"tenants\" is not a table files are attached to") }, "\(reasons)")
        #expect(reasons.contains { $0.contains("id: must equal product_id") }, "\(reasons)")

        let central = try Replica.create(at: ":memory:", role: .central, tenantID: nil)
        try await country.syncCentral(central)
        #expect(try central.fetchAll(FileAttachment.self) == [good])
        #expect(try central.fetchAll(ProductOffer.self) == [offer])
    }
}
