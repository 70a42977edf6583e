import Foundation
import Logging
import NIOConcurrencyHelpers
import OCOPModel
import OCOPReplica
import OCOPStore
import OCOPSync
import PostgresNIO

/// The national dataset on PostgreSQL: the same store protocols as ``SQLiteNationalStore``, for
/// a central office that runs several daemons over one database.
///
/// Merge and validation rules are the sync engine's (`Merge`, `ChangePolicy`, the model's
/// validation), so a push merges exactly as on SQLite. What PostgreSQL adds is concurrency:
///
/// - every push locks the rows it touches (transaction-scoped advisory locks, taken in key order
///   so two pushes never deadlock) before reading them, so concurrent pushes of the same row from
///   different daemons merge one after the other and no update is lost;
/// - feed positions are numbered under one row lock held to commit (`_sync_feed`), so positions
///   become visible in order and a puller never skips a change that commits late;
/// - serialization failures and deadlocks are retried; a database that is away fails the push,
///   which the province sends again (nothing is ever refused for it).
public final class PostgresNationalStore: Sendable {
    let client: PostgresClient
    /// A streaming standby that reads for people and partners (reports, lookups, feeds) go to,
    /// so heavy reading stays off the primary that merges; nil reads from the primary.
    let standby: PostgresClient?
    private let runner: Task<Void, Never>
    let logger: Logger
    let configuration: PostgresStoreConfiguration
    /// Table numbering and shape checks (the same as every replica's).
    let storage = SyncStorage(feed: nil)
    let policy = ChangePolicy()
    /// The replica id the store's own writes (central-office decisions) are stamped with.
    let storeReplica: ReplicaID
    /// Replica numbering used in row metadata; numbers are permanent once committed, so every
    /// daemon may cache them (see ``directory(including:_:)``).
    let numbering = NIOLockedValueBox([ReplicaID: UInt64]())
    /// Ends statements whose connection the server closed (see ``PostgresConnectionWatch``).
    let watch = PostgresConnectionWatch()

    private init(
        client: PostgresClient, standby: PostgresClient?, runner: Task<Void, Never>, logger: Logger,
        configuration: PostgresStoreConfiguration, storeReplica: ReplicaID
    ) {
        self.client = client
        self.standby = standby
        self.runner = runner
        self.logger = logger
        self.configuration = configuration
        self.storeReplica = storeReplica
    }

    /// Connects to the database `configuration` names, creating or upgrading the layout (several
    /// daemons starting at once take turns), and checks that it answers.
    ///
    /// An unreachable server or a refused login is a ``PostgresStoreError/unreachable(_:)`` that
    /// names the host and what to check.
    ///
    /// - Parameter standby: a read-only streaming standby of the same database for the central
    ///   office's reads (``NationalReads``); pushes, pulls and administration stay on the primary.
    public static func open(
        _ configuration: PostgresStoreConfiguration, standby standbyConfiguration: PostgresStoreConfiguration? = nil,
        logger: Logger = Logger(label: "ocop.store")
    ) async throws -> PostgresNationalStore {
        // One connection first, so a wrong password or a missing database is said at once.
        try await probe(configuration, logger: logger)
        if let standbyConfiguration { try await probe(standbyConfiguration, waitingForReplay: true, logger: logger) }
        let client = PostgresClient(configuration: try configuration.clientConfiguration(), backgroundLogger: Logger(label: "ocop.store.postgres"))
        let standby = try standbyConfiguration.map {
            PostgresClient(configuration: try $0.clientConfiguration(), backgroundLogger: Logger(label: "ocop.store.postgres.standby"))
        }
        let runner = Task {
            await withDiscardingTaskGroup { group in
                group.addTask { await client.run() }
                if let standby { group.addTask { await standby.run() } }
            }
        }
        // Let the pool start before the first query asks it for a connection.
        for _ in 0..<3 { await Task.yield() }
        do {
            try await migrate(client, logger: logger)
            let replica = try await storeIdentity(client, logger: logger)
            let store = PostgresNationalStore(
                client: client, standby: standby, runner: runner, logger: logger, configuration: configuration, storeReplica: replica
            )
            try await store.reloadNumbering()
            if let standby, let standbyConfiguration {
                // A new store's tables reach the standby a moment after they were made.
                var attempt = 0
                while true {
                    do {
                        try await standby.query("SELECT 1 FROM _sync_feed", logger: logger)
                        break
                    } catch let error as PSQLError where attempt < 40 && ["42P01", "3D000"].contains(PostgresFailure.sqlState(error) ?? "") {
                        attempt += 1
                        try await Task.sleep(for: .milliseconds(250))
                    } catch {
                        throw unreachable(error, standbyConfiguration)
                    }
                }
            }
            return store
        } catch {
            runner.cancel()
            _ = await runner.value
            throw unreachable(error, configuration)
        }
    }

