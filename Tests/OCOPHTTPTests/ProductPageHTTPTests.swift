import Foundation
import OCOPModel
import OCOPReplica
import OCOPStore
import OCOPTestSupport
import Testing

/// Products' public pages, where feeds and shops link: `/01/{GTIN-14}` and `/p/{id}`.
@Suite("Public product pages")
struct ProductPageHTTPTests {
    @Test("a cooperative's product: photo, price, net content, certificate, producer")
    func cooperativeProduct() async throws {
        let seed = try await Seed()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-page-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let photo = try AttachmentFiles(directory: directory).add(Data([0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]), named: "che.jpg")
        let tea = seed.products["A"]!
        let hanoi = seed.harness.replica("01")
        try hanoi.save(FileAttachment(tenantID: tea.tenantID, ownerTable: "products", ownerID: tea.id, role: .photo, sha256: photo.sha256,
                                      mediaType: .jpeg, byteCount: photo.byteCount, recordedOn: LocalDate("2026-05-01")!, recordedBy: "Lan"))
        try hanoi.save(ProductOffer(product: tea, priceVND: 185_000, availability: .inStock, netQuantity: 200, netUnit: .gram,
                                    recordedOn: LocalDate("2026-05-01")!))
        try await seed.harness.sync("01")
        try await withLiveServer(seed: seed, filesDirectory: directory.path) { server in
            let response = try await server.client.request("/p/\(tea.id.uuidString.lowercased())")
            #expect(response.status == 200 && response.header("Content-Type") == "text/html; charset=utf-8")
            #expect(response.header("Content-Security-Policy")?.contains("img-src 'self'") == true)
            let html = response.text
            #expect(html.contains(#"<h1 id="product">Chè A</h1>"#))
            #expect(html.contains(#"<img src="/files/\#(photo.sha256)/web""#))
            #expect(html.contains(#"id="price">185.000 ₫<"#) && html.contains(#"id="net-content">200 g<"#))
            #expect(html.contains("Còn hàng"))
            #expect(html.contains(#"data-certificate="A/QĐ""#) && html.contains(#"id="producer">HTX Chè Ba Vì<"#))
            #expect(!html.contains("<script"))
            #expect(try await server.client.request("/p/\(UUID().uuidString.lowercased())").status == 404)
            #expect(try await server.client.request("/p/khong-phai-uuid").status == 404)
        }
    }

    @Test("a household's product by GTIN: its label, never its owner; its lots link to their trace pages")
    func householdProductByGTIN() async throws {
        let seed = try await Seed()
        _ = try await seed.addTraceFixture()
        try await withLiveServer(seed: seed) { server in
            let moved = try await server.client.request("/01/8934567890120")
            #expect(moved.status == 301 && moved.header("Location") == "/01/08934567890120")
            let response = try await server.client.request("/01/08934567890120")
            #expect(response.status == 200)
            let html = response.text
            #expect(html.contains(#"<h1 id="product">Chè Shan tuyết</h1>"#))
            #expect(html.contains(TraceHTTPTests.householdLabel))
            TraceHTTPTests.expectNoPersonalData(html)
            #expect(html.contains(#"href="/01/08934567890120/10/ST%2F2026-B1""#), "the lot's trace page, its code percent-encoded")
            #expect(html.contains(#"data-growing-area-code="VN-YB-VC-0012""#))

            let badCheck = try await server.client.request("/01/08934567890121")
            #expect(badCheck.status == 404 && badCheck.text.contains("sai chữ số kiểm tra") && badCheck.text.contains("bad check digit"))
            #expect(try await server.client.request("/01/abc").status == 404)
            #expect(try await server.client.request("/01/00000000000017").status == 404)
        }
    }
}
