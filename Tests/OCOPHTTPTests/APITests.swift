import Foundation
import OCOPModel
import OCOPQuery
import OCOPStore
import OCOPTestSupport
import Testing

@Suite("HTTP API over loopback")
struct APITests {
    @Test("bearer tokens: missing, malformed, unknown and revoked are 401; read cannot resolve (403)")
    func authentication() async throws {
        try await withLiveServer { server in
            let path = "/api/v1/reports/sync"
            let missing = try await server.client.request(path)
            #expect(missing.status == 401)
            #expect(missing.errorCode == "missing_token")
            #expect(missing.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)

            let basic = try await server.client.request(path, headers: ["Authorization": "Basic Y2VudHJhbDpzZWNyZXQ="])
            #expect(basic.status == 401)
            #expect(basic.errorCode == "invalid_token")

            // Right id, wrong secret; garbage; a token with its last character changed.
            let wrongSecret = String(server.readToken.dropLast(64)) + String(repeating: "0", count: 64)
            for token in [wrongSecret, "nonsense", String(server.readToken.dropLast()) + "x", "ocop__"] {
                let response = try await server.client.request(path, token: token)
                #expect(response.status == 401, "token \(token)")
                #expect(response.errorCode == "invalid_token")
            }

            #expect(try await server.get(path).status == 200)

            let conflictPath = "/api/v1/conflicts/0000000000000000/resolution"
            let forbidden = try await server.client.request("POST", conflictPath, token: server.readToken, body: Data(#"{"take":"winner"}"#.utf8))
            #expect(forbidden.status == 403)
            #expect(forbidden.errorCode == "insufficient_scope")

            let id = String(server.readToken.dropFirst("ocop_".count).prefix(8))
            try await server.store.revokeAPIToken(id: id)
            let revoked = try await server.get(path)
            #expect(revoked.status == 401)
            #expect(revoked.errorCode == "invalid_token")
            #expect(try await server.store.apiTokens().first { $0.id == id }?.revokedAt != nil)
            #expect(throws: StoreError.self) { try server.store.revokeAPIToken(id: id) }
        }
    }

    @Test("reports over HTTP equal the library's reports and the hand-computed figures")
    func reports() async throws {
        try await withLiveServer { server in
            let date = reportDate.description
            let stars = try await server.get("/api/v1/reports/stars?date=\(date)")
            #expect(stars.status == 200)
            #expect(stars.header("Content-Type") == "application/json; charset=utf-8")
            let expected = try await server.seed.harness.reports.stars(on: reportDate, by: [.province, .sector, .producerType])
            let json = try #require(stars.json)
            #expect(json["total_products"] as? Int == 4)
            #expect(json["by"] as? [String] == ["province", "sector", "producer-type"])
            let rows = try #require(json["rows"] as? [[String: Any]])
            #expect(rows.map { "\($0["stars"]!)|\($0["province_code"]!)|\($0["sector"]!)|\($0["producer_type"]!)|\($0["products"]!)" } == [
                "4|01|QD148-2023:1|cooperative|2", "4|22|QD148-2023:1|enterprise|1", "3|22|QD148-2023:2|enterprise|1",
            ])
            #expect(try JSONSerialization.jsonObject(with: JSONEncoder.report.encode(expected)) as? NSArray == rows as NSArray)

            let byProvince = try #require(try await server.get("/api/v1/reports/stars?by=province&date=\(date)").json)
            #expect((byProvince["rows"] as? [[String: Any]])?.first?.keys.sorted() == ["products", "province_code", "province_iso", "province_name", "stars"])

            let expiring = try #require(try await server.get("/api/v1/reports/expiring?days=30&date=\(date)").json)
            let certificates = try #require(expiring["certificates"] as? [[String: Any]])
            #expect(certificates.map { "\($0["number"]!) \($0["state"]!) \($0["days_left"]!)" } == [
                "B/QĐ expired -1", "A/QĐ expiring 0", "C/QĐ expiring 30",
            ])
            #expect(expiring["expiring_count"] as? Int == 2)
            #expect(expiring["expired_count"] as? Int == 1)
            let wider = try #require(try await server.get("/api/v1/reports/expiring?days=31&date=\(date)").json)
            #expect((wider["certificates"] as? [[String: Any]])?.count == 4)

