import Foundation

/// The daemon's settings, read from a JSON file; every field has a sane default.
///
/// ```json
/// { "listen": { "host": "127.0.0.1", "port": 7468 }, "dataDirectory": "/var/lib/ocop-sync" }
/// ```
///
/// The file is a strict document: an unknown key at any level, a value of the wrong type or
/// out of range is an error naming its JSON path (see ``load(path:)``), never a silent default.
public struct ServerConfiguration: Codable, Sendable, Equatable {
    public struct Endpoint: Codable, Sendable, Equatable {
        public var host: String
        public var port: Int
        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            host = try container.decode(String.self, forKey: .host)
            port = try container.decode(Int.self, forKey: .port)
        }

        enum CodingKeys: String, CodingKey, CaseIterable { case host, port }
    }

    public struct TLS: Codable, Sendable, Equatable {
        /// PEM certificate chain and private key of the server.
        public var certificate: String
        public var privateKey: String
        public init(certificate: String, privateKey: String) {
            self.certificate = certificate
            self.privateKey = privateKey
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            certificate = try container.decode(String.self, forKey: .certificate)
            privateKey = try container.decode(String.self, forKey: .privateKey)
        }

        enum CodingKeys: String, CodingKey, CaseIterable { case certificate, privateKey }
    }

    public struct Limits: Codable, Sendable, Equatable {
        /// Connections served at once; more are closed with BUSY.
        public var maxConnections: Int = 256
        /// Connections that have not logged in yet, at once; a small share of `maxConnections`,
        /// so idle sockets from outside cannot take every slot from the provinces.
        public var maxUnauthenticatedConnections: Int = 32
        /// Seconds a new connection has to finish logging in.
        public var handshakeTimeoutSeconds: Int = 10
        /// Rows per CHANGES page at most, whatever a client asks.
        public var maxPullPage: Int = 5_000
        /// A connection silent this long (authenticated or not) is closed.
        public var idleTimeoutSeconds: Int = 300
        /// Of the connections not logged in yet, those from one peer address at once.
        public var maxUnauthenticatedPerAddress: Int = 16
        /// Memory all connections together may hold in frames being received and decoded (one
        /// frame may always go through alone, however large).
        public var frameMemoryMegabytes: Int = 48
        /// Largest total of one province's attachments' files kept by the server, in megabytes.
        public var attachmentMegabytesPerProvince: Int = 20_480
        public init() {}

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Limits()
            maxConnections = try container.decodeIfPresent(Int.self, forKey: .maxConnections) ?? defaults.maxConnections
            maxUnauthenticatedConnections = try container.decodeIfPresent(Int.self, forKey: .maxUnauthenticatedConnections)
                ?? defaults.maxUnauthenticatedConnections
            handshakeTimeoutSeconds = try container.decodeIfPresent(Int.self, forKey: .handshakeTimeoutSeconds) ?? defaults.handshakeTimeoutSeconds
            maxPullPage = try container.decodeIfPresent(Int.self, forKey: .maxPullPage) ?? defaults.maxPullPage
            idleTimeoutSeconds = try container.decodeIfPresent(Int.self, forKey: .idleTimeoutSeconds) ?? defaults.idleTimeoutSeconds
            maxUnauthenticatedPerAddress = try container.decodeIfPresent(Int.self, forKey: .maxUnauthenticatedPerAddress)
                ?? defaults.maxUnauthenticatedPerAddress
            frameMemoryMegabytes = try container.decodeIfPresent(Int.self, forKey: .frameMemoryMegabytes) ?? defaults.frameMemoryMegabytes
            attachmentMegabytesPerProvince = try container.decodeIfPresent(Int.self, forKey: .attachmentMegabytesPerProvince)
                ?? defaults.attachmentMegabytesPerProvince
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case maxConnections, maxUnauthenticatedConnections, maxUnauthenticatedPerAddress, handshakeTimeoutSeconds,
                 maxPullPage, idleTimeoutSeconds, frameMemoryMegabytes, attachmentMegabytesPerProvince
        }
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
        /// The address partners and phones reach this server at, e.g.
        /// `https://ocop.example.gov.vn` (a TLS proxy in front): feeds link product pages and
        /// photos there. Default: `http://HOST:PORT` as it listens.
        public var publicURL: String?

        public init() {}

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = HTTP()
            host = try container.decodeIfPresent(String.self, forKey: .host) ?? defaults.host
            port = try container.decodeIfPresent(Int.self, forKey: .port) ?? defaults.port
            dashboardDirectory = try container.decodeIfPresent(String.self, forKey: .dashboardDirectory)
            feedSigningKey = try container.decodeIfPresent(String.self, forKey: .feedSigningKey)
            feedCacheMegabytes = try container.decodeIfPresent(Int.self, forKey: .feedCacheMegabytes) ?? defaults.feedCacheMegabytes
            publicURL = try container.decodeIfPresent(String.self, forKey: .publicURL)
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case host, port, dashboardDirectory, feedSigningKey, feedCacheMegabytes, publicURL
        }
    }

    /// Where attachments' files are kept: `STORE.files` beside a SQLite store (where
    /// `ocop attach --replica STORE` puts them too), `DATA/files` for a PostgreSQL store (every
    /// daemon over the database must see the same directory).
    public var attachmentFilesPath: String {
        store == nil ? databasePath + ".files" : (dataDirectory as NSString).appendingPathComponent("files")
    }

    /// Where clients connect. Loopback by default; use TLS for links that leave the building.
    public var listen = Endpoint(host: "127.0.0.1", port: 7468)
    /// Where Prometheus scrapes `/metrics` (loopback by default); nil turns metrics off.
    public var metrics: Endpoint? = Endpoint(host: "127.0.0.1", port: 9468)
    /// Holds the national dataset (`national.sqlite`, unless ``store`` names another) and the
    /// server's secret for fake salts.
    public var dataDirectory = "./ocop-data"
    /// The national dataset on PostgreSQL (`postgres://USER@HOST:PORT/DATABASE?sslmode=…`);
    /// nil keeps it in SQLite in ``dataDirectory``. Never holds a password.
    public var store: String?
    /// A file holding the PostgreSQL password (else `PGPASSWORD`).
    public var storePasswordFile: String?
    /// A streaming standby of ``store`` that serves the HTTP API's reads, reports and feeds, so
    /// heavy reading stays off the primary that merges (same user and password).
    public var storeStandby: String?
    public var tls: TLS?
    /// The HTTP API, dashboard and feeds; nil (the default) leaves them off.
    public var http: HTTP?
    public var limits = Limits()
    /// trace, debug, info, notice, warning, error or critical.
    public var logLevel = "info"

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable { case listen, metrics, dataDirectory, store, storePasswordFile, storeStandby, tls, http, limits, logLevel }

    /// Where the feed signing key is read from (and created, if it is the default and missing).
    public var feedSigningKeyPath: String {
        http?.feedSigningKey ?? URL(fileURLWithPath: dataDirectory).appendingPathComponent("feed-signing-key.pem").path
    }

    public var databasePath: String { URL(fileURLWithPath: dataDirectory).appendingPathComponent("national.sqlite").path }

    /// Reads a configuration file; fields it leaves out keep their defaults. Anything else in
    /// it (an unknown key, a wrong type, a value out of range) is a ``ConfigurationError``
    /// naming the file and the JSON path, e.g.
    /// `syncd.json: unknown key "datadirectory" (did you mean "dataDirectory"?)`.
    public static func load(path: String) throws -> ServerConfiguration {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigurationError(message: "\(path): cannot read the configuration file: \(error.localizedDescription)")
        }
        let configuration: ServerConfiguration
        do {
            configuration = try JSONDecoder().decode(ServerConfiguration.self, from: data)
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty, context.underlyingError == nil {
                // Foundation on Linux says only "not valid JSON": find where, for the operator.
                throw ConfigurationError(message: "\(path): \(Self.locateSyntaxProblem(in: data))")
            }
            throw ConfigurationError(message: "\(path): \(Self.describe(error))")
        } catch let error as UnknownKeyError {
            throw ConfigurationError(message: "\(path): \(error)")
        } catch {
            throw ConfigurationError(message: "\(path): \(error)")
        }
        if let problem = configuration.problems.first { throw ConfigurationError(message: "\(path): \(problem)") }
        return configuration
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ServerConfiguration()
        listen = try container.decodeIfPresent(Endpoint.self, forKey: .listen) ?? defaults.listen
        // `"metrics": null` turns metrics off; leaving the key out keeps the default.
        metrics = container.contains(.metrics) ? try container.decodeIfPresent(Endpoint.self, forKey: .metrics) : defaults.metrics
        dataDirectory = try container.decodeIfPresent(String.self, forKey: .dataDirectory) ?? defaults.dataDirectory
        store = try container.decodeIfPresent(String.self, forKey: .store)
        storePasswordFile = try container.decodeIfPresent(String.self, forKey: .storePasswordFile)
        storeStandby = try container.decodeIfPresent(String.self, forKey: .storeStandby)
        tls = try container.decodeIfPresent(TLS.self, forKey: .tls)
        http = try container.decodeIfPresent(HTTP.self, forKey: .http)
        limits = try container.decodeIfPresent(Limits.self, forKey: .limits) ?? defaults.limits
        logLevel = try container.decodeIfPresent(String.self, forKey: .logLevel) ?? defaults.logLevel
    }

    /// Where a document that does not decode goes wrong: a syntax error's line and column, or
    /// the path of a number that is not whole (every number in the configuration is).
    static func locateSyntaxProblem(in data: Data) -> String {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data)
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            guard let offset = detail.split(separator: " ").last.flatMap({ Int($0.trimmingCharacters(in: CharacterSet(charactersIn: "."))) }) else {
                return "not valid JSON: \(detail)"
            }
            let before = data.prefix(offset)
            let line = before.filter { $0 == UInt8(ascii: "\n") }.count + 1
            let column = offset - (before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0) + 1
            return "not valid JSON at line \(line), column \(column) (a missing comma or quote, or a stray character)"
        }
        func fractional(_ value: Any, _ path: String) -> String? {
            if let object = value as? [String: Any] {
                return object.keys.sorted().lazy.compactMap { fractional(object[$0]!, path.isEmpty ? $0 : "\(path).\($0)") }.first
            }
            if let number = value as? NSNumber, !(number is Bool), number.doubleValue.rounded() != number.doubleValue {
                return "\(path): expected a whole number, got \(number)"
            }
            return nil
        }
        return fractional(parsed, "") ?? "a value does not have the type its setting needs"
    }

    /// A decoding error in an operator's words: the JSON path, then what is wrong there.
    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case let .dataCorrupted(context):
            let detail = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            let where_ = path(context.codingPath)
            return (where_.isEmpty ? "" : where_ + ": ") + (detail.map { "not valid JSON: \($0)" } ?? context.debugDescription)
        case let .keyNotFound(key, context):
            return "\(path(context.codingPath + [key])): missing (required in this section)"
        case let .typeMismatch(type, context), let .valueNotFound(type, context):
            let where_ = path(context.codingPath)
            return (where_.isEmpty ? "the document" : where_) + ": expected \(Self.jsonTypeName(type))"
        @unknown default:
            return "\(error)"
        }
    }

    private static func jsonTypeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: "a whole number"
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        default: "an object"
        }
    }
}

/// A configuration (file, flag or setting) the daemon cannot run with; the message names
/// where the problem is and what is wrong.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
    public init(message: String) { self.message = message }
}
