import Foundation
import OCOPStore
import OCOPHTTP
import OCOPTestSupport
import Testing

@Suite("OpenAPI document")
struct OpenAPITests {
    /// One request the check makes, with the operation (path template) it exercises.
    struct Call {
        var method = "GET"
        var path: String
        var template: String
        var token: Token = .read
        var headers: [String: String] = [:]
        var body: String?

        enum Token { case none, read, review, wrong }
    }

    @Test("the document is valid, describes exactly the served routes, and live responses match its schemas")
    func documentMatchesServer() async throws {
        try await withLiveServer { server in
            _ = try await server.seed.conflictOnProduct()
            let lot = try await server.seed.addTraceFixture().blend.id.uuidString.lowercased()
            let conflicts = try #require(try await server.get("/api/v1/conflicts").json?["items"] as? [[String: Any]])
            let conflict = try #require(conflicts.first?["id"] as? String)
            let other = try #require(conflicts.last?["id"] as? String)
            let product = server.seed.products["F"]!.id.uuidString.lowercased()
            let producer = server.seed.products["F"]!.producerID.uuidString.lowercased()
            let missing = "00000000-0000-4000-8000-000000000000"
            let stars = try await server.get("/api/v1/reports/stars")
            let starsTag = stars.header("ETag") ?? ""
            let page = try await server.client.request("/feeds/asean/jsonld/page-00001.jsonld")
            let cursor = page.header("OCOP-Feed-Cursor") ?? ""

            let resolution = "/api/v1/conflicts/{id}/resolution"
            let feedFile = "/feeds/{profile}/{format}/{file}"
            let traceLink = "/01/{gtin}/10/{lot}"
            let calls: [Call] = [
                .init(path: "/healthz", template: "/healthz", token: .none),
                .init(path: "/", template: "/", token: .none),
                .init(path: "/dashboard/", template: "/dashboard/", token: .none),
                .init(path: "/dashboard", template: "/dashboard/", token: .none),
                .init(path: "/dashboard/dashboard.js", template: "/dashboard/{file}", token: .none),
                .init(path: "/dashboard/dashboard.css", template: "/dashboard/{file}", token: .none),
                .init(path: "/dashboard/missing.js", template: "/dashboard/{file}", token: .none),
                .init(path: "/api/v1/openapi.yaml", template: "/api/v1/openapi.yaml", token: .none),
                .init(path: "/api/v1/reports/stars", template: "/api/v1/reports/stars"),
                .init(path: "/api/v1/reports/stars?by=province&date=2026-06-15", template: "/api/v1/reports/stars"),
                .init(path: "/api/v1/reports/stars", template: "/api/v1/reports/stars", headers: ["If-None-Match": starsTag]),
                .init(path: "/api/v1/reports/stars?by=x", template: "/api/v1/reports/stars"),
                .init(path: "/api/v1/reports/stars", template: "/api/v1/reports/stars", token: .none),
                .init(path: "/api/v1/reports/expiring?days=30&date=2026-06-15", template: "/api/v1/reports/expiring"),
                .init(path: "/api/v1/reports/expiring?days=x", template: "/api/v1/reports/expiring"),
                .init(path: "/api/v1/reports/candidates", template: "/api/v1/reports/candidates"),
                .init(path: "/api/v1/reports/candidates?x=1", template: "/api/v1/reports/candidates"),
                .init(path: "/api/v1/reports/sync", template: "/api/v1/reports/sync"),
                .init(path: "/api/v1/reports/sync", template: "/api/v1/reports/sync", token: .wrong),
                .init(path: "/api/v1/products?date=2026-06-15", template: "/api/v1/products"),
                .init(path: "/api/v1/products?limit=2&q=ch%C3%A8&province=01", template: "/api/v1/products"),
                .init(path: "/api/v1/products?limit=0", template: "/api/v1/products"),
                .init(path: "/api/v1/products/\(product)", template: "/api/v1/products/{id}"),
                .init(path: "/api/v1/products/\(missing)", template: "/api/v1/products/{id}"),
                .init(path: "/api/v1/products/\(product)?date=x", template: "/api/v1/products/{id}"),
                .init(path: "/api/v1/producers", template: "/api/v1/producers"),
                .init(path: "/api/v1/producers?type=x", template: "/api/v1/producers"),
                .init(path: "/api/v1/producers/\(producer)", template: "/api/v1/producers/{id}"),
                .init(path: "/api/v1/producers/\(missing)", template: "/api/v1/producers/{id}"),
                .init(path: "/api/v1/conflicts?status=all", template: "/api/v1/conflicts"),
                .init(path: "/api/v1/conflicts?status=x", template: "/api/v1/conflicts"),
                .init(path: "/api/v1/conflicts/\(conflict)", template: "/api/v1/conflicts/{id}"),
                .init(path: "/api/v1/conflicts/0123456789abcdef", template: "/api/v1/conflicts/{id}"),
                .init(path: "/api/v1/conflicts/ab", template: "/api/v1/conflicts/{id}"),
                .init(method: "POST", path: "/api/v1/conflicts/\(conflict)/resolution", template: resolution, body: #"{"take":"winner"}"#),
                .init(method: "POST", path: "/api/v1/conflicts/\(conflict)/resolution", template: resolution, token: .review, body: #"{"take":"maybe"}"#),
                .init(method: "POST", path: "/api/v1/conflicts/0123456789abcdef/resolution", template: resolution, token: .review, body: #"{"take":"winner"}"#),
                .init(method: "POST", path: "/api/v1/conflicts/\(conflict)/resolution", template: resolution, token: .review,
                      body: String(repeating: " ", count: 70_000) + "{}"),
                .init(method: "POST", path: "/api/v1/conflicts/\(conflict)/resolution", template: resolution, token: .review, body: #"{"take":"winner"}"#),
                .init(method: "POST", path: "/api/v1/conflicts/\(other)/resolution", template: resolution, token: .review, body: #"{"value":"not-a-uuid-or-anything"}"#),
                .init(method: "POST", path: "/api/v1/conflicts/\(conflict)/resolution", template: resolution, token: .review, body: #"{"take":"winner"}"#),
                .init(path: "/feeds", template: "/feeds", token: .none),
                .init(path: "/feeds/signing-key.pem", template: "/feeds/signing-key.pem", token: .none),
                .init(path: "/feeds/asean/jsonld/page-00001.jsonld", template: feedFile, token: .none),
                .init(path: "/feeds/asean/jsonld/page-00001.jsonld?at=\(cursor)", template: feedFile, token: .none,
                      headers: ["If-None-Match": page.header("ETag") ?? ""]),
                .init(path: "/feeds/iocop/csv/products.csv", template: feedFile, token: .none),
                .init(path: "/feeds/asean/jsonld/manifest.json?since=\(cursor)", template: feedFile, token: .none),
                .init(path: "/feeds/asean/jsonld/manifest.json.sig", template: feedFile, token: .none),
                .init(path: "/feeds/asean/jsonld/page-00042.jsonld", template: feedFile, token: .none),
                .init(path: "/feeds/asean/jsonld/catalog.jsonld?since=x", template: feedFile, token: .none),
                .init(path: "/feeds/asean/jsonld/catalog.jsonld?at=1@2020-01-01", template: feedFile, token: .none),
                .init(path: "/01/08934567890120/10/ST%2F2026-B1", template: traceLink, token: .none),
                .init(path: "/01/08934567890120/10/ST%2F2026-B1", template: traceLink, token: .none, headers: ["Accept": "application/ld+json"]),
                .init(path: "/01/8934567890120/10/ST%2F2026-B1", template: traceLink, token: .none),
                .init(path: "/01/08934567890121/10/X", template: traceLink, token: .none),
                .init(path: "/01/08934567890120/10/ST/2026-B1", template: traceLink + "/**", token: .none),
                .init(path: "/01/08934567890120/10/NOPE", template: traceLink, token: .none, headers: ["Accept": "application/ld+json"]),
                .init(path: "/l/\(lot)", template: "/l/{id}", token: .none),
                .init(path: "/l/\(missing)", template: "/l/{id}", token: .none),
                .init(path: "/api/v1/epcis/lots/\(lot)", template: "/api/v1/epcis/lots/{id}"),
                .init(path: "/api/v1/epcis/lots/\(missing)", template: "/api/v1/epcis/lots/{id}"),
                .init(path: "/api/v1/epcis/lots/\(lot)", template: "/api/v1/epcis/lots/{id}", token: .none),
                .init(path: "/api/v1/epcis?since=0&limit=2", template: "/api/v1/epcis"),
                .init(path: "/api/v1/epcis?since=x", template: "/api/v1/epcis"),
                .init(path: "/api/v1/attachments?owner_table=products&owner_id=\(product)", template: "/api/v1/attachments"),
                .init(path: "/api/v1/attachments?owner_table=tenants&owner_id=\(product)", template: "/api/v1/attachments"),
                .init(path: "/api/v1/attachments?limit=5", template: "/api/v1/attachments"),
                .init(path: "/api/v1/attachments?limit=500", template: "/api/v1/attachments"),
                .init(path: "/files/\(String(repeating: "0", count: 64))", template: "/files/{sha256}", token: .none),
                .init(path: "/p/\(product)", template: "/p/{id}", token: .none),
                .init(path: "/p/\(missing)", template: "/p/{id}", token: .none),
                .init(path: "/01/08934567890120", template: "/01/{gtin}", token: .none),
                .init(path: "/01/8934567890120", template: "/01/{gtin}", token: .none),
                .init(path: "/01/08934567890121", template: "/01/{gtin}", token: .none),
                .init(path: "/files/\(String(repeating: "0", count: 64))/web", template: "/files/{sha256}/web", token: .none),
                .init(path: "/api/v1/files/\(String(repeating: "0", count: 64))", template: "/api/v1/files/{sha256}"),
                .init(path: "/api/v1/files/\(String(repeating: "0", count: 64))", template: "/api/v1/files/{sha256}", token: .none),
            ]

            var samples: [[String: Any]] = []
            var statuses: [String: Set<Int>] = [:]
            for call in calls {
                let token: String? = switch call.token {
                case .none: nil
                case .read: server.readToken
                case .review: server.reviewToken
                case .wrong: "ocop_00000000_" + String(repeating: "0", count: 64)
                }
                let response = try await server.client.request(call.method, call.path, token: token, headers: call.headers,
                                                               body: call.body.map { Data($0.utf8) })
                #expect(response.status != 500, "\(call.method) \(call.path): \(response.text)")
                statuses["\(call.method) \(call.template)", default: []].insert(response.status)
                samples.append([
                    "method": call.method, "path": call.path, "template": call.template, "status": response.status,
                    "content_type": response.header("Content-Type") ?? "", "body": response.text,
                ])
            }
            // The calls above reach the statuses they are meant to (so the check below sees them).
            #expect(statuses["POST \(resolution)"] == [200, 400, 403, 404, 413, 422])
            #expect(statuses["GET \(feedFile)"] == [200, 304, 400, 404, 410])
            #expect(statuses["GET /dashboard/"] == [200, 301])
            #expect(statuses["GET \(traceLink)"] == [200, 301, 404])

            let observed: [String: Any] = [
                "routes": server.server.routes.map { ["method": $0.method, "path": $0.path] },
                "samples": samples,
            ]
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-openapi-\(UUID().uuidString).json")
            defer { try? FileManager.default.removeItem(at: file) }
            try JSONSerialization.data(withJSONObject: observed).write(to: file)
            let run = try await runTool("python3", [
                repositoryRoot.appendingPathComponent("Protocol/tools/check_openapi.py").path,
                repositoryRoot.appendingPathComponent("Protocol/http/openapi.yaml").path, file.path,
            ])
            if run.status == 3 { throw ToolError(run.errors) }
            #expect(run.status == 0, "\(run.errors)")
            #expect(run.output.contains("checked \(calls.count) samples"))
        }
    }

    @Test("the server serves the document in the repository, byte for byte")
    func servedDocumentIsTheRepositoryFile() async throws {
        try await withLiveServer { server in
            let served = try await server.client.request("/api/v1/openapi.yaml")
            #expect(served.status == 200)
            let file = try Data(contentsOf: repositoryRoot.appendingPathComponent("Protocol/http/openapi.yaml"))
            #expect(served.body == file)
        }
    }
}