    /// Connects once and closes: the pool would retry a refused login for ever, while an
    /// operator wants the reason at once. A standby (`waitingForReplay`) is given a few seconds
    /// to replay a database that was just created on its primary.
    private static func probe(_ settings: PostgresStoreConfiguration, waitingForReplay: Bool = false, logger: Logger) async throws {
        var attempt = 0
        while true {
            do {
                let connection = try await PostgresConnection.connect(configuration: try settings.connectionConfiguration(), id: 0, logger: logger)
                try await connection.close()
                return
            } catch let error as PSQLError where waitingForReplay && attempt < 40 && PostgresFailure.sqlState(error) == "3D000" {
                attempt += 1
                try await Task.sleep(for: .milliseconds(250))
            } catch {
                throw unreachable(error, settings)
            }
        }
    }

    /// Closes every connection; the store cannot be used afterwards.
    public func close() async {
        runner.cancel()
        _ = await runner.value
    }

    deinit { runner.cancel() }

    private static func unreachable(_ error: any Error, _ configuration: PostgresStoreConfiguration) -> any Error {
        if error is PostgresStoreError || error is StoreError { return error }
        let reason = PostgresFailure.describe(error)
        let hint: String
        if let error = error as? PSQLError, let state = PostgresFailure.sqlState(error) {
            switch state {
            case "28P01", "28000": hint = "check the user name and the password (file or PGPASSWORD)"
            case "3D000": hint = "create the database first (see ops/RUNBOOK.md, PostgreSQL)"
            case "42501": hint = "the role needs CREATE on the database the first time, to make the tables"
            default: hint = "check the server's log"
            }
        } else if let error = error as? PSQLError, error.code == .authMechanismRequiresPassword {
            hint = "give the password in a file (storePasswordFile, --store-password-file) or PGPASSWORD"
        } else {
            hint = "check that PostgreSQL runs there and accepts TCP connections (listen_addresses, pg_hba.conf, firewall)"
        }
        return PostgresStoreError.unreachable("cannot use the national store at \(configuration): \(reason); \(hint)")
    }

    // MARK: Layout

    private static func migrate(_ client: PostgresClient, logger: Logger) async throws {
        try await client.query("CREATE TABLE IF NOT EXISTS _ocop_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())", logger: logger)
        for migration in PostgresSchema.migrations {
            try await client.withTransaction(logger: logger) { connection in
                // Daemons starting together: one migrates, the others wait and then find it done.
                try await connection.query(PostgresQuery(sql: "SELECT pg_advisory_xact_lock(\(PostgresSchema.migrationLock))"), logger: logger)
                var bindings = PostgresBindings()
                bindings.append(migration.name)
                let done = try await connection.query(PostgresQuery(sql: "SELECT 1 FROM _ocop_migrations WHERE name = $1", bindings), logger: logger).collect()
                guard done.isEmpty else { return }
                for statement in migration.statements { try await connection.query(PostgresQuery(sql: statement), logger: logger) }
                try await connection.query(PostgresQuery(sql: "INSERT INTO _ocop_migrations(name) VALUES ($1)", bindings), logger: logger)
                logger.notice("store layout migration applied", metadata: ["migration": "\(migration.name)"])
            }
        }
    }

    private static func storeIdentity(_ client: PostgresClient, logger: Logger) async throws -> ReplicaID {
        var bindings = PostgresBindings()
        bindings.append(ByteBuffer(bytes: ReplicaID(uuid: UUID()).bytes))
        try await client.query(PostgresQuery(sql: "INSERT INTO _store(key, value) VALUES ('replica', $1) ON CONFLICT (key) DO NOTHING", bindings), logger: logger)
        let rows = try await client.query("SELECT value FROM _store WHERE key = 'replica'", logger: logger).collect()
        guard let bytes = try rows.first.flatMap({ try PostgresValues.bytes($0.makeRandomAccess()[0]) }), let id = ReplicaID(bytes: bytes) else {
            throw StoreError(.storage, "the store's identity (_store.replica) is unreadable")
        }
        return id
    }

    // MARK: Transactions

    /// Runs `body` in one transaction on one connection, retrying it a few times when PostgreSQL
    /// reports a serialization failure or a deadlock. Other errors are thrown: a database that is
    /// away fails the caller's request, which is retried later (a push is answered BUSY).
    ///
    /// A read-only transaction goes to the standby when there is one, unless `onPrimary` (a
    /// pull's page must not be older than the cursor the replica already holds).
    func transaction<T: Sendable>(readOnly: Bool = false, onPrimary: Bool = false, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        let target = readOnly && !onPrimary ? standby ?? client : client
        var attempt = 0
        while true {
            do {
                return try await target.withConnection { connection in
                    try await rows(connection, readOnly ? "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY" : "BEGIN")
                    let value: T
                    do {
                        value = try await body(connection)
                    } catch {
                        // The connection may be gone already; the transaction then ended with it.
                        _ = try? await rows(connection, "ROLLBACK")
                        throw error
                    }
                    try await rows(connection, "COMMIT")
                    return value
                }
            } catch where attempt < 5 && PostgresFailure.isRetryableNow(error) {
                attempt += 1
                try await Task.sleep(for: .milliseconds(5 << attempt))
            }
        }
    }

