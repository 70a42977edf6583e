import Foundation
import OCOPModel
import OCOPStore
import OCOPTestSupport
import Testing

/// The public feed routes serve households under their neutral label: the owner's name, which
/// household businesses carry in their own name, product names and descriptions, is not served.
@Suite("Household owners are not named on public routes")
struct FeedPrivacyHTTPTests {
    @Test("a household named after its owner is served as \"Hộ sản xuất tại …\", in JSON-LD and CSV")
    func householdOwnerIsNotServed() async throws {
        try await withLiveServer { server in
            let tenant = server.seed.harness.tenants["01"]!
            let household = Producer(tenantID: tenant, name: "HKD Giàng A Páo", type: .household, commune: "Xã Bát Tràng",
                                     representative: "Giàng A Páo", phone: "0912345678")
            let product = Product(tenantID: tenant, producerID: household.id, classificationCode: "1.2.b",
                                  nameVi: "Mật ong bạc hà ông Giàng A Páo", nameEn: "Mint honey by Mr. Giang A Pao",
                                  descriptionVi: "Mật ong do ông Páo nuôi ong trên núi đá.", descriptionEn: "Kept by Mr. Giang A Pao.")
            let issued = try LocalDate(Date()).adding(days: -10)
            let certificate = Certificate(tenantID: tenant, productID: product.id, evaluationID: nil, number: "77/QĐ-UBND", stars: 4,
                                          issuer: .province, issuedOn: issued, expiresOn: try CertificationPolicy.standard.expiryDate(issuedOn: issued))
            try server.store.replica.save(household)
            try server.store.replica.save(product)
            try server.store.replica.save(certificate)

            for path in ["/feeds/asean/jsonld/page-00001.jsonld", "/feeds/asean/csv/products.csv", "/feeds/iocop/csv/products.csv"] {
                let response = try await server.client.request(path)
                #expect(response.status == 200, "\(path): \(response.text)")
                #expect(response.text.contains("Hộ sản xuất tại Xã Bát Tràng, Hà Nội"), "\(path)")
                #expect(response.text.contains("Mật ong bạc hà"), "\(path)")
                for form in ["Giàng A Páo", "Giang A Pao", "ông Páo", "HKD"] {
                    #expect(!response.text.contains(form), "\(path) names the owner as \"\(form)\"")
                }
            }
        }
    }
}
