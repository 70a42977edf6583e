import Foundation
import OCOPModel
import OCOPStore
import PostgresNIO

// The facts behind the central office's reports (NationalReads), in PostgreSQL's SQL: the
// SQLite reader's statements, with text compared and sorted COLLATE "C" (bytewise, as SQLite's
// BINARY does, whatever locale the database was made with) and NULLs first where SQLite puts them.
extension PostgresNationalStore {
    public func certifiedProducts(on date: LocalDate) async throws -> [CertifiedProduct] {
        var parameters = ReadParameters()
        let day = parameters.bind(date.description)
        return try await reading { connection in
            try await rows(connection, """
                SELECT c.product_id, c.stars, c.status, c.issued_on, c.expires_on, ev.revoked_on, ev.superseded_on, s.issued_on,
                       t.code, t.name, p.classification_version, p.classification_code, r.type
                FROM certificates c
                JOIN products p ON p.id = c.product_id
                \(CertificateFacts.joins)
                LEFT JOIN tenants t ON t.id = \(CertificateFacts.tenantOnDate("\(day) COLLATE \"C\""))
                LEFT JOIN producers r ON r.id = p.producer_id
                WHERE c.issued_on <= \(day) COLLATE "C" AND c.expires_on >= \(day) COLLATE "C"
                """, parameters.bindings).compactMap { row in
                let row = ReadRow(row)
                guard let history = CertificateFacts.history(
                    issuedOn: try row.optionalText(3), expiresOn: try row.optionalText(4), status: try row.optionalText(2),
                    revokedOn: try row.optionalText(5), supersededOn: try row.optionalText(6), successorOn: try row.optionalText(7)) else { return nil }
                return CertifiedProduct(
                    productID: try row.uuid(0), stars: try row.int(1), provinceCode: try row.optionalText(8), provinceName: try row.optionalText(9),
                    classificationVersion: try row.optionalText(10), classificationCode: try row.optionalText(11),
                    producerType: try row.optionalText(12), history: history)
            }
        }
    }

    public func certificatesDue(through limit: LocalDate) async throws -> [CertificateDue] {
        var parameters = ReadParameters()
        let last = parameters.bind(limit.description)
        return try await reading { connection in
            try await rows(connection, """
                SELECT c.id, c.number, c.stars, c.issuer, c.issued_on, c.expires_on, c.status, c.product_id, p.name_vi, t.code,
                       ev.revoked_on, ev.superseded_on, s.issued_on
                FROM certificates c
                LEFT JOIN products p ON p.id = c.product_id
                LEFT JOIN tenants t ON t.id = c.tenant_id
                \(CertificateFacts.joins)
                WHERE c.expires_on <= \(last) COLLATE "C"
                ORDER BY c.expires_on COLLATE "C", c.number COLLATE "C"
                """, parameters.bindings).compactMap { row in
                let row = ReadRow(row)
                guard let history = CertificateFacts.history(
                    issuedOn: try row.optionalText(4), expiresOn: try row.optionalText(5), status: try row.optionalText(6),
                    revokedOn: try row.optionalText(10), supersededOn: try row.optionalText(11), successorOn: try row.optionalText(12)) else { return nil }
                return CertificateDue(
                    certificateID: try row.uuid(0), number: try row.text(1), stars: try row.int(2), issuer: try row.text(3),
                    expiresOn: history.expiresOn, storedStatus: try row.text(6), productID: try row.uuid(7),
                    productName: try row.optionalText(8), provinceCode: try row.optionalText(9), history: history)
            }
        }
    }

    public func fiveStarCandidates() async throws -> [FiveStarCandidate] {
        try await reading { connection in
            try await rows(connection, """
                SELECT e.id, e.product_id, e.evaluated_on, e.council, e.total, e.stars, p.name_vi, t.code
                FROM evaluations e
                LEFT JOIN products p ON p.id = e.product_id
                LEFT JOIN tenants t ON t.id = e.tenant_id
                WHERE e.stars >= 5
                  AND NOT EXISTS (SELECT 1 FROM evaluations later WHERE later.product_id = e.product_id
                                  AND (later.evaluated_on > e.evaluated_on COLLATE "C"
                                       OR (later.evaluated_on = e.evaluated_on AND later.id > e.id)))
                  AND NOT EXISTS (SELECT 1 FROM certificates c WHERE c.product_id = e.product_id AND c.issuer = 'central'
                                  AND c.stars = 5 AND (c.evaluation_id = e.id OR c.issued_on >= e.evaluated_on COLLATE "C"))
                ORDER BY e.evaluated_on COLLATE "C", e.id
                """).compactMap { row in
                let row = ReadRow(row)
                guard let date = LocalDate(try row.text(2)) else { return nil }
                return FiveStarCandidate(
                    evaluationID: try row.uuid(0), productID: try row.uuid(1), productName: try row.optionalText(6) ?? "?",
                    provinceCode: try row.optionalText(7), evaluatedOn: date, council: try row.text(3),
                    total: try row.double(4), stars: try row.int(5))
            }
        }
    }

