import Foundation
import Logging
import OCOPModel
import OCOPReplica
import OCOPStore
import OCOPSync
import PostgresNIO

extension PostgresNationalStore: NationalStore {
    public func account(user: String) async throws -> Account? {
        var bindings = PostgresBindings()
        bindings.append(user)
        let rows = try await statement("""
            SELECT a."user", a.role, a.tenant_id, a.salt, a.iterations, a.stored_key, a.server_key, a.enabled,
                   coalesce(t.code, a."user"), t.merged_into
            FROM _server_accounts a LEFT JOIN tenants t ON t.id = a.tenant_id WHERE a."user" = $1
            """, bindings)
        return try rows.first.map(Self.account(from:))
    }

    static func account(from row: PostgresRow) throws -> Account {
        let cells = row.makeRandomAccess()
        let tenant = try PostgresValues.bytes(cells[2]).flatMap { ReplicaID(bytes: $0)?.uuid }
        let role = AccountRole.parse(try cells[1].decode(String.self))
        return Account(
            user: try cells[0].decode(String.self), role: role.role,
            tenantID: tenant,
            verifier: CredentialVerifier(
                salt: try PostgresValues.bytes(cells[3]) ?? [], iterations: UInt32(clamping: try cells[4].decode(Int64.self)),
                storedKey: try PostgresValues.bytes(cells[5]) ?? [], serverKey: try PostgresValues.bytes(cells[6]) ?? []
            ),
            isEnabled: try cells[7].decode(Bool.self), label: try cells[8].decode(String.self),
            mergedInto: try PostgresValues.bytes(cells[9]).flatMap { ReplicaID(bytes: $0)?.uuid }, isInspector: role.isInspector
        )
    }

    public func openSession(replica id: ReplicaID, account: Account) async throws -> SessionState {
        try await transaction { connection in
            var bindings = PostgresBindings()
            bindings.append(ByteBuffer(bytes: id.bytes))
            bindings.append(account.user)
            bindings.append(Self.now())
            try await rows(connection, """
                INSERT INTO _server_replicas(replica, "user", first_seen_at) VALUES ($1, $2, $3) ON CONFLICT (replica) DO NOTHING
                """, bindings)
            var key = PostgresBindings()
            key.append(ByteBuffer(bytes: id.bytes))
            let cells = try await rows(connection, "SELECT \"user\", acknowledged, pulled FROM _server_replicas WHERE replica = $1", key)[0].makeRandomAccess()
            guard try cells[0].decode(String.self) == account.user else {
                throw StoreError(.invalidArgument, "replica \(id) is registered to another account")
            }
            return SessionState(
                acknowledgedThrough: UInt64(max(try cells[1].decode(Int64.self), 0)), pulledCursor: UInt64(max(try cells[2].decode(Int64.self), 0))
            )
        }
    }

    // MARK: Push

