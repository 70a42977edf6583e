import Crypto
import Foundation
import OCOPFeeds
import OCOPModel
import OCOPReplica
import OCOPStore
import Testing

/// `ocop export` and `ocop verify-feed` against a national store file.
@Suite struct FeedCommandTests {
    @Test func exportVerifyTamperAndResume() async throws {
        let workspace = try Workspace()
        let storePath = workspace.path("national.sqlite")
        let store = try SQLiteNationalStore.open(at: storePath)
        let tenant = try await store.addProvince(
            code: "15", name: "Lào Cai",
            verifier: CredentialVerifier(salt: [1], iterations: 4096, storedKey: Array(repeating: 1, count: 32), serverKey: Array(repeating: 2, count: 32))
        )
        let household = Producer(tenantID: tenant, name: "Cơ sở chè Suối Giàng", type: .household,
                                 representative: "Nguyễn Văn Kín", nationalID: "001234567890", phone: "0912345678", address: "Số 9 ngõ Riêng")
        try store.replica.save(household)
        let product = Product(tenantID: tenant, producerID: household.id, classificationCode: "1.5.a", nameVi: "Chè Shan tuyết", nameEn: "Shan tuyet tea")
        try store.replica.save(product)
        let issued = LocalDate("2025-03-01")!
        try store.replica.save(Certificate(tenantID: tenant, productID: product.id, evaluationID: nil, number: "12/QĐ-UBND", stars: 4,
                                           issuer: .province, issuedOn: issued, expiresOn: try CertificationPolicy.standard.expiryDate(issuedOn: issued)))
        let key = Curve25519.Signing.PrivateKey()
        let keyFile = try workspace.write("key.pem", FeedKeys.pem(key))
        let publicKeyFile = try workspace.write("key.pub.pem", FeedKeys.pem(key.publicKey))

        let export = try await workspace.run(["export", "--store", storePath, "--feed", "asean", "--format", "jsonld", "--out", "out1",
                                        "--key", keyFile, "--as-of", "2025-10-01", "--json"])
        #expect(export.status == 0, "\(export)")
        let summary = try export.object()
        #expect(summary["upserts"] as? Int == 1)
        let cursor = try #require(summary["cursor"] as? String)
        let page = try String(contentsOfFile: workspace.path("out1/page-00001.jsonld"), encoding: .utf8)
        // A household is published under its neutral label, never its own name.
        #expect(page.contains("Shan tuyet tea") && page.contains("Hộ sản xuất tại Lào Cai") && !page.contains("Cơ sở chè Suối Giàng"))
        for personal in ["Nguyễn Văn Kín", "001234567890", "0912345678", "Số 9 ngõ Riêng"] { #expect(!page.contains(personal)) }

        let verified = try await workspace.run(["verify-feed", "out1", "--public-key", publicKeyFile])
        #expect(verified.status == 0, "\(verified)")
        try workspace.write("out1/page-00001.jsonld", page.replacingOccurrences(of: "Shan tuyet", with: "Shan tuyết"))
        let tampered = try await workspace.run(["verify-feed", "out1", "--public-key", publicKeyFile])
        #expect(tampered.status == 1, "\(tampered)")
        #expect(tampered.stderr.contains("page-00001.jsonld"))

        let resumed = try await workspace.run(["export", "--store", storePath, "--feed", "asean", "--format", "csv", "--since", cursor, "--out", "out2",
                                         "--key", keyFile, "--as-of", "2025-10-01", "--json"])
        #expect(resumed.status == 0, "\(resumed)")
        #expect(try resumed.object()["upserts"] as? Int == 0)

        let badCursor = try await workspace.run(["export", "--store", storePath, "--since", "yesterday", "--out", "out3", "--key", keyFile])
        #expect(badCursor.status == 64, "\(badCursor)")
        let noStore = try await workspace.run(["export", "--store", workspace.path("missing.sqlite"), "--out", "out4", "--key", keyFile])
        #expect(noStore.status == 2, "\(noStore)")
        let badBase = try await workspace.run(["export", "--store", storePath, "--out", "out5", "--key", keyFile, "--base-url", "ocop.gov.vn"])
        #expect(badBase.status == 64 && badBase.stderr.contains("--base-url \"ocop.gov.vn\" is not an http(s) URL"), "\(badBase)")
        let linked = try await workspace.run(["export", "--store", storePath, "--out", "out6", "--key", keyFile, "--as-of", "2025-10-01",
                                              "--base-url", "https://ocop.example.gov.vn/"])
        #expect(linked.status == 0, "\(linked)")
        let linkedPage = try String(contentsOfFile: workspace.path("out6/page-00001.jsonld"), encoding: .utf8)
        #expect(linkedPage.contains("\"url\": \"https://ocop.example.gov.vn/"), "products link their page on the base URL")
    }

    /// The demo's households ("Hộ kinh doanh Nguyễn Văn An", "Hộ kinh doanh Trần Thị Bé") reach
    /// the ASEAN CSV only as "Hộ sản xuất tại {commune}, {province}".
    @Test func theDemosAseanCSVNamesNoHouseholdOwner() async throws {
        let workspace = try Workspace()
        let directory = workspace.path("demo")
        let demo = try await workspace.run(["demo", "--keep", directory])
        #expect(demo.status == 0, "\(demo)")
        let keyFile = try workspace.write("key.pem", FeedKeys.pem(Curve25519.Signing.PrivateKey()))
        let export = try await workspace.run(["export", "--national", directory + "/national.sqlite", "--feed", "asean", "--format", "csv",
                                        "--out", "asean-csv", "--key", keyFile])
        #expect(export.status == 0, "\(export)")
        let csv = try String(contentsOfFile: workspace.path("asean-csv/products.csv"), encoding: .utf8)
        #expect(csv.contains("household business"), "the demo's households should be in the feed: \(csv)")
        #expect(csv.contains("Hộ sản xuất tại Bát Tràng, Hà Nội"), "\(csv)")
        for owner in ["Nguyễn Văn An", "Trần Thị Bé", "Hộ kinh doanh"] {
            #expect(!csv.contains(owner), "the ASEAN CSV names \"\(owner)\": \(csv)")
        }
    }
}
