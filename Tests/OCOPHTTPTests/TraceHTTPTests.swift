import Foundation
import OCOPModel
import OCOPReplica
import OCOPStore
import OCOPTestSupport
import Testing

/// Lots' public trace pages over real HTTP: what they show, what they never show, and a clear
/// 404 for every link that cannot name a lot.
@Suite("Public trace pages")
struct TraceHTTPTests {
    static let blendLink = "/01/08934567890120/10/ST%2F2026-B1"

    /// A live server over the seed with the trace fixture; the product inspection altered at
    /// rest (its verdict changed in the store's file, bypassing the push checks).
    static func withTracedServer(_ body: (LiveServer, TraceFixture) async throws -> Void) async throws {
        let seed = try await Seed()
        let fixture = try await seed.addTraceFixture()
        try await seed.harness.store.replica.database.write { db in
            try db.execute(sql: "UPDATE inspections SET verdict = 'pass' WHERE id = ?", arguments: [fixture.productInspection.id])
        }
        try await withLiveServer(seed: seed) { server in try await body(server, fixture) }
    }

    /// The neutral label the household is shown under (province 01 by today's name).
    static var householdLabel: String {
        let province = ProvinceRegistry.standard.unit(ofTenantCode: "01", on: LocalDate(Date()))?.name ?? ""
        return PublicProducer.neutralLabel(commune: "Xã Suối Giàng", provinceName: province)
    }

    /// No trace of the household's owner or of any personal field.
    static func expectNoPersonalData(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for secret in [TraceFixture.owner, "Nguyen Van An", "ông An", "015090001234", "0912345678", "Thôn Pang Cáng", "hái trên núi"] {
            #expect(!text.contains(secret), "the page shows \"\(secret)\"", sourceLocation: sourceLocation)
        }
    }

