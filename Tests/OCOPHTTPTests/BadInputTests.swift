import Foundation
import OCOPStore
import OCOPTestSupport
import Testing

/// One request that must be refused with a JSON error, never a 500.
struct BadRequest: Sendable, CustomTestStringConvertible {
    var method = "GET"
    var path: String
    var body: String?
    var status: Int
    var code: String
    /// Words the message must contain (the parameter or thing it names).
    var mentions: String

    var testDescription: String { "\(method) \(path) → \(status) \(code)" }
}

@Suite("HTTP API refuses bad input with a JSON error")
struct BadInputTests {
    static let products = "/api/v1/products"
    static let cases: [BadRequest] = [
        .init(path: "\(products)?limit=0", status: 400, code: "bad_parameter", mentions: "limit"),
        .init(path: "\(products)?limit=501", status: 400, code: "bad_parameter", mentions: "limit"),
        .init(path: "\(products)?limit=ten", status: 400, code: "bad_parameter", mentions: "limit"),
        .init(path: "\(products)?offset=-1", status: 400, code: "bad_parameter", mentions: "offset"),
        .init(path: "\(products)?offset=99999999999999999999", status: 400, code: "bad_parameter", mentions: "offset"),
        .init(path: "\(products)?stars=6", status: 400, code: "bad_parameter", mentions: "stars"),
        .init(path: "\(products)?stars=%E2%98%85", status: 400, code: "bad_parameter", mentions: "stars"),
        .init(path: "\(products)?certified=maybe", status: 400, code: "bad_parameter", mentions: "certified"),
        .init(path: "\(products)?producer_type=farmer", status: 400, code: "bad_parameter", mentions: "producer_type"),
        .init(path: "\(products)?producer=42", status: 400, code: "bad_parameter", mentions: "producer"),
        .init(path: "\(products)?status=sold", status: 400, code: "bad_parameter", mentions: "status"),
        .init(path: "\(products)?date=2026-02-30", status: 400, code: "bad_parameter", mentions: "date"),
        .init(path: "\(products)?province=99", status: 400, code: "bad_parameter", mentions: "99"),
        .init(path: "\(products)?sector=QD148-2023", status: 400, code: "bad_parameter", mentions: "sector"),
        .init(path: "\(products)?q=", status: 400, code: "bad_parameter", mentions: "q"),
        .init(path: "\(products)?q=%E0%A4", status: 400, code: "bad_parameter", mentions: "percent"),
        .init(path: "\(products)?provnce=01", status: 400, code: "bad_parameter", mentions: "provnce"),
        .init(path: "\(products)?limit=1&limit=2", status: 400, code: "bad_parameter", mentions: "more than once"),
        .init(path: "\(products)/not-a-uuid", status: 404, code: "not_found", mentions: "not-a-uuid"),
        .init(path: "\(products)/01a205ed-0f65-75c7-8e73-1b19727d05da", status: 404, code: "not_found", mentions: "01a205ed"),
        .init(path: "/api/v1/producers?type=co-op", status: 400, code: "bad_parameter", mentions: "type"),
        .init(path: "/api/v1/producers/00000000-0000-0000-0000-000000000000", status: 404, code: "not_found", mentions: "producer"),
        .init(path: "/api/v1/reports/stars?by=colour", status: 400, code: "bad_parameter", mentions: "colour"),
        .init(path: "/api/v1/reports/stars?date=tomorrow", status: 400, code: "bad_parameter", mentions: "date"),
        .init(path: "/api/v1/reports/expiring?days=-1", status: 400, code: "bad_parameter", mentions: "days"),
        .init(path: "/api/v1/reports/expiring?days=100000", status: 400, code: "bad_parameter", mentions: "days"),
        .init(path: "/api/v1/reports/sync?verbose=1", status: 400, code: "bad_parameter", mentions: "verbose"),
        .init(path: "/api/v1/conflicts?status=open", status: 400, code: "bad_parameter", mentions: "status"),
        .init(path: "/api/v1/conflicts?province=77", status: 400, code: "bad_parameter", mentions: "77"),
        .init(path: "/api/v1/conflicts/ab", status: 422, code: "invalid", mentions: "too short"),
        .init(path: "/api/v1/conflicts/ffffffffffff", status: 404, code: "not_found", mentions: "ffffffffffff"),
        .init(method: "POST", path: "/api/v1/conflicts/ffffffffffff/resolution", body: "take=winner", status: 400, code: "bad_body", mentions: "JSON"),
        .init(method: "POST", path: "/api/v1/conflicts/ffffffffffff/resolution", body: #"{"take": "both"}"#, status: 400, code: "bad_body", mentions: "both"),
        .init(method: "POST", path: "/api/v1/conflicts/ffffffffffff/resolution", body: "{}", status: 400, code: "bad_body", mentions: "exactly one"),
        .init(method: "POST", path: "/api/v1/conflicts/ffffffffffff/resolution", body: #"{"take": "winner", "value": "x"}"#, status: 400, code: "bad_body", mentions: "exactly one"),
        .init(method: "POST", path: "/api/v1/conflicts/ffffffffffff/resolution", body: #"{"take": "winner"}"#, status: 404, code: "not_found", mentions: "ffffffffffff"),
        .init(method: "POST", path: "/api/v1/conflicts/ffffffffffff/resolution", body: "[" + String(repeating: "1,", count: 40_000) + "1]", status: 413, code: "body_too_large", mentions: "65536"),
        .init(method: "DELETE", path: products, status: 404, code: "not_found", mentions: "DELETE"),
        .init(path: "/api/v2/products", status: 404, code: "not_found", mentions: "/api/v2/products"),
        .init(path: "/feeds/unesco/jsonld/page-00001.jsonld", status: 404, code: "not_found", mentions: "unesco"),
        .init(path: "/feeds/asean/xml/products.xml", status: 404, code: "not_found", mentions: "xml"),
        .init(path: "/feeds/asean/jsonld/page-00099.jsonld", status: 404, code: "not_found", mentions: "page-00099"),
        .init(path: "/feeds/asean/jsonld/catalog.jsonld?since=yesterday", status: 400, code: "bad_cursor", mentions: "since"),
        .init(path: "/feeds/asean/jsonld/catalog.jsonld?since=999999@2026-01-01", status: 400, code: "bad_cursor", mentions: "ahead"),
        .init(path: "/feeds/asean/jsonld/catalog.jsonld?at=1@2020-01-01", status: 410, code: "snapshot_gone", mentions: "page 1"),
        .init(path: "/dashboard/../../etc/passwd", status: 404, code: "not_found", mentions: ""),
        .init(path: "/dashboard/secret.txt", status: 404, code: "not_found", mentions: "secret.txt"),
    ]

    @Test("each bad request gets its status and a JSON error naming what is wrong", arguments: cases)
    func refused(_ bad: BadRequest) async throws {
        try await withLiveServer { server in
            let response = try await server.client.request(bad.method, bad.path, token: server.reviewToken,
                                                           body: bad.body.map { Data($0.utf8) })
            #expect(response.status == bad.status, "\(response.text)")
            #expect(response.header("Content-Type") == "application/json; charset=utf-8")
            #expect(response.errorCode == bad.code, "\(response.text)")
            let message = (response.json?["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(bad.mentions.isEmpty || message.contains(bad.mentions), "message: \(message)")
            // The server still answers afterwards.
            #expect(try await server.client.request("/healthz").status == 200)
        }
    }
}
