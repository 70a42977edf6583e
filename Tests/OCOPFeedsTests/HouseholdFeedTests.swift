import Foundation
import OCOPFeeds
import OCOPModel
import OCOPStore
import Testing

/// Households in feeds: a neutral label instead of the name they carry (usually the owner's),
/// the owner's name out of product names, descriptions that name the owner withheld; the same
/// in every profile and format. Organisations pass unchanged, even when named after a person.
@Suite struct HouseholdFeedTests {
    @Test func householdsAreLabelledTheirOwnersUnnamedInEveryProfileAndFormat() async throws {
        let data = try Dataset()
        let laoCai = data.tenants[1]
        let household = Producer(tenantID: laoCai, name: "Hộ kinh doanh Lò Thị Mai", type: .household, commune: "Xã Sín Chéng",
                                 representative: "Lò Thị Mai", phone: "0912345678")
        let cooperative = Producer(tenantID: laoCai, name: "Hợp tác xã Sùng A Páo", type: .cooperative, taxCode: "5300123456")
        try data.store.replica.save(household)
        try data.store.replica.save(cooperative)
        let named = Product(tenantID: laoCai, producerID: household.id, classificationCode: "1.2.b",
                            nameVi: "Mật ong bạc hà bà Lò Thị Mai", nameEn: "Mint honey by Ms. Lo Thi Mai",
                            descriptionVi: "Mật ong do bà Mai nuôi ở Sín Chéng, theo cách của người Thái.",
                            descriptionEn: "Wild mint honey.")
        let plain = Product(tenantID: laoCai, producerID: household.id, classificationCode: "1.5.a",
                            nameVi: "Chè Shan tuyết Sín Chéng", descriptionVi: "Chè cổ thụ hái tay.", descriptionEn: "Hand-picked ancient tea.")
        let coopProduct = Product(tenantID: laoCai, producerID: cooperative.id, classificationCode: "1.5.a",
                                  nameVi: "Chè Sùng A Páo", descriptionVi: "Chè của hợp tác xã Sùng A Páo.")
        for product in [named, plain, coopProduct] {
            try data.store.replica.save(product)
            try data.certify(product, stars: 4, issuedOn: date("2025-08-01"))
        }

        let snapshot = try await FeedSnapshot.read(store: data.store, profile: .asean, since: nil, asOf: date("2025-10-01"))
        var items: [UUID: FeedProduct] = [:]
        for case .upsert(let item) in snapshot.entries { items[item.id] = item }
        let first = try #require(items[named.id]), second = try #require(items[plain.id]), third = try #require(items[coopProduct.id])
        #expect(first.producer.name == "Hộ sản xuất tại Xã Sín Chéng, Lào Cai")
        #expect(first.nameVi == "Mật ong bạc hà" && first.nameEn == "Mint honey")
        #expect(first.descriptionVi == nil && first.descriptionEn == nil, "a description naming the owner is withheld in both languages")
        #expect(second.producer.name == first.producer.name)
        #expect(second.descriptionVi == "Chè cổ thụ hái tay." && second.descriptionEn == "Hand-picked ancient tea.")
        #expect(third.producer.name == "Hợp tác xã Sùng A Páo" && third.nameVi == "Chè Sùng A Páo" && third.descriptionVi != nil)

        let scratch = Scratch()
        for profile in FeedProfile.builtIn {
            for format in FeedFormat.allCases {
                let directory = scratch.make()
                try await FeedExporter.export(store: data.store, profile: profile, format: format, to: directory,
                                              signingKey: testKey, asOf: date("2025-10-01"))
                for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
                    let text = String(decoding: try Data(contentsOf: directory.appendingPathComponent(file)), as: UTF8.self)
                    for form in ["Lò Thị Mai", "Lo Thi Mai", "bà Mai", "Hộ kinh doanh"] {
                        #expect(!text.contains(form), "\(profile.id)/\(format)/\(file) names the owner as \"\(form)\"")
                    }
                }
            }
        }
    }
}
