import Foundation
import GRDB
import OCOPModel
import OCOPReplica

// The facts behind the central office's reports (NationalReads), in SQLite's SQL.
extension SQLiteNationalReader {
    public func certifiedProducts(on date: LocalDate) async throws -> [CertifiedProduct] {
        try await reading { db in
            let tenant = try db.tableExists("_tenant_merges") ? CertificateFacts.tenantOnDate(":date") : "p.tenant_id"
            return try Row.fetchAll(db, sql: """
                SELECT c.product_id, c.stars, c.status, c.issued_on, c.expires_on, ev.revoked_on, ev.superseded_on, s.issued_on AS successor_on,
                       t.code AS province_code, t.name AS province_name,
                       p.classification_version AS version, p.classification_code AS code, r.type AS producer_type
                FROM certificates c
                JOIN products p ON p.id = c.product_id
                \(CertificateFacts.joins)
                LEFT JOIN tenants t ON t.id = \(tenant)
                LEFT JOIN producers r ON r.id = p.producer_id
                WHERE c.issued_on <= :date AND c.expires_on >= :date
                """, arguments: ["date": date.description]).compactMap { row in
                guard let history = CertificateFacts.history(
                    issuedOn: row["issued_on"], expiresOn: row["expires_on"], status: row["status"],
                    revokedOn: row["revoked_on"], supersededOn: row["superseded_on"], successorOn: row["successor_on"]) else { return nil }
                return CertifiedProduct(
                    productID: row["product_id"], stars: row["stars"], provinceCode: row["province_code"], provinceName: row["province_name"],
                    classificationVersion: row["version"], classificationCode: row["code"], producerType: row["producer_type"],
                    history: history)
            }
        }
    }

    public func certificatesDue(through limit: LocalDate) async throws -> [CertificateDue] {
        try await reading { db in
            try Row.fetchAll(db, sql: """
                SELECT c.id, c.number, c.stars, c.issuer, c.issued_on, c.expires_on, c.status, c.product_id,
                       p.name_vi, t.code AS province_code, ev.revoked_on, ev.superseded_on, s.issued_on AS successor_on
                FROM certificates c
                LEFT JOIN products p ON p.id = c.product_id
                LEFT JOIN tenants t ON t.id = c.tenant_id
                \(CertificateFacts.joins)
                WHERE c.expires_on <= :limit
                ORDER BY c.expires_on, c.number
                """, arguments: ["limit": limit.description]).compactMap { row in
                guard let history = CertificateFacts.history(
                    issuedOn: row["issued_on"], expiresOn: row["expires_on"], status: row["status"],
                    revokedOn: row["revoked_on"], supersededOn: row["superseded_on"], successorOn: row["successor_on"]) else { return nil }
                return CertificateDue(
                    certificateID: row["id"], number: row["number"], stars: row["stars"], issuer: row["issuer"],
                    expiresOn: history.expiresOn, storedStatus: row["status"], productID: row["product_id"],
                    productName: row["name_vi"], provinceCode: row["province_code"], history: history)
            }
        }
    }

    public func fiveStarCandidates() async throws -> [FiveStarCandidate] {
        try await reading { db in
            try Row.fetchAll(db, sql: """
                SELECT e.id, e.product_id, e.evaluated_on, e.council, e.total, e.stars, p.name_vi, t.code AS province_code
                FROM evaluations e
                LEFT JOIN products p ON p.id = e.product_id
                LEFT JOIN tenants t ON t.id = e.tenant_id
                WHERE e.stars >= 5
                  AND NOT EXISTS (SELECT 1 FROM evaluations later WHERE later.product_id = e.product_id
                                  AND (later.evaluated_on > e.evaluated_on OR (later.evaluated_on = e.evaluated_on AND later.id > e.id)))
                  AND NOT EXISTS (SELECT 1 FROM certificates c WHERE c.product_id = e.product_id AND c.issuer = 'central'
                                  AND c.stars = 5 AND (c.evaluation_id = e.id OR c.issued_on >= e.evaluated_on))
                ORDER BY e.evaluated_on, e.id
                """).compactMap { row in
                guard let date = LocalDate.fromDatabaseValue(row["evaluated_on"]) else { return nil }
                return FiveStarCandidate(
                    evaluationID: row["id"], productID: row["product_id"], productName: row["name_vi"] ?? "?",
                    provinceCode: row["province_code"], evaluatedOn: date, council: row["council"],
                    total: row["total"], stars: row["stars"]
                )
            }
        }
    }

    /// Changes in the national feed after `position` that a province would be sent: its own
    /// rows and rows everyone sees (owner 0), not other provinces' rows, which used to be
    /// counted and made a province that had just synced look far behind.
    static func rowsToSend(_ db: Database, tenant: DatabaseValue, after position: Int64) throws -> Int64 {
        try Int64.fetchOne(db, sql: """
            SELECT count(*) FROM _sync_rows WHERE seq > ? AND (owner = 0 OR owner = (SELECT idx FROM _sync_replicas WHERE id = ?))
            """, arguments: [position, tenant]) ?? 0
    }

    public func provinceSyncStatuses(now: Date) async throws -> [ProvinceSyncStatus] {
        try await reading { db in
            let parser = ISO8601DateFormatter()
            // Where each replica stands: the end of the last page it was served (older stores
            // without that table: the start of it, which overstates by one page).
            let served = try db.tableExists("_server_pull_served")
                ? "coalesce((SELECT p.served_through FROM _server_pull_served p WHERE p.replica = r.replica), r.pulled)"
                : "r.pulled"
            return try Row.fetchAll(db, sql: """
                SELECT a.user, a.tenant_id, a.enabled, t.code, t.name,
                       (SELECT count(*) FROM _server_replicas r WHERE r.user = a.user) AS replicas,
                       (SELECT max(max(coalesce(last_push_at, '')), max(coalesce(last_pull_at, ''))) FROM _server_replicas r WHERE r.user = a.user) AS last_sync,
                       (SELECT min(\(served)) FROM _server_replicas r WHERE r.user = a.user) AS served,
                       (SELECT coalesce(sum(conflicts), 0) FROM _server_replicas r WHERE r.user = a.user) AS conflicts,
                       (SELECT coalesce(sum(refused), 0) FROM _server_replicas r WHERE r.user = a.user) AS refused
                FROM _server_accounts a LEFT JOIN tenants t ON t.id = a.tenant_id
                WHERE a.role = 'province'
                ORDER BY t.code, a.user
                """).map { row in
                let tenant: UUID? = row["tenant_id"]
                let last: String? = (row["last_sync"] as String?).flatMap { $0.isEmpty ? nil : $0 }
                let lag = last.flatMap { parser.date(from: $0) }.map { max(0, Int(now.timeIntervalSince($0))) }
                let served: Int64? = row["served"]
                return ProvinceSyncStatus(
                    user: row["user"], tenantID: tenant, provinceCode: row["code"], provinceName: row["name"],
                    isEnabled: row["enabled"], replicas: row["replicas"], lastSyncAt: last, lagSeconds: lag,
                    feedBehind: try served.map { try Self.rowsToSend(db, tenant: row["tenant_id"], after: $0) }, pendingConflicts: 0,
                    conflictsRecorded: row["conflicts"], refused: row["refused"]
                )
            }
        }
    }
}
