import Foundation
import OCOPModel
import OCOPReplica
import OCOPStore
import OCOPSync
import PostgresNIO

// Central-office decisions: writes of the store's own replica, stamped and numbered in the feed
// like any province's change (``PostgresNationalStore/writeCentrally(_:_:reference:)``).
extension PostgresNationalStore: CentralOffice {
    public func saveInspectionKey(_ key: InspectionKey, reference: ReferenceData) async throws {
        let (id, values) = try key.syncValues()
        let write = CentralWrite(table: InspectionKey.schema.name, key: id, values: values)
        let directory = try await transaction { connection in try await writeCentrally([write], connection, reference: reference) }
        remember(directory)
    }

    public func saveCertificateDecision(_ decision: CertificateLedger.Decision, reference: ReferenceData) async throws {
        var writes = try decision.certificates.map { certificate -> CentralWrite in
            let (key, values) = try certificate.syncValues()
            return CentralWrite(table: Certificate.schema.name, key: key, values: values)
        }
        writes += try decision.events.map { event -> CentralWrite in
            let (key, values) = try event.syncValues()
            return CentralWrite(table: CertificateEvent.schema.name, key: key, values: values)
        }
        let directory = try await transaction { connection in
            // The certificates decided on are locked first, then checked: a concurrent decision
            // on one of them waits for this transaction, and this one sees what it wrote.
            let rows = PostgresRows(store: self, connection: connection)
            guard let table = storage.table(named: Certificate.schema.name) else { throw StoreError(.invalidArgument, "no certificates table") }
            let ids = decision.expectedStatuses.keys.sorted { $0.uuidString < $1.uuidString }
            try await rows.lock(ids.map { id in (table: table.index, key: SyncValue.blob(withUnsafeBytes(of: id.uuid) { Array($0) })) })
            var stored: [UUID: String] = [:]
            for id in ids {
                var parameters = ReadParameters()
                let key = parameters.bind(id)
                stored[id] = try await self.rows(connection, "SELECT status FROM certificates WHERE id = \(key)", parameters.bindings)
                    .first.map { try ReadRow($0).text(0) }
            }
            try Replica.checkUnchanged(decision.expectedStatuses) { stored[$0] }
            return try await writeCentrally(writes, connection, reference: reference)
        }
        remember(directory)
    }

    public func resolveConflict(_ item: ConflictItem, choice: ConflictChoice, writing value: SyncValue?,
                                reference: ReferenceData, at time: Date) async throws -> ConflictItem {
        let resolvedAt = ISO8601DateFormatter().string(from: time)
        let written = value ?? item.winningValue ?? .null
        let directory = try await transaction { connection -> ReplicaDirectory? in
            // Two reviewers resolving the same conflict at once: the second waits, then sees the first.
            try await rows(connection, "SELECT pg_advisory_xact_lock(hashtext($1))", { var b = PostgresBindings(); b.append(item.id); return b }())
            var id = PostgresBindings()
            id.append(item.id)
            if let earlier = try await rows(connection, "SELECT choice, resolved_at FROM _central_resolutions WHERE conflict_id = $1", id).first {
                let cells = earlier.makeRandomAccess()
                throw CentralError(.badData, "conflict \(item.id) was already resolved (\(try cells[0].decode(String.self))) at \(try cells[1].decode(String.self))")
            }
            var directory: ReplicaDirectory?
            if let value {
                guard let table = storage.table(named: item.table), table.schema.column(named: item.column) != nil else {
                    throw CentralError(.badData, "\(item.table) has no column \(item.column)")
                }
                var local = try await self.directory(including: [], connection)
                let stored = try await PostgresRows(store: self, connection: connection).load(table, keys: [item.key], directory: &local).rows[item.key]
                guard let stored, stored.state.isVisible else {
                    throw CentralError(.notFound, "\(item.table) row \(item.key) no longer exists; the conflict cannot be resolved by a value")
                }
                directory = try await writeCentrally([CentralWrite(table: item.table, key: item.key, values: [item.column: value])], connection, reference: reference)
            }
            var bindings = PostgresBindings()
            bindings.append(item.id)
            bindings.append(choice.label)
            bindings.append(PostgresValues.encodeAny(written))
            bindings.append(resolvedAt)
            bindings.append(item.table)
            bindings.append(ByteBuffer(bytes: PostgresRows.keyBytes(item.key)))
            bindings.append(item.column)
            bindings.append(Int16(item.kind.rawValue))
            bindings.append(ByteBuffer(bytes: item.losingOrigin.bytes))
            bindings.append(Int64(bitPattern: item.losingCounter))
            try await rows(connection, """
                INSERT INTO _central_resolutions(conflict_id, tbl, pk, col, kind, replica, counter, choice, value, resolved_at)
                SELECT $1, tbl, pk, col, kind, replica, counter, $2, $3, $4 FROM _sync_conflicts
                WHERE tbl = $5 AND pk = $6 AND col = $7 AND kind = $8 AND replica = $9 AND counter = $10
                """, bindings)
            return directory
        }
        if let directory { remember(directory) }
        logger.notice("conflict resolved", metadata: ["conflict": "\(item.id)", "choice": "\(choice.label)"])
        var resolved = item
        resolved.resolution = ConflictResolution(choice: choice.label, value: written, resolvedAt: resolvedAt)
        return resolved
    }

