import Foundation

/// The daemon's settings, read from a JSON file; every field has a sane default.
///
/// ```json
/// { "listen": { "host": "127.0.0.1", "port": 7468 }, "dataDirectory": "/var/lib/ocop-sync" }
/// ```
public struct ServerConfiguration: Codable, Sendable, Equatable {
    public struct Endpoint: Codable, Sendable, Equatable {
        public var host: String
        public var port: Int
        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }
    }

    public struct TLS: Codable, Sendable, Equatable {
        /// PEM certificate chain and private key of the server.
        public var certificate: String
        public var privateKey: String
        public init(certificate: String, privateKey: String) {
            self.certificate = certificate
            self.privateKey = privateKey
        }
    }

    public struct Limits: Codable, Sendable, Equatable {
        /// Connections served at once; more are closed with BUSY.
        public var maxConnections: Int = 256
        /// Rows per CHANGES page at most, whatever a client asks.
        public var maxPullPage: Int = 5_000
        /// A connection silent this long (authenticated or not) is closed.
        public var idleTimeoutSeconds: Int = 300
        /// Connections that have not authenticated yet, at once; more are closed with BUSY, so
        /// anonymous sockets cannot take the slots provinces need.
        public var maxUnauthenticatedConnections: Int = 32
        /// Of those, from one peer address at once.
        public var maxUnauthenticatedPerAddress: Int = 8
        /// Time a connection has from connecting to authenticating (HELLO to AUTH_OK).
        public var handshakeTimeoutSeconds: Int = 10
        /// Memory all connections together may hold in frames being received and decoded (one
        /// frame may always go through alone, however large).
        public var frameMemoryMegabytes: Int = 48
        public init() {}
    }

    /// The central office's HTTP server: JSON API, dashboard and partner feeds (`OCOPHTTP`).
    public struct HTTP: Codable, Sendable, Equatable {
        public var host = "127.0.0.1"
        public var port = 8468
        /// A folder that replaces the dashboard built into the binary's resources.
        public var dashboardDirectory: String?
        /// The central office's Ed25519 private key (PEM) that signs feed manifests; default
        /// `feed-signing-key.pem` in the data directory, created on first start.
        public var feedSigningKey: String?
        /// Rendered feed exports kept in memory (for paging and conditional requests).
        public var feedCacheMegabytes = 256

        public init() {}

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = HTTP()
            host = try container.decodeIfPresent(String.self, forKey: .host) ?? defaults.host
            port = try container.decodeIfPresent(Int.self, forKey: .port) ?? defaults.port
            dashboardDirectory = try container.decodeIfPresent(String.self, forKey: .dashboardDirectory)
            feedSigningKey = try container.decodeIfPresent(String.self, forKey: .feedSigningKey)
            feedCacheMegabytes = try container.decodeIfPresent(Int.self, forKey: .feedCacheMegabytes) ?? defaults.feedCacheMegabytes
        }
    }

    /// Where clients connect. Loopback by default; use TLS for links that leave the building.
    public var listen = Endpoint(host: "127.0.0.1", port: 7468)
    /// Where Prometheus scrapes `/metrics` (loopback by default); nil turns metrics off.
    public var metrics: Endpoint? = Endpoint(host: "127.0.0.1", port: 9468)
    /// Holds the national dataset (`national.sqlite`) and the server's secret for fake salts.
    public var dataDirectory = "./ocop-data"
    public var tls: TLS?
    /// The HTTP API, dashboard and feeds; nil (the default) leaves them off.
    public var http: HTTP?
    public var limits = Limits()
    /// trace, debug, info, notice, warning, error or critical.
    public var logLevel = "info"

    public init() {}

    /// Where the feed signing key is read from (and created, if it is the default and missing).
    public var feedSigningKeyPath: String {
        http?.feedSigningKey ?? URL(fileURLWithPath: dataDirectory).appendingPathComponent("feed-signing-key.pem").path
    }

    public var databasePath: String { URL(fileURLWithPath: dataDirectory).appendingPathComponent("national.sqlite").path }

    /// Reads a configuration file; fields it leaves out keep their defaults.
    public static func load(path: String) throws -> ServerConfiguration {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigurationError(message: "\(path): cannot read the configuration file: \(error.localizedDescription)")
        }
        do {
            return try JSONDecoder().decode(ServerConfiguration.self, from: data)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context), let DecodingError.dataCorrupted(context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw ConfigurationError(message: "\(path): \(field.isEmpty ? "" : field + ": ")\(context.debugDescription)")
        } catch {
            throw ConfigurationError(message: "\(path): \(error)")
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ServerConfiguration()
        listen = try container.decodeIfPresent(Endpoint.self, forKey: .listen) ?? defaults.listen
        metrics = container.contains(.metrics) ? try container.decodeIfPresent(Endpoint.self, forKey: .metrics) : defaults.metrics
        dataDirectory = try container.decodeIfPresent(String.self, forKey: .dataDirectory) ?? defaults.dataDirectory
        tls = try container.decodeIfPresent(TLS.self, forKey: .tls)
        http = try container.decodeIfPresent(HTTP.self, forKey: .http)
        if let limits = try container.decodeIfPresent([String: Int].self, forKey: .limits) {
            var merged = Limits()
            for (key, value) in limits {
                switch key {
                case "maxConnections": merged.maxConnections = value
                case "maxPullPage": merged.maxPullPage = value
                case "idleTimeoutSeconds": merged.idleTimeoutSeconds = value
                case "maxUnauthenticatedConnections": merged.maxUnauthenticatedConnections = value
                case "maxUnauthenticatedPerAddress": merged.maxUnauthenticatedPerAddress = value
                case "handshakeTimeoutSeconds": merged.handshakeTimeoutSeconds = value
                case "frameMemoryMegabytes": merged.frameMemoryMegabytes = value
                default:
                    throw DecodingError.dataCorruptedError(forKey: .limits, in: container, debugDescription: "unknown limit \(key)")
                }
            }
            self.limits = merged
        }
        logLevel = try container.decodeIfPresent(String.self, forKey: .logLevel) ?? defaults.logLevel
    }
}

public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
    public init(message: String) { self.message = message }
}
