import Foundation
import GRDB
import OCOPModel
import OCOPReplica
import OCOPSync

/// One account as an administrator sees it.
public struct AccountSummary: Sendable, Equatable, Codable {
    public var user: String
    public var role: AccountRole
    public var tenantID: UUID?
    public var code: String?
    public var name: String?
    public var isEnabled: Bool
    public var replicas: Int
    public var lastSyncAt: String?

    /// Ids in lower case, as every other place prints them (Foundation writes UUIDs in capitals).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(user, forKey: .user)
        try container.encode(role, forKey: .role)
        try container.encode(tenantID?.uuidString.lowercased(), forKey: .tenantID)
        try container.encode(code, forKey: .code)
        try container.encode(name, forKey: .name)
        try container.encode(isEnabled, forKey: .isEnabled)
        try container.encode(replicas, forKey: .replicas)
        try container.encode(lastSyncAt, forKey: .lastSyncAt)
    }

    /// Every field, so that a backend in another module can return one.
    public init(user: String, role: AccountRole, tenantID: UUID? = nil, code: String? = nil, name: String? = nil,
                isEnabled: Bool, replicas: Int, lastSyncAt: String? = nil) {
        self.user = user
        self.role = role
        self.tenantID = tenantID
        self.code = code
        self.name = name
        self.isEnabled = isEnabled
        self.replicas = replicas
        self.lastSyncAt = lastSyncAt
    }
}

/// Where one replica stands, for reports and metrics.
public struct ReplicaStatus: Sendable, Equatable, Codable {
    public var replica: String
    public var user: String
    /// The account's province code and name (nil for the central office, or a province
    /// whose tenant row is gone), so that people need not match UUIDs.
    public var code: String?
    public var name: String?
    public var acknowledgedThrough: UInt64
    public var pulledCursor: UInt64
    public var lastPushAt: String?
    public var lastPullAt: String?
    public var changesMerged: Int64
    public var conflicts: Int64
    public var refused: Int64

    /// Every field, so that a backend in another module can return one.
    public init(replica: String, user: String, code: String? = nil, name: String? = nil, acknowledgedThrough: UInt64,
                pulledCursor: UInt64, lastPushAt: String? = nil, lastPullAt: String? = nil, changesMerged: Int64,
                conflicts: Int64, refused: Int64) {
        self.replica = replica
        self.user = user
        self.code = code
        self.name = name
        self.acknowledgedThrough = acknowledgedThrough
        self.pulledCursor = pulledCursor
        self.lastPushAt = lastPushAt
        self.lastPullAt = lastPullAt
        self.changesMerged = changesMerged
        self.conflicts = conflicts
        self.refused = refused
    }
}

extension SQLiteNationalStore {
    /// Adds a province that an administrator named: the code and name are checked against the
    /// table in force on `date` (default: today in Vietnam) by ``ProvinceAdmission``, and the
    /// table's name is stored. Returns the tenant id.
    package func addCheckedProvince(code: String, name: String?, verifier: CredentialVerifier,
                                   on date: LocalDate = LocalDate(Date())) throws -> UUID {
        let unit = try ProvinceAdmission.check(code: code, name: name, on: date)
        return try addProvince(code: unit.code, name: unit.name, verifier: verifier, validFrom: date)
    }

