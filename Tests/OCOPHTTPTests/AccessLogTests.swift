import Foundation
import Logging
import OCOPStore
import OCOPTestSupport
import Testing

extension CapturedLog {
    /// The access-log lines for `path`.
    func requests(to path: String) -> [Logger.Metadata] {
        entries.filter { $0.message == "request" && $0.metadata["path"] == .string(path) }.map(\.metadata)
    }
}

@Suite("HTTP access log")
struct AccessLogTests {
    @Test("each request logs its status, the token id (never the secret) and its duration")
    func accessLogHasStatusTokenAndDuration() async throws {
        let log = CapturedLog()
        try await withLiveServer(logger: log.logger) { server in
            #expect(try await server.get("/api/v1/products").status == 200)
            #expect(try await server.get("/api/v1/products?limit=0").status == 400)
            #expect(try await server.client.request("/api/v1/reports/sync").status == 401)
            #expect(try await server.client.request("/healthz").status == 200)
            let tokenID = String(server.readToken.split(separator: "_")[1])

            let products = log.requests(to: "/api/v1/products")
            #expect(products.map { $0["status"]?.description } == ["200", "400"], "\(products)")
            #expect(products.allSatisfy { $0["token"] == .string(tokenID) }, "\(products)")
            #expect(products.allSatisfy { Double($0["duration_ms"]?.description ?? "") != nil }, "\(products)")
            #expect(products.allSatisfy { $0["method"] == .string("GET") })
            let refused = try #require(log.requests(to: "/api/v1/reports/sync").first)
            #expect(refused["status"]?.description == "401")
            #expect(refused["token"] == .string("-"))
            #expect(log.requests(to: "/healthz").first?["status"]?.description == "200")
            // Never the secret, in any line.
            #expect(!log.entries.contains { "\($0.metadata)".contains(server.readToken) })
        }
    }
}
