import Foundation
import OCOPPostgres
import Testing

/// The PostgreSQL server the tests use: `.ci/start-postgres` starts a throwaway one and says
/// where (`OCOP_TEST_POSTGRES`). Outside CI, without one, the PostgreSQL tests are left out and
/// ``skipNotice`` says so; in CI (`CI` set) a missing server fails the run instead.
public enum TestPostgres {
    public static let server: PostgresStoreConfiguration? = {
        guard let url = ProcessInfo.processInfo.environment["OCOP_TEST_POSTGRES"], !url.isEmpty else { return nil }
        return try? PostgresStoreConfiguration(url: url)
    }()

    /// A streaming standby of ``server`` (`OCOP_TEST_POSTGRES_STANDBY`), if one was started.
    public static let standby: PostgresStoreConfiguration? = {
        guard let url = ProcessInfo.processInfo.environment["OCOP_TEST_POSTGRES_STANDBY"], !url.isEmpty else { return nil }
        return try? PostgresStoreConfiguration(url: url)
    }()

    /// The file holding the test server's password (as production gives it to daemons).
    public static var passwordFile: String? { ProcessInfo.processInfo.environment["OCOP_STORE_PASSWORD_FILE"] }

    public static var skipNotice: String {
        "PostgreSQL tests skipped: no server (run `eval \"$(.ci/start-postgres)\"` first to run them)"
    }

    /// A store in a new, empty database of its own.
    public static func newStore() async throws -> PostgresNationalStore {
        try await PostgresNationalStore.open(try await newDatabase())
    }

    /// A new, empty database: open it several times for several daemons over one dataset.
    public static func newDatabase() async throws -> PostgresStoreConfiguration {
        let server = try #require(server)
        let name = "ocop_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await PostgresNationalStore.createDatabase(name, using: server)
        return server.database(name)
    }
}