    @Test("the page shows the product, the household under its neutral label, the area's code, the chain, verified and altered inspections, the certificate in force")
    func tracePage() async throws {
        try await Self.withTracedServer { server, fixture in
            let response = try await server.client.request(Self.blendLink)
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "text/html; charset=utf-8")
            #expect(response.header("Cache-Control") == "public, max-age=300")
            #expect(response.header("Content-Security-Policy")?.contains("default-src 'none'") == true)
            let html = response.text
            #expect(html.contains(#"<html lang="vi">"#) && html.contains(#"<meta name="viewport""#))
            #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("url(") && !html.contains("http"), "no external assets")
            #expect(html.contains(#"<h1 id="product">Chè Shan tuyết</h1>"#))
            #expect(html.contains("Shan tuyet tea"))
            #expect(html.contains(Self.householdLabel), "neutral label \(Self.householdLabel)")
            Self.expectNoPersonalData(html)
            #expect(html.contains(#"data-growing-area-code="VN-YB-VC-0012""#))
            #expect(html.contains(#"id="lot-code">ST/2026-B1<"#) && html.contains(#"id="gtin">08934567890120<"#))
            #expect(html.contains(#"id="produced-on">05/03/2026<"#) && html.contains(#"id="quantity">190 kg<"#))
            // The chain: both harvests, the blend, the packing (01:00 UTC is 08:00 in Vietnam).
            #expect(html.contains(#"data-step="harvesting" data-lot="SG-H1""#) && html.contains(#"data-step="harvesting" data-lot="SG-H2""#))
            #expect(html.contains(#"data-step="transforming" data-lot="ST/2026-B1""#))
            #expect(html.contains(#"data-input="Chè Shan tuyết – SG-H1""#) && html.contains(#"data-input="Chè Shan tuyết – SG-H2""#))
            #expect(html.contains("06/03/2026 08:00 (UTC+7)"))
            // The lab result verifies; the altered inspection is shown as not verified.
            let lab = fixture.labResult.id.uuidString.lowercased(), altered = fixture.productInspection.id.uuidString.lowercased()
            #expect(html.range(of: #"data-inspection="\#(lab)" data-verdict="pass">[^\n]*data-signature="verified""#, options: .regularExpression) != nil)
            #expect(html.range(of: #"data-inspection="\#(altered)" data-verdict="pass">[^\n]*data-signature="not-verified""#, options: .regularExpression) != nil)
            #expect(html.contains("KHÔNG XÁC MINH ĐƯỢC") && html.contains("NOT VERIFIED") && html.contains("Chữ ký hợp lệ"))
            #expect(html.contains(#"data-certificate="12/QĐ-UBND""#) && html.contains(#"data-status="active""#))
            #expect(html.contains("UBND tỉnh Lào Cai"))

            // The short form answers the same page; an upper-case id too.
            let short = try await server.client.request("/l/\(fixture.blend.id.uuidString.lowercased())")
            #expect(short.status == 200 && short.text == html)
            #expect(try await server.client.request("/l/\(fixture.blend.id.uuidString)").text == html)
            // The GTIN-13 form is redirected to GTIN-14.
            let padded = try await server.client.request("/01/8934567890120/10/ST%2F2026-B1")
            #expect(padded.status == 301 && padded.header("Location") == Self.blendLink)
        }
    }

    @Test("a revoked certificate is shown revoked on the day of the scan; an organisation keeps its name")
    func revokedCertificate() async throws {
        try await Self.withTracedServer { server, fixture in
            let response = try await server.client.request("/l/\(fixture.honeyLot.id.uuidString.lowercased())")
            #expect(response.status == 200)
            #expect(response.text.contains(#"data-certificate="13/QĐ-UBND""#) && response.text.contains(#"data-status="revoked""#))
            #expect(!response.text.contains(#"data-status="active""#))
            #expect(response.text.contains("HTX Mật ong Bản Liền") && response.text.contains("Mật ong bạc hà Bản Liền"))
            #expect(response.text.contains("Chưa có kết quả kiểm tra"))
        }
    }

    @Test("JSON-LD for clients that ask for it: schema.org and GS1 terms, the certificate's status today, the same privacy")
    func jsonLD() async throws {
        try await Self.withTracedServer { server, _ in
            let response = try await server.client.request(Self.blendLink, headers: ["Accept": "application/ld+json"])
            #expect(response.status == 200 && response.header("Content-Type") == "application/ld+json; charset=utf-8")
            Self.expectNoPersonalData(response.text)
            let json = try #require(response.json)
            #expect((json["@type"] as? [String]) == ["IndividualProduct", "gs1:Product"])
            #expect(json["gtin14"] as? String == "08934567890120" && json["gs1:hasBatchLotNumber"] as? String == "ST/2026-B1")
            #expect((json["manufacturer"] as? [String: Any])?["name"] as? String == Self.householdLabel)
            let certificate = try #require((json["hasCertification"] as? [[String: Any]])?.first)
            #expect(certificate["certificationStatus"] as? String == "CertificationActive" && certificate["ocop:status"] as? String == "active")
            #expect(certificate["ocop:statusOn"] as? String == LocalDate(Date()).description)
            let inspections = try #require(json["ocop:inspections"] as? [[String: Any]])
            #expect(inspections.compactMap { $0["ocop:signatureVerified"] as? Bool } == [true, false])
            let events = try #require(json["ocop:events"] as? [[String: Any]])
            #expect(events.count == 4)
        }
    }

    @Test("a blend holding another household's harvest keeps that owner's name off the page too")
    func anUpstreamHouseholdIsNotNamed() async throws {
        let seed = try await Seed()
        let fixture = try await seed.addTraceFixture()
        let mai = Producer(tenantID: fixture.tenant, name: "Hộ kinh doanh Lò Thị Mai", type: .household, commune: "Xã Tả Phìn",
                           representative: "Lò Thị Mai", phone: "0987654321")
        let maiTea = Product(tenantID: fixture.tenant, producerID: mai.id, classificationCode: "1.5.a", nameVi: "Chè bà Lò Thị Mai")
        let maiHarvest = Batch(tenantID: fixture.tenant, productID: maiTea.id, lotCode: "LM-H1", producedOn: LocalDate("2026-03-03")!)
        let mix = Batch(tenantID: fixture.tenant, productID: fixture.tea.id, lotCode: "SG-MIX", producedOn: LocalDate("2026-03-07")!)
        let events = [
            LotEvent(tenantID: fixture.tenant, lotID: maiHarvest.id, eventType: .object, bizStep: "harvesting", action: "ADD",
                     eventTime: "2026-03-03T07:00:00+07:00", readPoint: "Vườn nhà bà Lò Thị Mai", recordedBy: "Lò Thị Mai"),
            LotEvent(tenantID: fixture.tenant, lotID: mix.id, eventType: .transformation, bizStep: "transforming",
                     eventTime: "2026-03-07T08:00:00+07:00", inputs: [maiHarvest.id, fixture.harvestA.id], outputs: [mix.id], recordedBy: "x"),
        ]
        try await seed.harness.store.replica.database.write { db in
            try mai.insert(db)
            try maiTea.insert(db)
            try maiHarvest.insert(db)
            try mix.insert(db)
            for event in events { try event.insert(db) }
        }
        try await withLiveServer(seed: seed) { server in
            for accept in ["text/html", "application/ld+json"] {
                let response = try await server.client.request("/01/08934567890120/10/SG-MIX", headers: ["Accept": accept])
                #expect(response.status == 200, "\(accept)")
                #expect(response.text.contains("LM-H1") && response.text.contains("SG-H1"), "the chain is there (\(accept))")
                for secret in ["Lò Thị Mai", "Lo Thi Mai", "bà Mai", "0987654321", "Vườn nhà bà"] {
                    #expect(!response.text.contains(secret), "\(accept) shows \"\(secret)\"")
                }
                Self.expectNoPersonalData(response.text)
            }
        }
    }

    @Test("every bad link gets a 404 page in Vietnamese and English, never a stack trace")
    func notFound() async throws {
        try await Self.withTracedServer { server, fixture in
            let long = String(repeating: "A", count: 10_000)
            let cases: [(path: String, says: String)] = [
                ("/01/08934567890121/10/ST%2F2026-B1", "check digit"),
                ("/01/8934567890121/10/X", "check digit"),
                ("/01/89345/10/X", "is not a GTIN"),
                ("/01/08934567890120/10/NOPE", "There is no lot &quot;NOPE&quot;"),
                ("/01/08934567890120/10/MO-01", "There is no lot &quot;MO-01&quot;"),         // the honey's lot, under the tea's GTIN
                ("/01/08934567890120/10/ST%2F2026%0AB1", "control characters"),
                ("/01/08934567890120/10/AB%00", "control characters"),
                ("/01/08934567890120/10/%20ST%2F2026-B1", "leading or trailing spaces"),
                ("/01/08934567890120/10/ST%202026-B1", "There is no lot"),
                ("/01/08934567890120/10/\(long)", "longer than 64"),
                ("/01/08934567890120/10/%FF%FE", "cannot be read"),
                ("/01/08934567890120/10/ST/2026-B1", "%2F"),                                   // a '/' of the lot code not encoded
                ("/01/08934567890120/10/ST-1/21/12345", "%2F"),                                // a serial number: not used here
                ("/l/not-a-lot", "is not a valid lot link"),
                ("/l/\(UUID().uuidString.lowercased())", "no such lot"),
            ]
            for (path, says) in cases {
                let response = try await server.client.request(path)
                #expect(response.status == 404, "\(path.prefix(80)): \(response.status)")
                #expect(response.header("Content-Type") == "text/html; charset=utf-8", "\(path.prefix(80))")
                #expect(response.text.contains("Không tìm thấy lô hàng") && response.text.contains(says), "\(path.prefix(80)): \(response.text.prefix(600))")
                #expect(!response.text.contains("Fatal") && !response.text.contains(".swift"))
            }
            // A program asking for JSON-LD gets a JSON error.
            let json = try await server.client.request("/l/\(UUID().uuidString)", headers: ["Accept": "application/ld+json"])
            #expect(json.status == 404 && json.errorCode == "not_found")
            _ = fixture
        }
    }

    @Test("a lot's chain as EPCIS 2.0, behind the token, valid against GS1's schema")
    func epcisLot() async throws {
        try await Self.withTracedServer { server, fixture in
            let path = "/api/v1/epcis/lots/\(fixture.blend.id.uuidString.lowercased())"
            #expect(try await server.client.request(path).status == 401)
            #expect(try await server.get("/api/v1/epcis/lots/\(UUID().uuidString.lowercased())").status == 404)
            let response = try await server.get(path)
            #expect(response.status == 200 && response.header("Content-Type") == "application/ld+json; charset=utf-8")
            let events = try #require(((response.json?["epcisBody"] as? [String: Any])?["eventList"]) as? [[String: Any]])
            #expect(events.count == 6, "4 lot events and 2 inspections")
            #expect(response.text.contains("https://id.gs1.org/01/08934567890120/10/ST%2F2026-B1"))
            try await Self.expectValidEPCIS(response.body)
        }
    }

    static func expectValidEPCIS(_ body: Data, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        guard let standards = sharedStandards else {
            if ProcessInfo.processInfo.environment["CI"] != nil { Issue.record("../shared/standards is missing", sourceLocation: sourceLocation) }
            return
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("epcis-\(UUID().uuidString).jsonld")
        defer { try? FileManager.default.removeItem(at: file) }
        try body.write(to: file)
        #expect(try await validateEPCISDocument(file, schema: standards.appendingPathComponent("gs1-epcis/EPCIS-JSON-Schema.json")) == "",
                sourceLocation: sourceLocation)
    }

    @Test("the page renders in headless Chromium at phone width",
          .enabled(if: chromium != nil || ProcessInfo.processInfo.environment["CI"] != nil, "Chromium is not installed"))
    func rendersInChromium() async throws {
        try await Self.withTracedServer { server, _ in
            let browser = try #require(chromium, "install Chromium (apt-get install chromium)")
            let run = try await runTool(browser, [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--user-data-dir=\(FileManager.default.temporaryDirectory.appendingPathComponent("ocop-chromium-\(UUID().uuidString)").path)",
                "--window-size=390,844", "--virtual-time-budget=5000", "--dump-dom",
                "http://127.0.0.1:\(server.client.port)\(Self.blendLink)",
            ])
            #expect(run.status == 0, "\(run.errors)")
            let dom = run.output
            #expect(dom.contains(#"<h1 id="product">Chè Shan tuyết</h1>"#), "\(dom.prefix(500))")
            #expect(dom.contains("VN-YB-VC-0012") && dom.contains("Chữ ký hợp lệ") && dom.contains("KHÔNG XÁC MINH ĐƯỢC"))
            #expect(dom.contains(Self.householdLabel))
            Self.expectNoPersonalData(dom)
        }
    }
}

