import Foundation
import NIOSSL
import PostgresNIO

/// Where the national dataset lives on PostgreSQL, from a connection URL such as
/// `postgres://ocop@db.example.vn:5432/ocop?sslmode=verify-full`.
///
/// The password is never part of the URL (it would show in `ps`, shell history and logs): it
/// comes from a file (`passwordFile`, or the `OCOP_STORE_PASSWORD_FILE` environment variable) or
/// from `PGPASSWORD`, as PostgreSQL's own tools read it.
public struct PostgresStoreConfiguration: Sendable, CustomStringConvertible {
    /// How the connection is protected, as libpq's `sslmode` names it.
    public enum TLSMode: String, Sendable {
        /// Plain TCP (loopback, or a private network the operator trusts).
        case disable
        /// TLS if the server offers it, without checking its certificate.
        case prefer
        /// TLS, without checking the certificate.
        case require
        /// TLS with the server's certificate checked against the trusted roots and its name.
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    public var tls: TLSMode
    /// A PEM file of the certificate authority that signed the server's certificate
    /// (`sslrootcert`); the system's roots when nil.
    public var rootCertificatePath: String?
    var password: String?
    /// At most this many connections per daemon.
    public var maximumConnections: Int

    /// The URL without any secret, for logs and errors.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    /// Parses `url`; the password is read from `passwordFile` if given, else from the file named by
    /// `OCOP_STORE_PASSWORD_FILE`, else from `PGPASSWORD`.
    public init(url: String, passwordFile: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme,
              scheme == "postgres" || scheme == "postgresql" else {
            throw PostgresStoreError.configuration("'\(Self.redacted(url))' is not a PostgreSQL URL: write postgres://USER@HOST:PORT/DATABASE")
        }
        if components.password != nil {
            throw PostgresStoreError.configuration(
                "the store URL must not carry a password (it would show in process lists and logs): put it in a file and give --store-password-file, or set PGPASSWORD"
            )
        }
        guard let host = components.host, !host.isEmpty else {
            throw PostgresStoreError.configuration("the store URL \(Self.redacted(url)) names no host")
        }
        self.host = host
        port = components.port ?? 5432
        user = components.user ?? environment["PGUSER"] ?? "ocop"
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? user : path
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        let mode = query["sslmode"] ?? (host == "127.0.0.1" || host == "localhost" || host == "::1" ? "disable" : "verify-full")
        guard let tls = TLSMode(rawValue: mode) else {
            throw PostgresStoreError.configuration("sslmode '\(mode)' is not one of disable, prefer, require, verify-full")
        }
        self.tls = tls
        rootCertificatePath = query["sslrootcert"]
        maximumConnections = Int(query["pool_max"] ?? "") ?? 16
        if let file = passwordFile ?? environment["OCOP_STORE_PASSWORD_FILE"] {
            do {
                password = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .newlines)
            } catch {
                throw PostgresStoreError.configuration("cannot read the database password file \(file): \(error.localizedDescription)")
            }
        } else {
            password = environment["PGPASSWORD"]
        }
    }

    /// Whether `text` names a PostgreSQL store rather than a file.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// This configuration pointed at another database of the same server (tests make one each).
    public func database(_ name: String) -> PostgresStoreConfiguration {
        var copy = self
        copy.database = name
        return copy
    }

    package func clientConfiguration() throws -> PostgresClient.Configuration {
        let tlsSetting: PostgresClient.Configuration.TLS
        switch (tls, try tlsConfiguration()) {
        case (.disable, _), (_, nil): tlsSetting = .disable
        case (.prefer, let settings?): tlsSetting = .prefer(settings)
        case (_, let settings?): tlsSetting = .require(settings)
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tlsSetting
        )
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// One connection's settings, for the probe a store makes before it starts its pool: the pool
    /// retries a refused login for ever, while an operator wants the reason at once.
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tlsSetting: PostgresConnection.Configuration.TLS
        switch (tls, try tlsConfiguration()) {
        case (.disable, _), (_, nil): tlsSetting = .disable
        case (.prefer, let settings?): tlsSetting = .prefer(try NIOSSLContext(configuration: settings))
        case (_, let settings?): tlsSetting = .require(try NIOSSLContext(configuration: settings))
        }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tlsSetting
        )
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// The TLS settings `sslmode` asks for; nil for `disable`.
    private func tlsConfiguration() throws -> TLSConfiguration? {
        var settings = TLSConfiguration.makeClientConfiguration()
        switch tls {
        case .disable:
            return nil
        case .prefer, .require:
            settings.certificateVerification = .none
        case .verifyFull:
            settings.certificateVerification = .fullVerification
            if let rootCertificatePath { settings.trustRoots = .file(rootCertificatePath) }
        }
        return settings
    }

    private static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "…"
        return components.string ?? "the URL"
    }
}