    public func provinceSyncStatuses(now: Date) async throws -> [ProvinceSyncStatus] {
        try await reading { connection in
            let parser = ISO8601DateFormatter()
            // Where each replica stands: the end of the last page it was served, or, before it was
            // served one, the start of the last it asked for.
            let accounts = try await rows(connection, """
                SELECT a."user", a.tenant_id, a.enabled, t.code, t.name,
                       (SELECT count(*) FROM _server_replicas r WHERE r."user" = a."user"),
                       (SELECT greatest(max(coalesce(r.last_push_at, '') COLLATE "C"), max(coalesce(r.last_pull_at, '') COLLATE "C"))
                        FROM _server_replicas r WHERE r."user" = a."user"),
                       (SELECT min(coalesce(r.served_through, r.pulled)) FROM _server_replicas r WHERE r."user" = a."user"),
                       (SELECT coalesce(sum(r.conflicts), 0)::bigint FROM _server_replicas r WHERE r."user" = a."user"),
                       (SELECT coalesce(sum(r.refused), 0)::bigint FROM _server_replicas r WHERE r."user" = a."user")
                FROM _server_accounts a LEFT JOIN tenants t ON t.id = a.tenant_id
                WHERE a.role = 'province'
                ORDER BY t.code COLLATE "C" NULLS FIRST, a."user" COLLATE "C"
                """)
            var statuses: [ProvinceSyncStatus] = []
            for row in accounts {
                let row = ReadRow(row)
                let tenant = try row.bytes(1)
                let last = try row.optionalText(6).flatMap { $0.isEmpty ? nil : $0 }
                let lag = last.flatMap { parser.date(from: $0) }.map { max(0, Int(now.timeIntervalSince($0))) }
                var behind: Int64?
                if let served = try row.optionalInt64(7) { behind = try await rowsToSend(connection, tenant: tenant, after: served) }
                statuses.append(ProvinceSyncStatus(
                    user: try row.text(0), tenantID: tenant.flatMap(OCOPStore.uuid(fromBlob:)), provinceCode: try row.optionalText(3),
                    provinceName: try row.optionalText(4), isEnabled: try row.bool(2), replicas: try row.int(5), lastSyncAt: last,
                    lagSeconds: lag, feedBehind: behind, pendingConflicts: 0, conflictsRecorded: try row.int64(8), refused: try row.int64(9)))
            }
            return statuses
        }
    }

    /// Changes in the national feed after `position` that a province would be sent: its own rows
    /// and rows everyone sees (tables that are not per province), live or deleted, but not other
    /// provinces' rows (counting those made a province that had just synced look far behind).
    func rowsToSend(_ connection: PostgresConnection, tenant: [UInt8]?, after position: Int64) async throws -> Int64 {
        var bindings = PostgresBindings()
        bindings.append(position)
        if let tenant { bindings.append(ByteBuffer(bytes: tenant)) } else { bindings.appendNull() }
        return try ReadRow(try await rows(connection, Self.rowsToSendSQL, bindings)[0]).int64(0)
    }

    /// `$1` the position, `$2` the province's tenant id (NULL: only the rows everyone sees).
    private static let rowsToSendSQL: String = {
        var counts: [String] = []
        for table in OCOPSchema.tables {
            let filter = table.scope == .tenant ? "_seq > $1 AND tenant_id = $2" : "_seq > $1"
            for name in [table.name, PostgresSchema.tombName(table)] {
                counts.append("(SELECT count(*) FROM \"\(name)\" WHERE \(filter))")
            }
        }
        return "SELECT " + counts.joined(separator: "\n  + ")
    }()
}