extension TraceHTTPTests {
    @Test("events and inspections since a feed position, page by page, valid against GS1's schema")
    func epcisSince() async throws {
        try await Self.withTracedServer { server, fixture in
            #expect(try await server.client.request("/api/v1/epcis?since=0").status == 401)
            #expect(try await server.get("/api/v1/epcis?since=-1").status == 400)
            let all = try await server.get("/api/v1/epcis?since=0")
            #expect(all.status == 200 && all.header("Link") == nil)
            let cursor = try #require(all.header("OCOP-EPCIS-Cursor").flatMap(UInt64.init))
            let ids = Set(try #require(((all.json?["epcisBody"] as? [String: Any])?["eventList"]) as? [[String: Any]]).compactMap { $0["eventID"] as? String })
            #expect(ids.count == fixture.events.count + 2)
            try await Self.expectValidEPCIS(all.body)

            var since: UInt64 = 0, seen = Set<String>(), pages = 0
            while pages < 20 {
                let page = try await server.get("/api/v1/epcis?since=\(since)&limit=2")
                #expect(page.status == 200)
                seen.formUnion((((page.json?["epcisBody"] as? [String: Any])?["eventList"]) as? [[String: Any]] ?? []).compactMap { $0["eventID"] as? String })
                since = try #require(page.header("OCOP-EPCIS-Cursor").flatMap(UInt64.init))
                pages += 1
                guard let link = page.header("Link") else { break }
                #expect(link == "</api/v1/epcis?since=\(since)&limit=2>; rel=\"next\"")
            }
            #expect(seen == ids && pages > 1 && since == cursor)
            let none = try await server.get("/api/v1/epcis?since=\(cursor)")
            #expect(((none.json?["epcisBody"] as? [String: Any])?["eventList"] as? [Any])?.isEmpty == true)
        }
    }
}