    /// Adds a province: a `tenants` row (a central write that syncs to every province) and an
    /// account whose user name is the new tenant id. Returns the tenant id.
    ///
    /// Only the form of the code is checked here (tests and data migrations add units of other
    /// periods); administrators add provinces through ``addCheckedProvince(code:name:verifier:on:)``.
    package func addProvince(code: String, name: String, verifier: CredentialVerifier, id: UUID = UUID(),
                            validFrom: LocalDate = LocalDate(Date())) throws -> UUID {
        let code = code.trimmingCharacters(in: .whitespaces)
        let name = name.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespaces)
        guard !code.isEmpty, code.allSatisfy(\.isNumber) else { throw StoreError(.invalidArgument, "province code must be digits, got '\(code)'") }
        guard !name.isEmpty else { throw StoreError(.invalidArgument, "province name must not be empty") }
        try replica.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM tenants WHERE code = ? AND valid_until IS NULL", arguments: [code]) ?? false {
                throw StoreError(.invalidArgument, "a current province with code \(code) already exists")
            }
            try db.execute(
                sql: "INSERT INTO tenants(id, code, name, kind, valid_from) VALUES (?, ?, ?, 'province', ?)",
                arguments: [id, code, name, validFrom.description]
            )
            try insertAccount(db, user: id.uuidString.lowercased(), role: .province, tenantID: id, verifier: verifier)
        }
        return id
    }

    /// Adds an inspection office's account for a province: user `user`, writing signed
    /// inspections of that province only.
    package func addInspectorAccount(user: String, tenantID: UUID, verifier: CredentialVerifier) throws {
        try replica.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM tenants WHERE id = ? AND merged_into IS NULL", arguments: [tenantID]) ?? false else {
                throw StoreError(.invalidArgument, "no current province \(tenantID.uuidString.lowercased())")
            }
            try insertAccount(db, user: user, role: .province, tenantID: tenantID, verifier: verifier, inspector: true)
        }
    }

    /// Adds the central office's account (user "central").
    package func addCentralAccount(verifier: CredentialVerifier) throws {
        try replica.write { db in try insertAccount(db, user: "central", role: .central, tenantID: nil, verifier: verifier) }
    }

    private func insertAccount(_ db: Database, user: String, role: AccountRole, tenantID: UUID?, verifier: CredentialVerifier,
                               inspector: Bool = false) throws {
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM _server_accounts WHERE user = ?", arguments: [user]) ?? false {
            throw StoreError(.invalidArgument, "account \(user) already exists")
        }
        let now = ISO8601DateFormatter().string(from: Date())
        try db.execute(
            sql: """
            INSERT INTO _server_accounts(user, role, tenant_id, salt, iterations, stored_key, server_key, enabled, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
            """,
            arguments: [user, inspector ? AccountRole.inspectorText : role.rawValue, tenantID, Data(verifier.salt), Int64(verifier.iterations),
                        Data(verifier.storedKey), Data(verifier.serverKey), now, now]
        )
    }

    /// Replaces an account's verifier; the old secret stops working at once.
    package func rotateSecret(user: String, verifier: CredentialVerifier) throws {
        try updateAccount(user: user, sql: "salt = ?, iterations = ?, stored_key = ?, server_key = ?",
                          arguments: [Data(verifier.salt), Int64(verifier.iterations), Data(verifier.storedKey), Data(verifier.serverKey)])
    }

    /// Enables or disables an account; a disabled account cannot log in.
    package func setEnabled(user: String, _ enabled: Bool) throws {
        try updateAccount(user: user, sql: "enabled = ?", arguments: [enabled])
    }

    private func updateAccount(user: String, sql: String, arguments: StatementArguments) throws {
        try replica.write { db in
            try db.execute(sql: "UPDATE _server_accounts SET \(sql), updated_at = ? WHERE user = ?",
                           arguments: arguments + [ISO8601DateFormatter().string(from: Date()), user])
            if db.changesCount == 0 { throw StoreError(.unknownAccount, "no account \(user)") }
        }
    }

    /// Every account with its province and last sync.
    package func accounts() throws -> [AccountSummary] {
        try replica.read { db in
            try Row.fetchAll(db, sql: """
                SELECT a.user, a.role, a.tenant_id, a.enabled, t.code, t.name,
                       (SELECT count(*) FROM _server_replicas r WHERE r.user = a.user) AS replicas,
                       (SELECT max(max(coalesce(last_push_at, '')), max(coalesce(last_pull_at, ''))) FROM _server_replicas r WHERE r.user = a.user) AS last_sync
                FROM _server_accounts a LEFT JOIN tenants t ON t.id = a.tenant_id
                ORDER BY a.role, t.code, a.user
                """).map { row in
                let tenant: Data? = row["tenant_id"]
                let lastSync: String? = row["last_sync"]
                return AccountSummary(
                    user: row["user"], role: AccountRole(rawValue: row["role"]) ?? .province,
                    tenantID: tenant.flatMap { ReplicaID(bytes: Array($0))?.uuid }, code: row["code"], name: row["name"],
                    isEnabled: row["enabled"], replicas: row["replicas"], lastSyncAt: lastSync?.isEmpty == false ? lastSync : nil
                )
            }
        }
    }

    /// The current (not merged, not ended) tenants with a province code.
    package func currentTenants(code: String) throws -> [UUID] {
        try replica.read { db in
            try UUID.fetchAll(db, sql: "SELECT id FROM tenants WHERE code = ? AND merged_into IS NULL AND valid_until IS NULL", arguments: [code])
        }
    }

    /// Every replica the server has met, with its cursors and counters.
    package func replicaStatuses() throws -> [ReplicaStatus] {
        try replica.read { db in
            try Row.fetchAll(db, sql: """
                SELECT r.*, t.code, t.name FROM _server_replicas r
                LEFT JOIN _server_accounts a ON a.user = r.user LEFT JOIN tenants t ON t.id = a.tenant_id
                ORDER BY t.code IS NULL, t.code, r.user, r.replica
                """).map { row in
                ReplicaStatus(
                    replica: ReplicaID(bytes: Array(row["replica"] as Data))?.description ?? "?", user: row["user"],
                    code: row["code"], name: row["name"],
                    acknowledgedThrough: UInt64(max(row["acknowledged"] as Int64, 0)), pulledCursor: UInt64(max(row["pulled"] as Int64, 0)),
                    lastPushAt: row["last_push_at"], lastPullAt: row["last_pull_at"],
                    changesMerged: row["changes_merged"], conflicts: row["conflicts"], refused: row["refused"]
                )
            }
        }
    }

    /// Removes tombstones (deleted rows' sync state and stored values) that every replica of
    /// every enabled account has pulled past. Returns how many were removed.
    @discardableResult
    package func collectTombstones() throws -> Int {
        try replica.write { db in
            let horizon = try Int64.fetchOne(db, sql: """
                SELECT min(r.pulled) FROM _server_replicas r JOIN _server_accounts a ON a.user = r.user WHERE a.enabled = 1
                """) ?? 0
            guard horizon > 0 else { return 0 }
            // Plain-SQL writes stamped first: a row deleted and inserted again that way keeps a
            // graveyard row with its position until it is stamped.
            var directory = try ReplicaDirectory(db)
            try stampCentralWrites(db, directory: &directory)
            try directory.save(db)
            var removed = 0
            for table in replica.storage.tables {
                let graveyard = SyncSchemaSQL.graveyard(table.schema)
                // A graveyard row holds its row's feed position (NationalChangeFeed).
                try db.execute(sql: """
                    DELETE FROM _sync_rows WHERE tbl = ? AND seq IN (SELECT _sync_seq FROM "\(graveyard)" WHERE _sync_seq <= ?)
                    """, arguments: [table.index, horizon])
                removed += db.changesCount
                try db.execute(sql: """
                    DELETE FROM "\(graveyard)" WHERE _sync_seq IS NULL OR _sync_seq NOT IN (SELECT seq FROM _sync_rows)
                    """)
            }
            if removed > 0 {
                // A reader of the change feed resuming from before `horizon` could miss a deletion now.
                try db.execute(sql: """
                    INSERT INTO _server_state(key, value) VALUES (?, ?)
                    ON CONFLICT(key) DO UPDATE SET value = max(value, excluded.value)
                    """, arguments: [Self.tombstonesCollectedKey, horizon])
            }
            return removed
        }
    }

    static let tombstonesCollectedKey = "tombstones_collected_through"

    /// The highest feed position through which deleted rows' tombstones were collected (0 if
    /// never): a reader of the change feed (a partner feed cursor) older than this may have
    /// missed deletions and must start over. Read it inside the reader's own transaction.
    package static func tombstonesCollectedThrough(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT value FROM _server_state WHERE key = ?", arguments: [tombstonesCollectedKey]) ?? 0
    }

    /// Writes a consistent copy of the national dataset to `path` while the daemon keeps running
    /// (SQLite's online backup). Restore by stopping the daemon and putting the copy in place.
    package func backup(to path: String) throws {
        guard !FileManager.default.fileExists(atPath: path) else { throw StoreError(.invalidArgument, "\(path) already exists") }
        // The copy holds account verifiers and token digests: readable by its owner only,
        // whatever the umask of the shell that made it.
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw StoreError(.invalidArgument, "cannot create \(path)")
        }
        let destination = try DatabaseQueue(path: path)
        try replica.database.backup(to: destination)
        try destination.close()
    }
}

extension SQLiteNationalStore {
    /// Forgets a replica the server met (a machine that was replaced or retired), so it no longer
    /// holds back tombstone collection. If it ever syncs again it is registered anew and pulls
    /// from the beginning; its rows stay in the national dataset.
    package func forgetReplica(_ id: ReplicaID) throws {
        try replica.write { db in
            try db.execute(sql: "DELETE FROM _server_replicas WHERE replica = ?", arguments: [Data(id.bytes)])
            if db.changesCount == 0 { throw StoreError(.invalidArgument, "no replica \(id) is registered") }
        }
    }
}