    public func push(_ batch: PushBatch, from principal: Principal) async throws -> PushResult {
        try ChangePolicy.checkHeader(batch)
        let clock = ContinuousClock()
        let started = clock.now
        var pending: [String: Set<SyncValue>] = [:]
        for change in batch.changes where change.state.existence?.isDeleted != true {
            pending[change.table, default: []].insert(change.key)
        }
        let (result, directory) = try await transaction { connection -> (PushResult, ReplicaDirectory) in
            let known = KnownRows(pendingKeys: pending)
            var replicaKey = PostgresBindings()
            replicaKey.append(ByteBuffer(bytes: principal.replica.bytes))
            let previous = try await rows(connection, "SELECT acknowledged FROM _server_replicas WHERE replica = $1", replicaKey)
                .first.map { try $0.makeRandomAccess()[0].decode(Int64.self) } ?? 0
            var tally = PushTally(batch, previouslyAcknowledged: UInt64(max(previous, 0)))
            let storedRows = PostgresRows(store: self, connection: connection)
            // Conflict records the province sent: checked against the rows as stored before the
            // batch (a row the push creates is the province's own).
            var sent: [(ConflictRecord, tenant: SyncValue?)] = []
            let merge = PostgresBatchMerge(rows: storedRows)
            var admittedConflicts: [(offset: Int, conflict: ConflictRecord, table: SyncedTable)] = []
            let applied = try await merge.apply(batch.changes, origin: principal.replica, extraConflicts: []) { index, table, local, outcome, references in
                let change = batch.changes[index]
                try self.policy.check(change, table: table.schema, local: local, merged: outcome.state, principal: principal)
                guard outcome.state.isVisible else { return }
                try Self.refuseUnstorableText(change, outcome.state)
                let values = table.columnNames.map { outcome.state.columns[$0]?.value ?? .null }
                let problems = try StoredRowValidation.problems(
                    table: table, key: change.key, values: values, reference: .standard, known: known, lookup: { references($0, $1) }
                )
                if !problems.isEmpty { throw ChangePolicy.invalidData(change, problems) }
            }
            try tally.count(applied.results, of: batch, storage: storage)
            for (offset, conflict) in batch.conflicts.enumerated() {
                guard let table = tally.admit(conflict, offset: offset, of: batch, storage: storage) else { continue }
                admittedConflicts.append((offset, conflict, table))
            }
            var directory = applied.directory
            for (offset, conflict, table) in admittedConflicts {
                let identity = PostgresBatchMerge.RowIdentity(table: table.index, key: conflict.key)
                var owner = applied.states[identity]?.columns[TableSchema.tenantColumn]?.value
                if owner == nil {
                    owner = try await storedRows.load(table, keys: [conflict.key], directory: &directory)
                        .rows[conflict.key]?.state.columns[TableSchema.tenantColumn]?.value
                }
                guard ChangePolicy.canSee(table: table.schema, tenantValue: owner, principal: principal) else {
                    tally.refuseForeign(conflict, offset: offset, of: batch)
                    continue
                }
                sent.append((conflict, tenant: owner))
            }
            if !sent.isEmpty {
                var position = try await storedRows.reservePositions(sent.count)
                for (conflict, tenant) in sent {
                    try await storedRows.record(conflict, seq: position, tenant: tenant)
                    position += 1
                }
            }
            let result = tally.result
            var bindings = PostgresBindings()
            bindings.append(Int64(batch.lastCounter))
            bindings.append(Self.now())
            bindings.append(Int64(result.applied))
            bindings.append(Int64(result.conflicts))
            bindings.append(Int64(result.refused.count))
            bindings.append(ByteBuffer(bytes: principal.replica.bytes))
            try await rows(connection, """
                UPDATE _server_replicas SET acknowledged = greatest(acknowledged, $1), last_push_at = $2,
                  changes_merged = changes_merged + $3, conflicts = conflicts + $4, refused = refused + $5
                WHERE replica = $6
                """, bindings)
            return (result, directory)
        }
        remember(directory)
        logger.logPush(batch, result, from: principal, elapsed: clock.now - started)
        return result
    }

    /// PostgreSQL text cannot hold the NUL character, which SQLite stores; refusing it here keeps
    /// a bad row from failing the whole push (which the province would send again for ever).
    static func refuseUnstorableText(_ change: RowChange, _ state: RowState) throws {
        for (name, write) in state.columns {
            if case .text(let text) = write.value, text.utf8.contains(0) {
                throw Refusal(code: .invalidData, message: "\(change.table) row \(ChangePolicy.describe(change.key)): \(name): text must not contain the NUL character")
            }
        }
    }

    // MARK: Pull

    public func pull(after cursor: UInt64, limit: Int, for principal: Principal) async throws -> PullResult {
        try await recordPullRequest(after: cursor, for: principal)
        let page = try await readFeedPage(after: cursor, limit: limit, for: principal)
        try await recordServed(page, for: principal)
        return page
    }

    public func readAhead(after cursor: UInt64, limit: Int, for principal: Principal) async throws -> PullResult {
        try await readFeedPage(after: cursor, limit: limit, for: principal)
    }

    public func pull(after cursor: UInt64, servingReadAhead page: PullResult, for principal: Principal) async throws -> PullResult {
        try await recordPullRequest(after: cursor, for: principal)
        try await recordServed(page, for: principal)
        return page
    }

    /// The replica says it durably applied the feed up to `cursor` (tombstone collection waits for it).
    func recordPullRequest(after cursor: UInt64, for principal: Principal) async throws {
        try ChangePolicy.checkCursor(cursor)
        var bindings = PostgresBindings()
        bindings.append(Int64(cursor))
        bindings.append(Self.now())
        bindings.append(ByteBuffer(bytes: principal.replica.bytes))
        try await statement("UPDATE _server_replicas SET pulled = $1, last_pull_at = $2 WHERE replica = $3", bindings)
    }

    /// How far the replica has been served, for reports of how far each province is behind.
    func recordServed(_ page: PullResult, for principal: Principal) async throws {
        var bindings = PostgresBindings()
        bindings.append(Int64(page.nextCursor))
        bindings.append(ByteBuffer(bytes: principal.replica.bytes))
        try await statement("UPDATE _server_replicas SET served_through = $1 WHERE replica = $2", bindings)
    }

