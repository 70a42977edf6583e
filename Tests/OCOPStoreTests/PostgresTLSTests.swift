import Foundation
import OCOPPostgres
import OCOPStore
import OCOPTestSupport
import Testing

/// TLS to the database: `.ci/start-postgres` gives the test server a certificate for 127.0.0.1
/// (`OCOP_TEST_POSTGRES_CA`), so the store can check it as production does with `verify-full`.
@Suite("PostgreSQL: TLS to the database",
       .enabled(if: TestPostgres.server != nil && ProcessInfo.processInfo.environment["OCOP_TEST_POSTGRES_CA"] != nil,
                "needs OCOP_TEST_POSTGRES and OCOP_TEST_POSTGRES_CA (.ci/start-postgres)"))
struct PostgresTLSTests {
    static let authority = ProcessInfo.processInfo.environment["OCOP_TEST_POSTGRES_CA"] ?? ""

    static func url(_ database: PostgresStoreConfiguration, _ query: String) -> String {
        "postgres://\(database.user)@\(database.host):\(database.port)/\(database.database)?\(query)"
    }

    @Test("verify-full with the server's authority connects over TLS; without it the certificate is refused, named")
    func verifiedConnection() async throws {
        let database = try await TestPostgres.newDatabase()
        let verified = try PostgresStoreConfiguration(url: Self.url(database, "sslmode=verify-full&sslrootcert=\(Self.authority)"))
        let store = try await PostgresNationalStore.open(verified)
        let encrypted = try await store.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        #expect(encrypted.rows == [[.integer(1)]], "the connection is not encrypted: \(encrypted.rows)")
        await store.close()

        // The system's roots do not know the test authority: the start stops, naming the server.
        let unverified = try PostgresStoreConfiguration(url: Self.url(database, "sslmode=verify-full"))
        await #expect {
            _ = try await PostgresNationalStore.open(unverified)
        } throws: { error in
            "\(error)".contains("cannot use the national store at postgres://\(database.user)@127.0.0.1:\(database.port)/\(database.database)")
        }

        // require: encrypted, certificate not checked.
        let required = try await PostgresNationalStore.open(try PostgresStoreConfiguration(url: Self.url(database, "sslmode=require")))
        #expect(try await required.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").rows == [[.integer(1)]])
        await required.close()
    }

    @Test("an sslmode PostgreSQL does not know is refused before anything connects")
    func unknownMode() throws {
        #expect(throws: PostgresStoreError.self) { try PostgresStoreConfiguration(url: "postgres://ocop@db.example.vn/ocop?sslmode=allow-anything") }
        #expect(try PostgresStoreConfiguration(url: "postgres://ocop@db.example.vn/ocop").tls == .verifyFull, "off loopback, certificates are checked unless told otherwise")
        #expect(try PostgresStoreConfiguration(url: "postgres://ocop@127.0.0.1/ocop").tls == .disable)
    }
}
