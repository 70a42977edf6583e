import Foundation
import OCOPModel
import OCOPReplica
import OCOPStore
import OCOPSync
import PostgresNIO

extension PostgresNationalStore: NationalAdministration {
    public func addCheckedProvince(code: String, name: String?, verifier: CredentialVerifier, on date: LocalDate) async throws -> UUID {
        let unit = try ProvinceAdmission.check(code: code, name: name, on: date)
        return try await addProvince(code: unit.code, name: unit.name, verifier: verifier, id: UUID(), validFrom: date)
    }

    public func addProvince(code: String, name: String, verifier: CredentialVerifier, id: UUID, validFrom: LocalDate) async throws -> UUID {
        let code = code.trimmingCharacters(in: .whitespaces)
        let name = name.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespaces)
        guard !code.isEmpty, code.allSatisfy(\.isNumber) else { throw StoreError(.invalidArgument, "province code must be digits, got '\(code)'") }
        guard !name.isEmpty else { throw StoreError(.invalidArgument, "province name must not be empty") }
        let directory = try await transaction { connection in
            // Two administrators adding the same code at once: the second waits, then sees the first.
            try await rows(connection, "LOCK TABLE _server_accounts IN SHARE ROW EXCLUSIVE MODE")
            var bindings = PostgresBindings()
            bindings.append(code)
            if try await !rows(connection, "SELECT 1 FROM tenants WHERE code = $1 AND valid_until IS NULL", bindings).isEmpty {
                throw StoreError(.invalidArgument, "a current province with code \(code) already exists")
            }
            let key = SyncValue.blob(ChangePolicy.bytes(of: id))
            let directory = try await writeCentrally([CentralWrite(table: OCOPSchema.tenants.name, key: key, values: [
                "code": .text(code), "name": .text(name), "kind": .text("province"), "valid_from": .text(validFrom.description),
            ])], connection, validating: false)
            try await insertAccount(connection, user: id.uuidString.lowercased(), role: .province, tenantID: id, verifier: verifier)
            return directory
        }
        remember(directory)
        return id
    }

    public func addCentralAccount(verifier: CredentialVerifier) async throws {
        try await transaction { connection in
            try await insertAccount(connection, user: "central", role: .central, tenantID: nil, verifier: verifier)
        }
    }

    public func addInspectorAccount(user: String, tenantID: UUID, verifier: CredentialVerifier) async throws {
        try await transaction { connection in
            var tenant = PostgresBindings()
            tenant.append(ByteBuffer(bytes: ChangePolicy.bytes(of: tenantID)))
            if try await rows(connection, "SELECT 1 FROM tenants WHERE id = $1 AND merged_into IS NULL", tenant).isEmpty {
                throw StoreError(.invalidArgument, "no current province \(tenantID.uuidString.lowercased())")
            }
            try await insertAccount(connection, user: user, role: .province, tenantID: tenantID, verifier: verifier, inspector: true)
        }
    }

    private func insertAccount(_ connection: PostgresConnection, user: String, role: AccountRole, tenantID: UUID?, verifier: CredentialVerifier,
                               inspector: Bool = false) async throws {
        let now = Self.now()
        var bindings = PostgresBindings()
        bindings.append(user)
        bindings.append(inspector ? AccountRole.inspectorText : role.rawValue)
        if let tenantID { bindings.append(ByteBuffer(bytes: ChangePolicy.bytes(of: tenantID))) } else { bindings.appendNull() }
        bindings.append(ByteBuffer(bytes: verifier.salt))
        bindings.append(Int64(verifier.iterations))
        bindings.append(ByteBuffer(bytes: verifier.storedKey))
        bindings.append(ByteBuffer(bytes: verifier.serverKey))
        bindings.append(now)
        let inserted = try await rows(connection, """
            INSERT INTO _server_accounts("user", role, tenant_id, salt, iterations, stored_key, server_key, enabled, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, true, $8, $8) ON CONFLICT ("user") DO NOTHING RETURNING 1
            """, bindings)
        if inserted.isEmpty { throw StoreError(.invalidArgument, "account \(user) already exists") }
    }

    public func rotateSecret(user: String, verifier: CredentialVerifier) async throws {
        var bindings = PostgresBindings()
        bindings.append(ByteBuffer(bytes: verifier.salt))
        bindings.append(Int64(verifier.iterations))
        bindings.append(ByteBuffer(bytes: verifier.storedKey))
        bindings.append(ByteBuffer(bytes: verifier.serverKey))
        try await updateAccount(user: user, set: "salt = $1, iterations = $2, stored_key = $3, server_key = $4", bindings)
        logger.notice("secret rotated", metadata: ["user": "\(user)"])
    }

    public func setEnabled(user: String, _ enabled: Bool) async throws {
        var bindings = PostgresBindings()
        bindings.append(enabled)
        try await updateAccount(user: user, set: "enabled = $1", bindings)
        logger.notice(enabled ? "account enabled" : "account disabled", metadata: ["user": "\(user)"])
    }

    private func updateAccount(user: String, set assignments: String, _ bindings: PostgresBindings) async throws {
        var bindings = bindings
        let next = bindings.count
        bindings.append(Self.now())
        bindings.append(user)
        let updated = try await statement("UPDATE _server_accounts SET \(assignments), updated_at = $\(next + 1) WHERE \"user\" = $\(next + 2) RETURNING 1", bindings)
        if updated.isEmpty { throw StoreError(.unknownAccount, "no account \(user)") }
    }

    public func accounts() async throws -> [AccountSummary] {
        try await statement("""
            SELECT a."user", a.role, a.tenant_id, a.enabled, t.code, t.name,
                   (SELECT count(*) FROM _server_replicas r WHERE r."user" = a."user"),
                   (SELECT max(greatest(coalesce(last_push_at, ''), coalesce(last_pull_at, ''))) FROM _server_replicas r WHERE r."user" = a."user")
            FROM _server_accounts a LEFT JOIN tenants t ON t.id = a.tenant_id
            ORDER BY a.role, t.code, a."user"
            """).map { row in
            let cells = row.makeRandomAccess()
            let lastSync = try cells[7].decode(String?.self)
            return AccountSummary(
                user: try cells[0].decode(String.self), role: AccountRole(rawValue: try cells[1].decode(String.self)) ?? .province,
                tenantID: try PostgresValues.bytes(cells[2]).flatMap { ReplicaID(bytes: $0)?.uuid },
                code: try cells[4].decode(String?.self), name: try cells[5].decode(String?.self),
                isEnabled: try cells[3].decode(Bool.self), replicas: Int(try cells[6].decode(Int64.self)),
                lastSyncAt: lastSync?.isEmpty == false ? lastSync : nil
            )
        }
    }

    public func replicaStatuses() async throws -> [ReplicaStatus] {
        try await statement("""
            SELECT r.replica, r."user", t.code, t.name, r.acknowledged, r.pulled, r.last_push_at, r.last_pull_at,
                   r.changes_merged, r.conflicts, r.refused
            FROM _server_replicas r LEFT JOIN _server_accounts a ON a."user" = r."user" LEFT JOIN tenants t ON t.id = a.tenant_id
            ORDER BY t.code IS NULL, t.code, r."user", r.replica
            """).map { row in
            let cells = row.makeRandomAccess()
            return ReplicaStatus(
                replica: try PostgresValues.bytes(cells[0]).flatMap { ReplicaID(bytes: $0)?.description } ?? "?",
                user: try cells[1].decode(String.self), code: try cells[2].decode(String?.self), name: try cells[3].decode(String?.self),
                acknowledgedThrough: UInt64(max(try cells[4].decode(Int64.self), 0)), pulledCursor: UInt64(max(try cells[5].decode(Int64.self), 0)),
                lastPushAt: try cells[6].decode(String?.self), lastPullAt: try cells[7].decode(String?.self),
                changesMerged: try cells[8].decode(Int64.self), conflicts: try cells[9].decode(Int64.self), refused: try cells[10].decode(Int64.self)
            )
        }
    }

    public func currentTenants(code: String) async throws -> [UUID] {
        var bindings = PostgresBindings()
        bindings.append(code)
        return try await statement("SELECT id FROM tenants WHERE code = $1 AND merged_into IS NULL AND valid_until IS NULL ORDER BY id", bindings).compactMap { try PostgresValues.bytes($0.makeRandomAccess()[0]).flatMap { ReplicaID(bytes: $0)?.uuid } }
    }

    public func forgetReplica(_ id: ReplicaID) async throws {
        var bindings = PostgresBindings()
        bindings.append(ByteBuffer(bytes: id.bytes))
        let removed = try await statement("DELETE FROM _server_replicas WHERE replica = $1 RETURNING 1", bindings)
        if removed.isEmpty { throw StoreError(.invalidArgument, "no replica \(id) is registered") }
        logger.notice("replica forgotten", metadata: ["replica": "\(id)"])
    }

    static let tombstonesCollectedKey = "tombstones_collected_through"

    @discardableResult
    public func collectTombstones() async throws -> Int {
        let removed = try await transaction { connection -> Int in
            let horizon = try await rows(connection, """
                SELECT min(r.pulled) FROM _server_replicas r JOIN _server_accounts a ON a."user" = r."user" WHERE a.enabled
                """)[0].makeRandomAccess()[0].decode(Int64?.self) ?? 0
            guard horizon > 0 else { return 0 }
            var bindings = PostgresBindings()
            bindings.append(horizon)
            var removed = 0
            for table in storage.tables {
                removed += try await rows(connection, "DELETE FROM \"\(PostgresSchema.tombName(table.schema))\" WHERE _seq <= $1 RETURNING 1", bindings).count
            }
            if removed > 0 {
                // A reader of the change feed resuming from before `horizon` could miss a deletion now.
                var state = PostgresBindings()
                state.append(Self.tombstonesCollectedKey)
                state.append(horizon)
                try await rows(connection, """
                    INSERT INTO _server_state(key, value) VALUES ($1, $2)
                    ON CONFLICT (key) DO UPDATE SET value = greatest(_server_state.value, EXCLUDED.value)
                    """, state)
            }
            return removed
        }
        logger.notice("tombstones collected", metadata: ["removed": "\(removed)"])
        return removed
    }

    /// A PostgreSQL store is backed up with PostgreSQL's own tools, which an administrator
    /// already runs and monitors (ops/RUNBOOK.md, PostgreSQL): `pg_dump` for a copy,
    /// `pg_basebackup` with WAL archiving for point-in-time recovery.
    public func backup(to path: String) async throws {
        throw StoreError(.invalidArgument, """
            a PostgreSQL store is backed up with PostgreSQL's tools, not by the daemon: \
            pg_dump --format=custom --file=ocop-$(date +%F).dump '\(configuration)' (see ops/RUNBOOK.md, §14)
            """)
    }

    // MARK: API tokens

    public func issueAPIToken(name: String, scope: APIScope) async throws -> (token: String, record: APIToken) {
        let minted = try APITokenSecret.mint(name: name, scope: scope)
        var bindings = PostgresBindings()
        bindings.append(minted.record.id)
        bindings.append(minted.record.name)
        bindings.append(scope.rawValue)
        bindings.append(ByteBuffer(bytes: minted.digest))
        bindings.append(minted.record.createdAt)
        try await statement("INSERT INTO _api_tokens(id, name, scope, secret_sha256, created_at) VALUES ($1, $2, $3, $4, $5)", bindings)
        return (minted.token, minted.record)
    }

    public func authenticateAPIToken(_ token: String) async throws -> APIToken? {
        guard let presented = APITokenSecret.parse(token) else { return nil }
        var bindings = PostgresBindings()
        bindings.append(presented.id)
        guard let row = try await statement("SELECT id, name, scope, created_at, revoked_at, secret_sha256 FROM _api_tokens WHERE id = $1", bindings).first else { return nil }
        let cells = row.makeRandomAccess()
        guard APITokenSecret.matches(stored: try PostgresValues.bytes(cells[5]) ?? [], presented: presented.digest) else { return nil }
        let record = try Self.apiToken(row)
        return record.revokedAt == nil ? record : nil
    }

    public func apiTokens() async throws -> [APIToken] {
        try await statement("SELECT id, name, scope, created_at, revoked_at FROM _api_tokens ORDER BY created_at, id").map(Self.apiToken)
    }

    public func revokeAPIToken(id: String) async throws {
        var bindings = PostgresBindings()
        bindings.append(Self.now())
        bindings.append(id)
        let revoked = try await statement("UPDATE _api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL RETURNING 1", bindings)
        if revoked.isEmpty {
            var key = PostgresBindings()
            key.append(id)
            let exists = try await !statement("SELECT 1 FROM _api_tokens WHERE id = $1", key).isEmpty
            throw StoreError(.invalidArgument, exists ? "token \(id) is already revoked" : "no token \(id)")
        }
        logger.notice("API token revoked", metadata: ["token": "\(id)"])
    }

    private static func apiToken(_ row: PostgresRow) throws -> APIToken {
        let cells = row.makeRandomAccess()
        return APIToken(
            id: try cells[0].decode(String.self), name: try cells[1].decode(String.self),
            scope: APIScope(rawValue: try cells[2].decode(String.self)) ?? .read,
            createdAt: try cells[3].decode(String.self), revokedAt: try cells[4].decode(String?.self)
        )
    }
}