    /// A page of the feed after `cursor` for `principal`, from one snapshot.
    ///
    /// Positions commit in order (see ``PostgresRows/reservePositions(_:)``), so the feed position
    /// committed in the snapshot bounds what the snapshot holds: nothing at or below it can still
    /// appear later.
    func readFeedPage(after cursor: UInt64, limit: Int, for principal: Principal) async throws -> PullResult {
        try ChangePolicy.checkCursor(cursor)
        let (page, directory) = try await transaction(readOnly: true, onPrimary: true) { connection -> (PullResult, ReplicaDirectory) in
            var directory = try await self.directory(including: [], connection)
            let echo = directory.existingIndex(of: principal.replica).map { Int64($0) } ?? -1
            let tenant = principal.tenantID.map { ByteBuffer(bytes: ChangePolicy.bytes(of: $0)) }
            var parts: [String] = []
            for table in storage.tables {
                for source in [table.schema.name, PostgresSchema.tombName(table.schema)] {
                    var filter = "_seq > $1 AND _echo IS DISTINCT FROM $2"
                    if principal.role == .province, table.schema.scope == .tenant { filter += " AND tenant_id = $4" }
                    parts.append("(SELECT \(table.index) AS tbl, id, _seq FROM \"\(source)\" WHERE \(filter) ORDER BY _seq LIMIT $3)")
                }
            }
            var bindings = PostgresBindings()
            bindings.append(Int64(cursor))
            bindings.append(echo)
            bindings.append(Int64(limit))
            if principal.role == .province { bindings.append(tenant ?? ByteBuffer()) }
            let positions = try await rows(connection, parts.joined(separator: "\nUNION ALL ") + "\nORDER BY _seq LIMIT $3", bindings)
            var entries: [(table: Int, key: SyncValue, seq: Int64)] = []
            for row in positions {
                let cells = row.makeRandomAccess()
                entries.append((Int(try cells[0].decode(Int32.self)), .blob(try PostgresValues.bytes(cells[1]) ?? []), try cells[2].decode(Int64.self)))
            }
            let hasMore = entries.count == limit
            let upper: Int64
            if hasMore {
                upper = entries.last!.seq
            } else {
                upper = try await rows(connection, "SELECT position FROM _sync_feed WHERE id = 1")[0].makeRandomAccess()[0].decode(Int64.self)
            }
            let storedRows = PostgresRows(store: self, connection: connection)
            var states: [Int: [SyncValue: StoredRow]] = [:]
            for (tableIndex, group) in Dictionary(grouping: entries, by: \.table) {
                let (found, unreadable) = try await storedRows.load(storage.tables[tableIndex], keys: group.map(\.key), directory: &directory)
                states[tableIndex] = found
                // Not sent until repaired (the next write of the row rewrites its metadata).
                for problem in unreadable.values { logger.error("a row was left out of a pull: \(problem)") }
            }
            var changes: [RowChange] = []
            changes.reserveCapacity(entries.count)
            for entry in entries {
                guard let state = states[entry.table]?[entry.key]?.state else { continue }
                changes.append(RowChange(table: storage.tables[entry.table].schema.name, key: entry.key, state: state))
            }
            let conflicts = try await conflictRecords(connection, after: Int64(cursor), through: upper, for: principal)
            return (PullResult(changes: changes, conflicts: conflicts, nextCursor: UInt64(max(upper, Int64(cursor))), hasMore: hasMore), directory)
        }
        remember(directory)
        return page
    }

    /// Conflict records numbered in `(after, through]` that `principal` may see.
    private func conflictRecords(_ connection: PostgresConnection, after: Int64, through: Int64, for principal: Principal) async throws -> [ConflictRecord] {
        var bindings = PostgresBindings()
        bindings.append(after)
        bindings.append(through)
        var sql = "SELECT tbl, pk, col, kind, replica, counter, hlc, value FROM _sync_conflicts WHERE seq > $1 AND seq <= $2"
        if principal.role == .province {
            bindings.append(ByteBuffer(bytes: principal.tenantID.map(ChangePolicy.bytes(of:)) ?? []))
            bindings.append(storage.tables.filter { $0.schema.scope != .tenant }.map(\.schema.name))
            sql += " AND (tenant = $3 OR tbl = ANY($4::text[]))"
        }
        return try await rows(connection, sql + " ORDER BY seq", bindings).compactMap { row in
            let cells = row.makeRandomAccess()
            guard let kind = ConflictRecord.Kind(rawValue: UInt8(clamping: try cells[3].decode(Int16.self))),
                  let replica = ReplicaID(bytes: try PostgresValues.bytes(cells[4]) ?? []) else { return nil }
            return ConflictRecord(
                table: try cells[0].decode(String.self), key: .blob(try PostgresValues.bytes(cells[1]) ?? []),
                column: try cells[2].decode(String.self), kind: kind,
                losingValue: PostgresValues.decodeAny(try PostgresValues.bytes(cells[7]) ?? []),
                losingStamp: Stamp(
                    hlc: HLC(rawValue: UInt64(bitPattern: try cells[6].decode(Int64.self))),
                    dot: Dot(replica: replica, counter: UInt64(bitPattern: try cells[5].decode(Int64.self)))
                )
            )
        }
    }
}