    /// Runs one statement and returns its rows.
    @discardableResult
    func rows(_ connection: PostgresConnection, _ sql: String, _ bindings: PostgresBindings = PostgresBindings()) async throws -> [PostgresRow] {
        let logger = self.logger
        return try await watch.run(on: connection) {
            try await connection.query(PostgresQuery(sql: sql, bindings), logger: logger).collect()
        }
    }

    /// Runs one statement on a connection of the primary's pool, outside any transaction.
    @discardableResult
    func statement(_ sql: String, _ bindings: PostgresBindings = PostgresBindings()) async throws -> [PostgresRow] {
        try await client.withConnection { connection in try await rows(connection, sql, bindings) }
    }

    // MARK: Replica numbering

    func reloadNumbering() async throws {
        let rows = try await client.query("SELECT idx, id FROM _sync_replicas", logger: logger).collect()
        var loaded: [ReplicaID: UInt64] = [:]
        for row in rows {
            let cells = row.makeRandomAccess()
            if let bytes = try PostgresValues.bytes(cells[1]), let id = ReplicaID(bytes: bytes) {
                loaded[id] = UInt64(try cells[0].decode(Int64.self))
            }
        }
        numbering.withLockedValue { $0.merge(loaded) { $1 } }
    }

    /// A directory for encoding and decoding row metadata inside a transaction, with `ids`
    /// numbered first (new numbers are made in the transaction and become visible with it).
    func directory(including ids: Set<ReplicaID>, _ connection: PostgresConnection) async throws -> ReplicaDirectory {
        let known = numbering.withLockedValue { $0 }
        let missing = ids.filter { known[$0] == nil }
        var entries = known
        if !missing.isEmpty {
            var bindings = PostgresBindings()
            bindings.append(missing.map { ByteBuffer(bytes: $0.bytes) })
            try await rows(connection, "INSERT INTO _sync_replicas(id) SELECT unnest($1::bytea[]) ON CONFLICT (id) DO NOTHING", bindings)
            for row in try await rows(connection, "SELECT idx, id FROM _sync_replicas WHERE id = ANY($1::bytea[])", bindings) {
                let cells = row.makeRandomAccess()
                if let bytes = try PostgresValues.bytes(cells[1]), let id = ReplicaID(bytes: bytes) {
                    entries[id] = UInt64(try cells[0].decode(Int64.self))
                }
            }
        }
        return ReplicaDirectory(entries: entries.map { (index: $0.value, replica: $0.key) })
    }

    /// Remembers numbers a committed transaction used (never before commit: a rolled-back
    /// number must not be cached).
    func remember(_ directory: ReplicaDirectory) {
        numbering.withLockedValue { cache in
            for entry in directory.entries where cache[entry.replica] == nil { cache[entry.replica] = entry.index }
        }
    }

    static func now() -> String { ISO8601DateFormatter().string(from: Date()) }
}

extension PostgresNationalStore {
    /// Creates an empty database `name` on the server `admin` connects to (tests make one per
    /// store; an operator creates the production database with `createdb`).
    package static func createDatabase(_ name: String, using admin: PostgresStoreConfiguration, logger: Logger = Logger(label: "ocop.store")) async throws {
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw StoreError(.invalidArgument, "database name '\(name)' must be letters, digits and _")
        }
        let client = PostgresClient(configuration: try admin.clientConfiguration(), backgroundLogger: logger)
        let runner = Task { await client.run() }
        defer { runner.cancel() }
        try await client.query(PostgresQuery(sql: "CREATE DATABASE \"\(name)\" ENCODING 'UTF8' TEMPLATE template0"), logger: logger)
    }
}

/// How far a streaming standby is behind its primary.
public struct StandbyLag: Sendable, Equatable {
    /// Seconds since the last transaction the standby replayed committed on the primary; 0
    /// when it has replayed everything.
    public var seconds: Double
    /// Change-feed positions committed on the primary that the standby does not show yet.
    public var feedPositions: Int64

    public init(seconds: Double, feedPositions: Int64) {
        self.seconds = seconds
        self.feedPositions = feedPositions
    }
}

extension PostgresNationalStore {
    /// How far the standby that serves reads is behind, or nil without one. Measured as what a
    /// reader sees: the feed position on each side, and the standby's replay delay (zero when
    /// the positions agree, since an idle primary sends nothing new to replay).
    /// Whether reads go to a standby.
    public var hasStandby: Bool { standby != nil }

    public func standbyLag() async throws -> StandbyLag? {
        guard let standby else { return nil }
        let primaryPosition = try await client.query("SELECT position FROM _sync_feed WHERE id = 1", logger: logger).collect()[0]
            .makeRandomAccess()[0].decode(Int64.self)
        let row = try await standby.query("""
            SELECT (SELECT position FROM _sync_feed WHERE id = 1),
                   coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0)::double precision
            """, logger: logger).collect()[0].makeRandomAccess()
        let standbyPosition = try row[0].decode(Int64.self)
        let behind = max(primaryPosition - standbyPosition, 0)
        return StandbyLag(seconds: behind == 0 ? 0 : max(try row[1].decode(Double.self), 0), feedPositions: behind)
    }
}
