import Foundation
import Logging
import NIOConcurrencyHelpers
import OCOPNetwork
import OCOPReplica
import OCOPStore
import OCOPSync
import Testing

/// A national store whose account lookups fail while `away` is set, as a database that is
/// restarting does; everything else is the real SQLite store.
private final class StoreAway: NationalStore, Sendable {
    let store: SQLiteNationalStore
    let away = NIOLockedValueBox(false)
    init(_ store: SQLiteNationalStore) { self.store = store }

    struct Unavailable: Error, CustomStringConvertible { var description: String { "the database is restarting" } }

    func account(user: String) async throws -> Account? {
        if away.withLockedValue({ $0 }) { throw Unavailable() }
        return try await store.account(user: user)
    }
    func openSession(replica: ReplicaID, account: Account) async throws -> SessionState { try await store.openSession(replica: replica, account: account) }
    func push(_ batch: PushBatch, from principal: Principal) async throws -> PushResult { try await store.push(batch, from: principal) }
    func pull(after cursor: UInt64, limit: Int, for principal: Principal) async throws -> PullResult { try await store.pull(after: cursor, limit: limit, for: principal) }
    func readAhead(after cursor: UInt64, limit: Int, for principal: Principal) async throws -> PullResult { try await store.readAhead(after: cursor, limit: limit, for: principal) }
    func pull(after cursor: UInt64, servingReadAhead page: PullResult, for principal: Principal) async throws -> PullResult {
        try await store.pull(after: cursor, servingReadAhead: page, for: principal)
    }
}

@Suite("Daemon: a store that is away answers BUSY, never a dropped line")
struct StoreAwaySessionTests {
    @Test("an account lookup failing at login or before a request is BUSY, and the next sync goes through")
    func accountLookupFailureIsBusy() async throws {
        let sqlite = try SQLiteNationalStore.open(at: ":memory:")
        let secret = "secret-store-away-0123456789"
        let tenant = try await sqlite.addProvince(code: "01", name: "Hà Nội", verifier: ScramVerifier.make(secret: secret))
        let store = StoreAway(sqlite)
        var configuration = ServerConfiguration()
        configuration.listen = .init(host: "127.0.0.1", port: 0)
        // In a full run on two cores the session's tasks can wait minutes for a thread; the
        // default 10 s handshake deadline would end the login for the wrong reason.
        configuration.limits.handshakeTimeoutSeconds = 600
        let server = SyncServer(configuration: configuration, store: store, fakeSaltKey: Array(repeating: 1, count: 32), logger: Logger(label: "test"))
        let listener = try await server.bind()
        let serving = Task { try await server.serve(listener) }
        defer { serving.cancel() }
        let replica = try Replica.create(at: ":memory:", role: .province, tenantID: tenant)
        var client = SyncClientConfiguration(host: "127.0.0.1", port: try #require(listener.localAddress.port),
                                             user: tenant.uuidString.lowercased(), secret: secret)
        client.busyRetries = 1
        // A full run on two cores can keep this client's tasks from a thread for minutes.
        client.responseTimeoutSeconds = 900

        store.away.withLockedValue { $0 = true }
        await #expect { _ = try await SyncClient.sync(replica, configuration: client, logger: Logger(label: "test")) } throws: { error in
            (error as? SyncClientError)?.serverWasBusy == true
        }
        store.away.withLockedValue { $0 = false }
        let summary = try await SyncClient.sync(replica, configuration: client, logger: Logger(label: "test"))
        #expect(summary.report.changesPulled > 0, "the province's own tenant row arrives once the store is back")
    }
}