    public func mergeTenant(_ retired: UUID, into survivor: UUID, lastDay: LocalDate) async throws -> TenantMergeResult {
        guard retired != survivor else { throw StoreError(.invalidArgument, "a province cannot be merged into itself") }
        let retiredKey = ByteBuffer(bytes: ChangePolicy.bytes(of: retired))
        let survivorValue = SyncValue.blob(ChangePolicy.bytes(of: survivor))
        let (result, directory) = try await transaction { connection -> (TenantMergeResult, ReplicaDirectory) in
            for (id, role) in [(retired, "retired"), (survivor, "surviving")] {
                var bindings = PostgresBindings()
                bindings.append(ByteBuffer(bytes: ChangePolicy.bytes(of: id)))
                guard let row = try await rows(connection, "SELECT merged_into FROM tenants WHERE id = $1 FOR UPDATE", bindings).first else {
                    throw StoreError(.invalidArgument, "no \(role) province \(id.uuidString.lowercased()) in the national dataset")
                }
                if try PostgresValues.bytes(row.makeRandomAccess()[0]) != nil {
                    throw StoreError(.invalidArgument, "the \(role) province \(id.uuidString.lowercased()) was already merged into another")
                }
            }
            var writes: [CentralWrite] = []
            var moved: [String: Int] = [:]
            for table in OCOPSchema.tables where table.scope == .tenant {
                var bindings = PostgresBindings()
                bindings.append(table.name)
                bindings.append(ByteBuffer(bytes: ChangePolicy.bytes(of: survivor)))
                bindings.append(lastDay.description)
                bindings.append(retiredKey)
                try await rows(connection, """
                    INSERT INTO _tenant_merges(tbl, pk, from_tenant, into_tenant, merged_on)
                    SELECT $1, id, tenant_id, $2, $3 FROM "\(table.name)" WHERE tenant_id = $4 ON CONFLICT DO NOTHING
                    """, bindings)
                var key = PostgresBindings()
                key.append(retiredKey)
                let ids = try await rows(connection, "SELECT id FROM \"\(table.name)\" WHERE tenant_id = $1 ORDER BY id", key)
                moved[table.name] = ids.count
                for row in ids {
                    let id = SyncValue.blob(try PostgresValues.bytes(row.makeRandomAccess()[0]) ?? [])
                    writes.append(CentralWrite(table: table.name, key: id, values: [TableSchema.tenantColumn: survivorValue]))
                }
            }
            writes.append(CentralWrite(table: OCOPSchema.tenants.name, key: .blob(ChangePolicy.bytes(of: retired)), values: [
                "merged_into": survivorValue, "valid_until": .text(lastDay.description),
            ]))
            let directory = try await writeCentrally(writes, connection)
            var conflicts = PostgresBindings()
            conflicts.append(ByteBuffer(bytes: ChangePolicy.bytes(of: survivor)))
            conflicts.append(retiredKey)
            try await rows(connection, "UPDATE _sync_conflicts SET tenant = $1 WHERE tenant = $2", conflicts)
            // The retired province's account stays enabled: its replica may still push what it had
            // not synced, which lands in the survivor (RetiredProvince); it can no longer pull.
            return (TenantMergeResult(retired: retired, survivor: survivor, movedRows: moved), directory)
        }
        remember(directory)
        logger.notice("tenant merged", metadata: [
            "retired": "\(retired.uuidString.lowercased())", "survivor": "\(survivor.uuidString.lowercased())",
            "rows": "\(result.movedRows.values.reduce(0, +))",
        ])
        return result
    }
}
