import Foundation
import GRDB
import Logging
import OCOPModel
import OCOPReplica
import OCOPSync

/// The national dataset in one SQLite file (WAL, synchronous FULL): the embedded default.
///
/// The store is a central-office ``Replica`` that numbers every change in a feed, plus the
/// server's own tables: accounts (SCRAM verifiers, never secrets) and per-replica cursors.
/// Because it is a replica, central-office writes made on it (with `ocop` or plain SQL) are
/// captured and flow to the provinces like any other change.
public final class SQLiteNationalStore: NationalStore, Sendable {
    package let replica: Replica
    let policy = ChangePolicy()
    let logger: Logger
    /// The reads of reports, lookups, feeds and trace pages: made once, since it carries the
    /// synced tables' layout, built from the schema.
    let reader: SQLiteNationalReader

    static let serverTables = [
        """
        CREATE TABLE IF NOT EXISTS _server_accounts (
          user TEXT PRIMARY KEY NOT NULL, role TEXT NOT NULL, tenant_id BLOB,
          salt BLOB NOT NULL, iterations INTEGER NOT NULL, stored_key BLOB NOT NULL, server_key BLOB NOT NULL,
          enabled INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)
        """,
        """
        CREATE TABLE IF NOT EXISTS _server_replicas (
          replica BLOB PRIMARY KEY NOT NULL, user TEXT NOT NULL,
          acknowledged INTEGER NOT NULL DEFAULT 0, pulled INTEGER NOT NULL DEFAULT 0,
          first_seen_at TEXT NOT NULL, last_push_at TEXT, last_pull_at TEXT,
          changes_merged INTEGER NOT NULL DEFAULT 0, conflicts INTEGER NOT NULL DEFAULT 0, refused INTEGER NOT NULL DEFAULT 0)
        """,
        // Server-wide positions, e.g. how far tombstones were collected (feeds refuse older cursors).
        "CREATE TABLE IF NOT EXISTS _server_state (key TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL)",
        // Per replica, the feed position its last pull page was served through. `pulled` in
        // _server_replicas only moves when the replica asks for the next page (so gc never
        // outruns what it committed) and so trails by one page; reports of how far a province
        // is behind use this instead.
        "CREATE TABLE IF NOT EXISTS _server_pull_served (replica BLOB PRIMARY KEY NOT NULL, served_through INTEGER NOT NULL)",
        // Bearer tokens of the central office's HTTP API: only a SHA-256 of each secret is kept.
        """
        CREATE TABLE IF NOT EXISTS _api_tokens (
          id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL, scope TEXT NOT NULL, secret_sha256 BLOB NOT NULL,
          created_at TEXT NOT NULL, revoked_at TEXT)
        """,
    ]

    private init(replica: Replica, logger: Logger) throws {
        self.replica = replica
        self.logger = logger
        reader = SQLiteNationalReader(database: replica.database)
        try replica.write { db in
            for statement in Self.serverTables { try db.execute(sql: statement) }
        }
    }

    /// Opens the store at `path`, creating it on first use.
    public static func open(at path: String, logger: Logger = Logger(label: "ocop.store")) throws -> SQLiteNationalStore {
        let replica: Replica
        if path == ":memory:" || !FileManager.default.fileExists(atPath: path) {
            replica = try Replica.create(at: path, role: .central, tenantID: nil, feed: NationalChangeFeed())
        } else {
            replica = try Replica.open(at: path, logger: logger, feed: NationalChangeFeed())
            guard replica.storage.keepsFeed else {
                throw StoreError(.invalidArgument, "\(path) is a province replica, not a national store")
            }
        }
        return try SQLiteNationalStore(replica: replica, logger: logger)
    }

    private var storage: SyncStorage { replica.storage }

    private static func now() -> String { ISO8601DateFormatter().string(from: Date()) }

    // MARK: Sessions

    public func account(user: String) throws -> Account? {
        try replica.read { db in
            try Row.fetchOne(db, sql: """
                SELECT a.*, coalesce(t.code, a.user) AS label, t.merged_into FROM _server_accounts a LEFT JOIN tenants t ON t.id = a.tenant_id
                WHERE a.user = ?
                """, arguments: [user]).map(Self.account(from:))
        }
    }

    static func account(from row: Row) -> Account {
        let tenant: Data? = row["tenant_id"]
        let role = AccountRole.parse(row["role"])
        return Account(
            user: row["user"], role: role.role,
            tenantID: tenant.flatMap { ReplicaID(bytes: Array($0))?.uuid },
            verifier: CredentialVerifier(
                salt: Array(row["salt"] as Data), iterations: UInt32(clamping: row["iterations"] as Int64),
                storedKey: Array(row["stored_key"] as Data), serverKey: Array(row["server_key"] as Data)
            ),
            isEnabled: row["enabled"], label: row["label"],
            mergedInto: (row["merged_into"] as Data?).flatMap { ReplicaID(bytes: Array($0))?.uuid }, isInspector: role.isInspector
        )
    }

