import Foundation
import OCOPNetwork
import Testing

@Suite("Daemon configuration file")
struct ServerConfigurationTests {
    func load(_ json: String) throws -> ServerConfiguration {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("syncd-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try json.write(to: url, atomically: true, encoding: .utf8)
        return try ServerConfiguration.load(path: url.path)
    }

    @Test("fields left out keep their defaults; HTTP is off unless configured")
    func defaults() throws {
        let configuration = try load(#"{"dataDirectory": "/var/lib/ocop-sync"}"#)
        #expect(configuration.listen == .init(host: "127.0.0.1", port: 7468))
        #expect(configuration.http == nil)
        #expect(configuration.feedSigningKeyPath == "/var/lib/ocop-sync/feed-signing-key.pem")
    }

    @Test("the http section: defaults per field, a configured signing key")
    func httpSection() throws {
        let empty = try load(#"{"http": {}}"#)
        #expect(empty.http?.host == "127.0.0.1")
        #expect(empty.http?.port == 8468)
        #expect(empty.http?.feedCacheMegabytes == 256)
        let full = try load(#"{"http": {"host": "0.0.0.0", "port": 8080, "feedSigningKey": "/etc/ocop-sync/feed.pem", "dashboardDirectory": "/srv/dash", "feedCacheMegabytes": 64}}"#)
        #expect(full.http?.port == 8080)
        #expect(full.http?.dashboardDirectory == "/srv/dash")
        #expect(full.feedSigningKeyPath == "/etc/ocop-sync/feed.pem")
    }

    @Test("a wrong type names the file and the field")
    func badField() throws {
        #expect {
            try load(#"{"http": {"port": "eighty"}}"#)
        } throws: { error in
            let text = "\(error)"
            return text.contains("syncd-") && text.contains("http.port")
        }
    }
}
