import Foundation
import OCOPModel
import OCOPReplica
import OCOPTestSupport
import Testing

/// The whole way a consumer goes: a province records a lot and syncs; `ocop lot label` prints
/// its QR code; a decoder no one here wrote (Debian's `zbarimg`) reads the printed image; the
/// address it reads opens the lot's page on the running daemon.
@Suite("A printed label opens its lot's page")
struct TraceLabelDaemonTests {
    @Test func theDecodedQRCodeOpensTheRightPage() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/zbarimg") else {
            if ProcessInfo.processInfo.environment["CI"] != nil { Issue.record("zbarimg (zbar-tools) is missing") }
            return
        }
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        try await daemon.start(http: true)
        let province = try daemon.addProvince(code: "15", name: "Lào Cai", seedingProducer: false)
        let tenant = try #require(province.tenant)
        let producer = Producer(tenantID: tenant, name: "HTX Chè Shan tuyết Suối Giàng", type: .cooperative, commune: "Xã Suối Giàng")
        let product = Product(tenantID: tenant, producerID: producer.id, classificationCode: "1.5.a", nameVi: "Chè Shan tuyết cổ thụ",
                              nameEn: "Ancient Shan tuyet tea", gtin: "8934567890120")
        let other = Product(tenantID: tenant, producerID: producer.id, classificationCode: "1.5.a", nameVi: "Chè xanh", gtin: "8934567890137")
        let lot = Batch(tenantID: tenant, productID: product.id, lotCode: "SG/26:A", producedOn: LocalDate("2026-03-05")!, quantity: 190, unit: "kg")
        try province.replica.saveAll([producer])
        try province.replica.saveAll([product, other])
        try province.replica.save(lot)
        _ = try await province.sync(daemon)

        let base = "http://127.0.0.1:\(daemon.httpPort)"
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("label-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let label = try await runTool(try builtBinary("ocop").path, [
            "lot", "label", "SG/26:A", "--product", "8934567890120", "--base-url", base, "--out", out.path, "--replica", daemon.databasePath,
        ])
        #expect(label.status == 0, "\(label.output)\(label.errors)")
        let decoded = try await runTool("zbarimg", ["--raw", "-q", out.appendingPathComponent("label.png").path])
        let uri = decoded.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(uri == "\(base)/01/08934567890120/10/SG%2F26%3AA")

        let client = HTTPTestClient(port: daemon.httpPort)
        let page = try await client.request(String(uri.dropFirst(base.count)))
        #expect(page.status == 200, "\(page.text)")
        #expect(page.text.contains("Chè Shan tuyết cổ thụ") && page.text.contains("SG/26:A") && page.text.contains("Lào Cai"))
        // The same lot code under another product's GTIN is not this lot.
        let wrong = try await client.request("/01/08934567890137/10/SG%2F26%3AA")
        #expect(wrong.status == 404)
    }
}