            let candidates = try #require(try await server.get("/api/v1/reports/candidates").json)
            #expect((candidates["candidates"] as? [[String: Any]])?.map { "\($0["product"]!) \($0["total"]!)" } == ["Rượu G 92", "Chè H 90"])

            let sync = try #require(try await server.get("/api/v1/reports/sync").json)
            let provinces = try #require(sync["provinces"] as? [[String: Any]])
            #expect(provinces.compactMap { $0["province_code"] as? String } == ["01", "22"])
            #expect(provinces.allSatisfy { $0["last_sync_at"] is String && $0["pending_conflicts"] as? Int == 0 })
        }
    }

    @Test("product lookups: filters agree with the stars report, search ignores tones, pages cover everything once")
    func productLookups() async throws {
        try await withLiveServer { server in
            let date = reportDate.description
            func names(_ query: String) async throws -> [String] {
                let response = try await server.get("/api/v1/products?\(query)")
                #expect(response.status == 200, "\(query): \(response.text)")
                return (response.json?["items"] as? [[String: Any]])?.compactMap { $0["name_vi"] as? String } ?? []
            }
            // Sorted in Vietnamese order: B < Ch < C, M, N, R.
            #expect(try await names("province=01") == ["Bánh E", "Cà phê F", "Chè A", "Mật ong B", "Rượu G"])
            // The 4★ cell of the stars report (A, D, F on the report date).
            #expect(try await names("stars=4&date=\(date)") == ["Cà phê F", "Chè A", "Nước mắm D"])
            #expect(try await names("stars=4&province=22&date=\(date)") == ["Nước mắm D"])
            #expect(try await names("certified=true&date=\(date)").count == 4)
            #expect(try await names("certified=false&date=\(date)").count == 6)
            #expect(try await names("sector=QD148-2023:2") == ["Rượu C", "Rượu G"])
            #expect(try await names("classification=1.5") == ["Chè A", "Chè H"])
            #expect(try await names("producer_type=household") == ["Mật ong B", "Rượu G"])
            // Free text ignores case, tones and marks; every word must match.
            #expect(try await names("q=che") == ["Chè A", "Chè H"])
            #expect(try await names("q=CH%C3%88+h") == ["Chè H"])
            #expect(try await names("q=nuoc+mam") == ["Nước mắm D"])
            #expect(try await names("q=xyz").isEmpty)

            var seen: [String] = []
            var offset: Int? = 0
            while let start = offset {
                let page = try #require(try await server.get("/api/v1/products?limit=3&offset=\(start)").json)
                #expect(page["total"] as? Int == 10)
                #expect(page["limit"] as? Int == 3)
                seen += (page["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
                offset = page["next_offset"] as? Int
            }
            #expect(seen.count == 10)
            #expect(Set(seen).count == 10)
            let beyond = try #require(try await server.get("/api/v1/products?offset=50").json)
            #expect((beyond["items"] as? [Any])?.isEmpty == true)
            #expect(beyond["next_offset"] is NSNull)

            let product = server.seed.products["F"]!
            let detail = try await server.get("/api/v1/products/\(product.id.uuidString.lowercased())?date=\(date)")
            #expect(detail.status == 200)
            let body = try #require(detail.json)
            #expect(body["name_vi"] as? String == "Cà phê F")
            #expect(body["stars"] as? Int == 4)
            #expect((body["certificates"] as? [[String: Any]])?.map { "\($0["number"]!) \($0["status"]!)" } == ["F1/QĐ superseded", "F2/QĐ active"])
            #expect((body["merged_from"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("producer lookups never show a household's personal data")
    func producerLookups() async throws {
        try await withLiveServer { server in
            let page = try await server.get("/api/v1/producers?province=01")
            #expect(page.status == 200)
            let items = try #require(page.json?["items"] as? [[String: Any]])
            #expect(items.map { $0["name"] as? String } == ["Hộ Nguyễn Văn A", "HTX Chè Ba Vì"])
            #expect(items.map { $0["products"] as? Int } == [2, 3])
            for item in items {
                #expect(Set(item.keys).isDisjoint(with: ["representative", "national_id", "phone", "address"]))
            }
            #expect(items.first?["tax_code"] is NSNull)
            let households = try #require(try await server.get("/api/v1/producers?type=household&q=nguyen").json)
            #expect(households["total"] as? Int == 1)
            let id = try #require(items.first?["id"] as? String)
            let one = try await server.get("/api/v1/producers/\(id)")
            #expect(one.status == 200)
            #expect(!one.text.contains("representative"))
        }
    }

    @Test("a conflict resolved over HTTP reaches the province's replicas on their next sync")
    func resolveConflict() async throws {
        try await withLiveServer { server in
            let (product, first, second) = try await server.seed.conflictOnProduct()
            let list = try #require(try await server.get("/api/v1/conflicts").json)
            let items = try #require(list["items"] as? [[String: Any]])
            let nameConflict = try #require(items.first { $0["column"] as? String == "name_vi" })
            let id = try #require(nameConflict["id"] as? String)
            let loser = try #require(nameConflict["losing_value"] as? String)
            #expect(nameConflict["winning_value"] as? String != loser)
            #expect(nameConflict["losing_origin"] as? String == "province 01")
            #expect(try await server.get("/api/v1/conflicts/\(id.prefix(6))").status == 200)
            let filtered = try #require(try await server.get("/api/v1/conflicts?province=22").json)
            #expect(filtered["total"] as? Int == 0)

            let resolved = try await server.client.request("POST", "/api/v1/conflicts/\(id)/resolution", token: server.reviewToken,
                                                           body: Data(#"{"take": "loser"}"#.utf8))
            #expect(resolved.status == 200, "\(resolved.text)")
            #expect((resolved.json?["resolution"] as? [String: Any])?["choice"] as? String == "loser")
            let again = try await server.client.request("POST", "/api/v1/conflicts/\(id)/resolution", token: server.reviewToken,
                                                        body: Data(#"{"take": "winner"}"#.utf8))
            #expect(again.status == 422)
            #expect(again.text.contains("already resolved"))
            let pending = try #require(try await server.get("/api/v1/conflicts?status=pending").json)
            #expect((pending["items"] as? [[String: Any]])?.contains { $0["id"] as? String == id } == false)
            let done = try #require(try await server.get("/api/v1/conflicts?status=resolved").json)
            #expect(done["total"] as? Int == 1)

            // A new value for the other column, typed as text.
            if let other = items.first(where: { $0["column"] as? String == "name_en" })?["id"] as? String {
                let typed = try await server.client.request("POST", "/api/v1/conflicts/\(other)/resolution", token: server.reviewToken,
                                                            body: Data(#"{"value": "Ba Vi tea A"}"#.utf8))
                #expect(typed.status == 200, "\(typed.text)")
            }
            try await server.seed.harness.sync("01", 0)
            try await server.seed.harness.sync("01", 1)
            for replica in [first, second] {
                let row = try #require(try replica.fetch(Product.self, id: product.id))
                #expect(row.nameVi == loser)
                #expect(row.nameEn == "Ba Vi tea A")
            }
        }
    }

    @Test("GET answers carry an ETag; If-None-Match gives 304 until the data changes")
    func conditionalRequests() async throws {
        try await withLiveServer { server in
            let path = "/api/v1/reports/stars?by=province"
            let first = try await server.get(path)
            let tag = try #require(first.header("ETag"))
            #expect(tag.hasPrefix("\"") && tag.count == 34)
            #expect(try await server.get(path, headers: ["If-None-Match": tag]).status == 304)
            #expect(try await server.get(path, headers: ["If-None-Match": "W/\(tag)"]).status == 304)
            #expect(try await server.get(path, headers: ["If-None-Match": "\"other\", \(tag)"]).status == 304)
            #expect(try await server.get(path, headers: ["If-None-Match": "\"other\""]).status == 200)
            #expect(try await server.get(path).header("ETag") == tag)

            // A new certificate in force changes the report and its tag.
            let product = server.seed.products["E"]!
            let replica = server.seed.harness.replica("01")
            try replica.save(certificate(product, stars: 3, issued: LocalDate(Date()).description, number: "E2/QĐ"))
            try await server.seed.harness.sync("01")
            let changed = try await server.get(path, headers: ["If-None-Match": tag])
            #expect(changed.status == 200)
            #expect(changed.header("ETag") != tag)
        }
    }
}