    public func openSession(replica id: ReplicaID, account: Account) throws -> SessionState {
        try replica.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO _server_replicas(replica, user, first_seen_at) VALUES (?, ?, ?)",
                arguments: [Data(id.bytes), account.user, Self.now()]
            )
            let row = try Row.fetchOne(db, sql: "SELECT user, acknowledged, pulled FROM _server_replicas WHERE replica = ?", arguments: [Data(id.bytes)])!
            guard row["user"] as String == account.user else {
                throw StoreError(.invalidArgument, "replica \(id) is registered to another account")
            }
            return SessionState(
                acknowledgedThrough: UInt64(max(row["acknowledged"] as Int64, 0)), pulledCursor: UInt64(max(row["pulled"] as Int64, 0))
            )
        }
    }

    // MARK: Push

    public func push(_ batch: PushBatch, from principal: Principal) throws -> PushResult {
        try ChangePolicy.checkHeader(batch)
        // Rows this batch creates, so a reference to one that comes later in the batch holds.
        var pending: [String: Set<DatabaseValue>] = [:]
        for change in batch.changes where change.state.existence?.isDeleted != true {
            pending[change.table, default: []].insert(change.key.databaseValue)
        }
        let known = KnownRows(pending: pending)
        return try replica.write { db in
            var directory = try ReplicaDirectory(db)
            try stampCentralWrites(db, directory: &directory)
            // The acknowledgement never moves backwards, whatever lastCounter a client sends.
            let previous = try Int64.fetchOne(db, sql: "SELECT acknowledged FROM _server_replicas WHERE replica = ?", arguments: [Data(principal.replica.bytes)]) ?? 0
            var tally = PushTally(batch, previouslyAcknowledged: UInt64(max(previous, 0)))
            let outcomes = try storage.withApplyingFlag(db) {
                try storage.applyBatch(db, batch.changes, origin: principal.replica, directory: &directory) { index, table, local, outcome in
                    let change = batch.changes[index]
                    try self.policy.check(change, table: table.schema, local: local, merged: outcome.state, principal: principal)
                    // The model's rules judge the row as it will be stored, read as its record:
                    // the same validation every client applies to its own writes.
                    guard outcome.state.isVisible else { return }
                    let values = table.columnNames.map { outcome.state.columns[$0]?.value ?? .null }
                    let problems = try StoredRowValidation.problems(
                        db, table: table, key: change.key.databaseValue, values: values, reference: .standard, known: known
                    )
                    if !problems.isEmpty { throw ChangePolicy.invalidData(change, problems) }
                }
            }
            try tally.count(outcomes, of: batch, storage: storage) { error in
                guard let error = error as? DatabaseError, Self.isDataProblem(error) else { return nil }
                return error.message ?? "\(error)"
            }
            // Conflict records are numbered after the changes in rejections (SPEC §9).
            for (offset, conflict) in batch.conflicts.enumerated() {
                guard let table = tally.admit(conflict, offset: offset, of: batch, storage: storage) else { continue }
                let owner = try tenantValue(db, table, key: conflict.key, directory: directory)
                guard ChangePolicy.canSee(table: table.schema, tenantValue: owner, principal: principal) else {
                    tally.refuseForeign(conflict, offset: offset, of: batch)
                    continue
                }
                try storage.record(db, conflict, pushed: true, directory: &directory)
            }
            let result = tally.result
            try storage.observe(db, clocks: batch.changes.lazy.flatMap(\.state.clocks))
            try directory.save(db)
            try db.execute(
                sql: """
                UPDATE _server_replicas SET acknowledged = max(acknowledged, ?), last_push_at = ?,
                  changes_merged = changes_merged + ?, conflicts = conflicts + ?, refused = refused + ?
                WHERE replica = ?
                """,
                arguments: [Int64(batch.lastCounter), Self.now(), result.applied, result.conflicts, result.refused.count, Data(principal.replica.bytes)]
            )
            return result
        }
    }

    /// Whether a database error is about the row itself (a constraint, a value SQLite will not
    /// store), which refuses that change; anything else is the database's trouble, not the
    /// province's, and must never become a refusal parked for ever.
    static func isDataProblem(_ error: DatabaseError) -> Bool { SyncStorage.isAboutTheRow(error) }

    // MARK: Pull

    public func pull(after cursor: UInt64, limit: Int, for principal: Principal) throws -> PullResult {
        try recordPullRequest(after: cursor, for: principal)
        let page = try readFeedPage(after: cursor, limit: limit, for: principal)
        try recordServed(page, for: principal)
        return page
    }

    /// The first step of a pull: the replica says it durably applied the feed up to `cursor`
    /// (tombstone collection waits for it), and the central office's own writes made since the
    /// last sync are stamped so the page includes them.
    package func recordPullRequest(after cursor: UInt64, for principal: Principal) throws {
        try ChangePolicy.checkCursor(cursor)
        try replica.write { db in
            var directory = try ReplicaDirectory(db)
            try stampCentralWrites(db, directory: &directory)
            try directory.save(db)
            try db.execute(
                sql: "UPDATE _server_replicas SET pulled = ?, last_pull_at = ? WHERE replica = ?",
                arguments: [Int64(cursor), Self.now(), Data(principal.replica.bytes)]
            )
        }
    }

    /// The last step of a pull: how far the replica has been served, for reports of how far
    /// each province is behind.
    package func recordServed(_ page: PullResult, for principal: Principal) throws {
        try replica.write { db in
            try db.execute(sql: """
                INSERT INTO _server_pull_served(replica, served_through) VALUES (?, ?)
                ON CONFLICT(replica) DO UPDATE SET served_through = excluded.served_through
                """, arguments: [Data(principal.replica.bytes), Int64(page.nextCursor)])
        }
    }

    /// A province's page: its own rows and rows everyone sees (owner 0), each a range of the
    /// (owner) index, merged in feed order. Arguments: owner, cursor, the puller's number (echo), limit.
    package static let provincePage = """
        SELECT tbl, pk, seq FROM (
          SELECT tbl, pk, seq FROM _sync_rows WHERE owner = 0 AND seq > ?2 AND (echo IS NULL OR echo != ?3) ORDER BY seq LIMIT ?4)
        UNION ALL
        SELECT tbl, pk, seq FROM (
          SELECT tbl, pk, seq FROM _sync_rows WHERE owner = ?1 AND seq > ?2 AND (echo IS NULL OR echo != ?3) ORDER BY seq LIMIT ?4)
        ORDER BY seq LIMIT ?4
        """

    /// The central office's page: a range of the rows themselves, which are keyed by feed
    /// position. Arguments: cursor, the puller's number (echo), limit.
    package static let centralPage = "SELECT tbl, pk, seq FROM _sync_rows WHERE seq > ? AND (echo IS NULL OR echo != ?) ORDER BY seq LIMIT ?"

    /// A page of the feed after `cursor` for `principal`, read from a snapshot without writing
    /// anything: it may be read ahead, while the replica is still applying the page before
    /// (a page read earlier is an earlier snapshot; whatever changed since comes later in the feed).
    package func readFeedPage(after cursor: UInt64, limit: Int, for principal: Principal) throws -> PullResult {
        try ChangePolicy.checkCursor(cursor)
        return try replica.read { db in
            let directory = try ReplicaDirectory(db)
            let echo = directory.existingIndex(of: principal.replica).map { Int64($0) } ?? -1
            let rows: [Row]
            if principal.role == .province {
                let owner = principal.tenantID.flatMap { directory.existingIndex(of: ReplicaID(uuid: $0)) }.map { Int64($0) } ?? -1
                rows = try Row.fetchAll(db.cachedStatement(sql: Self.provincePage), arguments: [owner, Int64(cursor), echo, limit])
            } else {
                rows = try Row.fetchAll(db.cachedStatement(sql: Self.centralPage), arguments: [Int64(cursor), echo, limit])
            }
            let hasMore = rows.count == limit
            let upper: Int64 = hasMore ? rows.last![2] : (try SyncMeta.int(db, .feedSequence) ?? 0)
            // The page's rows, read per table in a few statements rather than one by one.
            var keysByTable: [Int: [DatabaseValue]] = [:]
            for row in rows where storage.tables.indices.contains(row[0] as Int) {
                keysByTable[row[0] as Int, default: []].append(row[1])
            }
            var states: [Int: [DatabaseValue: RowState]] = [:]
            for (tableIndex, keys) in keysByTable {
                let (readable, unreadable) = try storage.loadStates(db, storage.tables[tableIndex], keys: keys, directory: directory)
                states[tableIndex] = readable
                // Not sent until repaired (the next write of the row rewrites its metadata); the
                // rest of the feed goes on.
                for problem in unreadable { logger.error("a row was left out of a pull: \(problem.message)") }
            }
            var changes: [RowChange] = []
            changes.reserveCapacity(rows.count)
            for row in rows {
                let pk: DatabaseValue = row[1]
                guard let state = states[row[0] as Int]?[pk] else { continue }
                let table = storage.tables[row[0] as Int]
                guard ChangePolicy.canSee(table: table.schema, tenantValue: state.columns[TableSchema.tenantColumn]?.value, principal: principal) else { continue }
                changes.append(RowChange(table: table.schema.name, key: SyncValue(pk), state: state))
            }
            var conflicts: [ConflictRecord] = []
            for conflict in try replica.fetchConflicts(db, where: "seq > \(Int64(cursor)) AND seq <= \(upper)") {
                guard let table = storage.table(named: conflict.table) else { continue }
                let owner = try tenantValue(db, table, key: conflict.key, directory: directory)
                if ChangePolicy.canSee(table: table.schema, tenantValue: owner, principal: principal) { conflicts.append(conflict) }
            }
            return PullResult(changes: changes, conflicts: conflicts, nextCursor: UInt64(max(upper, Int64(cursor))), hasMore: hasMore)
        }
    }

    private func tenantValue(_ db: Database, _ table: SyncedTable, key: SyncValue, directory: ReplicaDirectory) throws -> SyncValue? {
        try storage.loadState(db, table, pk: key.databaseValue, directory: directory)?.columns[TableSchema.tenantColumn]?.value
    }
}
