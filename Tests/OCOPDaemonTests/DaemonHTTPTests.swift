import Foundation
import OCOPModel
import OCOPReplica
import OCOPTestSupport
import Testing

/// `ocop-syncd serve --http`: the API, dashboard and feeds served by the real daemon next to
/// the sync protocol, over the one store the provinces sync into.
@Suite("ocop-syncd HTTP server")
struct DaemonHTTPTests {
    func syncd(_ daemon: DaemonProcess, _ arguments: [String]) async throws -> ToolRun {
        try await runTool(try builtBinary("ocop-syncd").path, arguments + ["--config", daemon.configPath.path])
    }

    @Test("a province syncs; the API reports it with a token issued by the CLI; a revoked token stops working")
    func servesTheLiveStore() async throws {
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        try await daemon.start(http: true)
        let province = try daemon.addProvince(code: "01", name: "Hà Nội")
        let producer = Producer(tenantID: province.tenant!, name: "HTX Chè Ba Vì", type: .cooperative)
        let product = Product(tenantID: province.tenant!, producerID: producer.id, classificationCode: "1.5.a", nameVi: "Chè Ba Vì")
        try province.replica.saveAll([producer])
        try province.replica.saveAll([product])
        _ = try await province.sync(daemon)

        let issued = try await syncd(daemon, ["token", "issue", "--name", "Phạm Thu Hà", "--scope", "read"])
        #expect(issued.status == 0, "\(issued.errors)")
        let token = try #require(issued.output.split(separator: "\n").first { $0.hasPrefix("token: ") }.map { String($0.dropFirst(7)) })
        let id = try #require(issued.output.split(separator: "\n").first { $0.hasPrefix("id: ") }.map { String($0.dropFirst(4)) })
        let listed = try await syncd(daemon, ["token", "list"])
        #expect(listed.output.contains("Phạm Thu Hà"))
        #expect(!listed.output.contains(token))

        let client = HTTPTestClient(port: daemon.httpPort)
        #expect(try await client.request("/healthz").status == 200)
        let sync = try await client.request("/api/v1/reports/sync", token: token)
        #expect(sync.status == 200, "\(sync.text)")
        let provinces = try #require(sync.json?["provinces"] as? [[String: Any]])
        #expect(provinces.map { $0["province_code"] as? String } == ["01"])
        #expect(provinces.first?["last_sync_at"] is String)
        let products = try #require(try await client.request("/api/v1/products?q=che+ba+vi", token: token).json)
        #expect(products["total"] as? Int == 1)
        let dashboard = try await client.request("/dashboard/")
        #expect(dashboard.status == 200)
        #expect(dashboard.text.contains("dashboard.js"))
        #expect(dashboard.header("Content-Security-Policy")?.contains("default-src 'none'") == true)
        #expect(try await client.request("/feeds/signing-key.pem").text.hasPrefix("-----BEGIN PUBLIC KEY-----"))

        // The sync protocol keeps working beside the HTTP server.
        try province.replica.saveAll([Product(tenantID: province.tenant!, producerID: producer.id, classificationCode: "1.2.a", nameVi: "Mật ong")])
        _ = try await province.sync(daemon)
        let after = try #require(try await client.request("/api/v1/products", token: token).json)
        #expect(after["total"] as? Int == 2)

        #expect(try await syncd(daemon, ["token", "revoke", id]).status == 0)
        #expect(try await client.request("/api/v1/reports/sync", token: token).status == 401)
        let again = try await syncd(daemon, ["token", "revoke", id])
        #expect(again.status != 0)
        #expect(again.errors.contains("already revoked"))
        #expect(try await syncd(daemon, ["token", "issue", "--name", "x", "--scope", "admin"]).status != 0)

        // SIGTERM stops both servers cleanly.
        await daemon.stop()
        #expect(!daemon.isRunning)
    }

    @Test("a bad http setting stops the start with an error naming the file, before anything listens")
    func badSettingsStopTheStart() async throws {
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        let notAKey = daemon.dataDirectory.appendingPathComponent("not-a-key.pem")
        try "hello".write(to: notAKey, atomically: true, encoding: .utf8)
        let cases: [(String, String)] = [
            (#""dashboardDirectory": "/nonexistent/ocop-dashboard""#, "/nonexistent/ocop-dashboard"),
            (#""feedSigningKey": "\#(notAKey.path)""#, "not-a-key.pem: not an Ed25519 private key"),
            (#""feedSigningKey": "/nonexistent/key.pem""#, "/nonexistent/key.pem: cannot read the feed signing key"),
        ]
        for (setting, message) in cases {
            let config = daemon.dataDirectory.appendingPathComponent("bad.json")
            try #"{"dataDirectory": "\#(daemon.dataDirectory.path)", "metrics": null, "http": {"port": 0, \#(setting)}}"#
                .write(to: config, atomically: true, encoding: .utf8)
            let run = try await runTool(try builtBinary("ocop-syncd").path, ["serve", "--config", config.path, "--listen", "127.0.0.1:0"])
            #expect(run.status != 0, "\(setting)")
            #expect(run.errors.contains(message), "\(run.errors)")
            #expect(!run.errors.contains("listening"), "the sync port must not open first")
        }
    }
}

