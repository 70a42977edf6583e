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
        #expect(full.http?.publicURL == nil, "links follow the bound address unless told")
        let published = try load(#"{"http": {"publicURL": "https://ocop.example.gov.vn/"}}"#)
        #expect(published.http?.publicURL == "https://ocop.example.gov.vn/")
    }

    @Test("attachments' files live beside a SQLite store, in the data directory for PostgreSQL")
    func attachmentFilesPath() throws {
        #expect(try load(#"{"dataDirectory": "/var/lib/ocop-sync"}"#).attachmentFilesPath == "/var/lib/ocop-sync/national.sqlite.files")
        #expect(try load(#"{"dataDirectory": "/var/lib/ocop-sync", "store": "postgres://ocop@db/ocop"}"#).attachmentFilesPath
            == "/var/lib/ocop-sync/files")
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

    /// The message a configuration file gets, or nil if it loads.
    func refusal(_ json: String) -> String? {
        do { _ = try load(json); return nil } catch { return "\(error)" }
    }

    @Test("a typo in a key is refused with its path and a suggestion, at every level")
    func unknownKeysAreRefused() throws {
        let top = try #require(refusal(#"{"datadirectory": "/var/lib/ocop-sync"}"#))
        #expect(top.contains(#"unknown key "datadirectory" (did you mean "dataDirectory"?)"#), "\(top)")
        let nested = try #require(refusal(#"{"limits": {"maxConection": 10}}"#))
        #expect(nested.contains(#"unknown key "limits.maxConection" (did you mean "limits.maxConnections"?)"#), "\(nested)")
        let http = try #require(refusal(#"{"http": {"prot": 8080}}"#))
        #expect(http.contains(#"unknown key "http.prot" (did you mean "http.port"?)"#), "\(http)")
        let listen = try #require(refusal(#"{"listen": {"host": "0.0.0.0", "port": 7468, "tls": true}}"#))
        #expect(listen.contains(#"unknown key "listen.tls""#), "\(listen)")
        let tls = try #require(refusal(#"{"tls": {"certificate": "a", "privatekey": "b"}}"#))
        #expect(tls.contains(#"unknown key "tls.privatekey" (did you mean "tls.privateKey"?)"#), "\(tls)")
        let nothingClose = try #require(refusal(#"{"colour": "blue"}"#))
        #expect(nothingClose.contains("allowed here: listen, metrics, dataDirectory"), "\(nothingClose)")
    }

    @Test("values of the right type but out of range are refused with their path")
    func rangesAreChecked() throws {
        let cases: [(String, String)] = [
            (#"{"listen": {"host": "127.0.0.1", "port": 99999}}"#, "listen.port: 99999 is out of range"),
            (#"{"metrics": {"host": "127.0.0.1", "port": -1}}"#, "metrics.port: -1 is out of range"),
            (#"{"http": {"port": 70000}}"#, "http.port: 70000 is out of range"),
            (#"{"listen": {"host": " ", "port": 7468}}"#, "listen.host: empty"),
            (#"{"limits": {"maxConnections": 0}}"#, "limits.maxConnections: 0 is out of range"),
            (#"{"limits": {"maxPullPage": -5}}"#, "limits.maxPullPage: -5 is out of range"),
            (#"{"limits": {"idleTimeoutSeconds": 0}}"#, "limits.idleTimeoutSeconds: 0 is out of range"),
            (#"{"limits": {"maxUnauthenticatedConnections": 0}}"#, "limits.maxUnauthenticatedConnections: 0 is out of range"),
            (#"{"limits": {"maxConnections": 8, "maxUnauthenticatedConnections": 9}}"#, "limits.maxUnauthenticatedConnections: 9 is out of range"),
            (#"{"limits": {"handshakeTimeoutSeconds": 0}}"#, "limits.handshakeTimeoutSeconds: 0 is out of range"),
            (#"{"http": {"feedCacheMegabytes": 0}}"#, "http.feedCacheMegabytes: 0 is out of range"),
            (#"{"http": {"publicURL": "ocop.example.gov.vn"}}"#, "http.publicURL: \"ocop.example.gov.vn\" is not an http(s) URL"),
            (#"{"http": {"publicURL": "https://ocop.example.gov.vn/?a=1"}}"#, "http.publicURL: "),
            (#"{"http": {"publicURL": "ftp://ocop.example.gov.vn"}}"#, "http.publicURL: "),
            (#"{"logLevel": "verbose"}"#, #"logLevel: "verbose" is not one of trace, debug"#),
            (#"{"dataDirectory": ""}"#, "dataDirectory: empty"),
        ]
        for (json, message) in cases {
            let text = refusal(json)
            #expect(text?.contains(message) == true, "\(json) → \(text ?? "accepted")")
        }
    }

    @Test("the two handshake limits have their defaults and can be set")
    func handshakeLimits() throws {
        let defaults = try load("{}")
        #expect(defaults.limits.maxUnauthenticatedConnections == 32)
        #expect(defaults.limits.handshakeTimeoutSeconds == 10)
        #expect(defaults.limits.maxConnections == 256)
        let set = try load(#"{"limits": {"maxUnauthenticatedConnections": 4, "handshakeTimeoutSeconds": 3, "maxPullPage": 100}}"#)
        #expect(set.limits.maxUnauthenticatedConnections == 4)
        #expect(set.limits.handshakeTimeoutSeconds == 3)
        #expect(set.limits.maxPullPage == 100)
        #expect(set.limits.idleTimeoutSeconds == 300)
    }

    @Test("the shipped example configurations load")
    func examplesLoad() throws {
        let ops = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ops/config")
        for name in ["syncd.json", "syncd-tls.json", "syncd-postgres.json"] {
            _ = try ServerConfiguration.load(path: ops.appendingPathComponent(name).path)
        }
    }

    @Test("a PostgreSQL store is a URL without a password; a standby needs a store")
    func postgresSettings() throws {
        let set = try load(#"{"store": "postgres://ocop@db:5432/ocop", "storePasswordFile": "/etc/p", "storeStandby": "postgres://ocop@db2/ocop"}"#)
        #expect(set.store == "postgres://ocop@db:5432/ocop" && set.storePasswordFile == "/etc/p" && set.storeStandby == "postgres://ocop@db2/ocop")
        #expect(try load("{}").store == nil, "SQLite stays the default")
        #expect(try #require(refusal(#"{"store": "/var/lib/national.sqlite"}"#)).contains("store: '/var/lib/national.sqlite' is not a PostgreSQL URL"))
        #expect(try #require(refusal(#"{"store": "postgres://ocop:hunter2@db/ocop"}"#)).contains("store: the URL carries a password"))
        #expect(try #require(refusal(#"{"storeStandby": "postgres://ocop@db2/ocop"}"#)).contains("storeStandby: a standby needs a PostgreSQL store"))
    }

    @Test("a missing required field and broken JSON are named")
    func missingAndBroken() throws {
        let missing = try #require(refusal(#"{"listen": {"host": "127.0.0.1"}}"#))
        #expect(missing.contains("listen.port: missing"), "\(missing)")
        let broken = try #require(refusal(#"{"listen": "#))
        #expect(broken.contains("not valid JSON"), "\(broken)")
        let array = try #require(refusal("[1, 2]"))
        #expect(array.contains("the document: expected an object"), "\(array)")
        let null = try #require(refusal(#"{"listen": {"host": null, "port": 7468}}"#))
        #expect(null.contains("listen.host: expected a string"), "\(null)")
        // Found by an outsider: Foundation on Linux said only "not valid JSON".
        let comma = try #require(refusal("{\n  \"listen\": {\"host\": \"127.0.0.1\"\n    \"port\": 1}\n}"))
        #expect(comma.contains("not valid JSON at line 3, column 5"), "\(comma)")
        let fraction = try #require(refusal(#"{"http": {"port": 8468.5}}"#))
        #expect(fraction.contains("http.port: expected a whole number, got 8468.5"), "\(fraction)")
    }

    @Test("--listen and --http: HOST:PORT with the port in range")
    func endpointFlags() throws {
        #expect(try ServerConfiguration.Endpoint(parsing: "127.0.0.1:7468", option: "--listen") == .init(host: "127.0.0.1", port: 7468))
        #expect(try ServerConfiguration.Endpoint(parsing: "[::1]:0", option: "--listen") == .init(host: "::1", port: 0))
        for bad in ["127.0.0.1:99999", "127.0.0.1", ":7468", "127.0.0.1:-1", "127.0.0.1:http"] {
            #expect(throws: ConfigurationError.self, "\(bad)") { try ServerConfiguration.Endpoint(parsing: bad, option: "--listen") }
        }
        #expect {
            try ServerConfiguration.Endpoint(parsing: "127.0.0.1:99999", option: "--listen")
        } throws: { "\($0)".contains("--listen 127.0.0.1:99999: the port 99999 is out of range") }
    }

    /// A configuration with every optional section present, so every object is in its JSON.
    static var everything: ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.dataDirectory = "/var/lib/ocop-sync"
        configuration.tls = .init(certificate: "/etc/ocop-sync/tls/fullchain.pem", privateKey: "/etc/ocop-sync/tls/privkey.pem")
        var http = ServerConfiguration.HTTP()
        http.feedSigningKey = "/etc/ocop-sync/feed.pem"
        http.dashboardDirectory = "/srv/dashboard"
        configuration.http = http
        configuration.limits.maxConnections = 100
        configuration.limits.maxUnauthenticatedConnections = 8
        configuration.limits.handshakeTimeoutSeconds = 5
        configuration.logLevel = "notice"
        return configuration
    }

    @Test("every section is strict: an unknown key added to any object of a full configuration is refused with its path")
    func everySectionIsStrict() throws {
        let data = try JSONEncoder().encode(Self.everything)
        let text = String(decoding: data, as: UTF8.self)
        #expect(try load(text) == Self.everything, "what is written is read back")

        // Every object in the document, by path; a section added later without strict
        // decoding makes this fail.
        func objects(_ value: Any, _ path: [String]) -> [[String]] {
            guard let object = value as? [String: Any] else { return [] }
            return [path] + object.flatMap { objects($0.value, path + [$0.key]) }
        }
        func inserting(_ key: String, at path: [String], in value: Any) -> Any {
            var object = value as! [String: Any]
            if let first = path.first {
                object[first] = inserting(key, at: Array(path.dropFirst()), in: object[first]!)
            } else {
                object[key] = 1
            }
            return object
        }
        let tree = try JSONSerialization.jsonObject(with: data)
        let paths = objects(tree, [])
        #expect(Set(paths.map { $0.joined(separator: ".") }) == ["", "listen", "metrics", "tls", "http", "limits"])
        for path in paths {
            let bad = try JSONSerialization.data(withJSONObject: inserting("surplus", at: path, in: tree))
            let message = refusal(String(decoding: bad, as: UTF8.self))
            let key = (path + ["surplus"]).joined(separator: ".")
            #expect(message?.contains("unknown key \"\(key)\"") == true, "\(key): \(message ?? "accepted")")
        }
    }
}
