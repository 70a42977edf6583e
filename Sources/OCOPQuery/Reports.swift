import Foundation
import GRDB
import OCOPModel
import OCOPReplica

/// A dimension the stars report can be broken down by (besides stars, always present).
public enum StarsDimension: String, Sendable, Hashable, CaseIterable {
    case province
    case sector
    case producerType = "producer-type"
}

/// One line of the stars report: how many products hold a certificate in force at a star level
/// in one cell of the chosen dimensions (nil where the dimension was not chosen).
public struct StarsRow: Sendable, Hashable {
    public var stars: Int
    public var provinceCode: String?
    public var provinceName: String?
    /// `version:sector`, e.g. `QD148-2023:1`.
    public var sector: String?
    public var sectorName: String?
    public var producerType: String?
    public var products: Int
}

/// A certificate due for its expiry notice, or already expired.
public struct ExpiringCertificate: Sendable, Hashable {
    public enum State: String, Sendable { case expiring, expired }
    public var certificateID: UUID
    public var number: String
    public var stars: Int
    public var issuer: String
    public var expiresOn: LocalDate
    /// Days from the report date to `expires_on` (0 = expires today, negative = expired).
    public var daysLeft: Int
    public var state: State
    /// The stored status (`active`, or `expired` once `ocop central expire` marked it).
    public var storedStatus: String
    public var productID: UUID
    public var productName: String
    public var provinceCode: String?
}

/// A product whose latest evaluation earned 5★ (total ≥ 90) and that has no central 5★
/// certificate for it yet: a "potential 5★" awaiting the central office.
public struct FiveStarCandidate: Sendable, Hashable {
    public var evaluationID: UUID
    public var productID: UUID
    public var productName: String
    public var provinceCode: String?
    public var evaluatedOn: LocalDate
    public var council: String
    public var total: Double
    public var stars: Int
}

/// Sync status of one province account.
public struct ProvinceSyncStatus: Sendable, Hashable {
    public var user: String
    public var tenantID: UUID?
    public var provinceCode: String?
    public var provinceName: String?
    public var isEnabled: Bool
    /// Replicas (machines) the server has met for this account.
    public var replicas: Int
    /// The latest push or pull of any of its replicas (ISO 8601), nil if never synced.
    public var lastSyncAt: String?
    /// Seconds from the last sync to the report time; nil if never synced.
    public var lagSeconds: Int?
    /// Rows the slowest replica of the account has not been sent yet: changes in the national
    /// feed after the last page it was served that it would receive (its own rows and rows
    /// everyone sees; other provinces' rows do not count). 0 right after a complete sync.
    public var feedBehind: Int64?
    /// Conflicts on this province's rows not yet resolved by the central office.
    public var pendingConflicts: Int
    /// Conflicts and refused changes counted by the server for its pushes, all time.
    public var conflictsRecorded: Int64
    public var refused: Int64
}

/// The central office's reports over the national dataset (read-only).
public struct CentralReports: Sendable {
    public let database: any DatabaseReader
    public let reference: ReferenceData

    public init(database: any DatabaseReader, reference: ReferenceData = .standard) {
        self.database = database
        self.reference = reference
    }

    // MARK: Stars

    /// Products with a certificate in force on `date` (stored status active and
    /// `issued_on ≤ date ≤ expires_on`), counted by stars and the chosen dimensions, like the
    /// programme's published statistics. A product with several such certificates counts once,
    /// at its highest level. Sorted by stars descending, then the dimensions.
    public func stars(on date: LocalDate, by dimensions: Set<StarsDimension>) throws -> [StarsRow] {
        let rows = try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT f.stars, t.code AS province_code, t.name AS province_name,
                       p.classification_version AS version, p.classification_code AS code, r.type AS producer_type
                FROM (SELECT product_id, max(stars) AS stars FROM certificates
                      WHERE status = 'active' AND issued_on <= :date AND expires_on >= :date
                      GROUP BY product_id) f
                JOIN products p ON p.id = f.product_id
                LEFT JOIN tenants t ON t.id = p.tenant_id
                LEFT JOIN producers r ON r.id = p.producer_id
                """, arguments: ["date": date.description])
        }
        var counts: [StarsRow: Int] = [:]
        for row in rows {
            var key = StarsRow(stars: row["stars"], products: 0)
            if dimensions.contains(.province) {
                key.provinceCode = row["province_code"] ?? "?"
                key.provinceName = row["province_name"] ?? "?"
            }
            if dimensions.contains(.sector) {
                let version: String = row["version"] ?? "?"
                let sector = (row["code"] as String? ?? "?").split(separator: ".").first.map(String.init) ?? "?"
                key.sector = "\(version):\(sector)"
                key.sectorName = reference.label(version: version, code: sector, in: .vi) ?? "?"
            }
            if dimensions.contains(.producerType) { key.producerType = row["producer_type"] ?? "?" }
            counts[key, default: 0] += 1
        }
        return counts.map { key, count in
            var row = key
            row.products = count
            return row
        }.sorted {
            ($0.stars, $1.provinceCode ?? "", $1.sector ?? "", $1.producerType ?? "")
                > ($1.stars, $0.provinceCode ?? "", $0.sector ?? "", $0.producerType ?? "")
        }
    }

    // MARK: Expiry

    /// Certificates whose 30-day notice is due on `date` (active, `date ≤ expires_on ≤ date + days`)
    /// and certificates already expired (active with `expires_on < date`, or stored as expired),
    /// ordered by expiry date. A certificate is valid through `expires_on` inclusive.
    public func expiring(on date: LocalDate, withinDays days: Int) throws -> [ExpiringCertificate] {
        let limit = (try? date.adding(days: days)) ?? date
        let rows = try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT c.id, c.number, c.stars, c.issuer, c.expires_on, c.status, c.product_id,
                       p.name_vi, t.code AS province_code
                FROM certificates c
                LEFT JOIN products p ON p.id = c.product_id
                LEFT JOIN tenants t ON t.id = c.tenant_id
                WHERE (c.status = 'active' AND c.expires_on <= :limit) OR c.status = 'expired'
                ORDER BY c.expires_on, c.number
                """, arguments: ["limit": limit.description])
        }
        return rows.compactMap { row in
            guard let expires = LocalDate.fromDatabaseValue(row["expires_on"]) else { return nil }
            let status: String = row["status"]
            let left = date.days(to: expires)
            return ExpiringCertificate(
                certificateID: row["id"], number: row["number"], stars: row["stars"], issuer: row["issuer"],
                expiresOn: expires, daysLeft: left, state: status == "expired" || left < 0 ? .expired : .expiring,
                storedStatus: status, productID: row["product_id"], productName: row["name_vi"] ?? "?",
                provinceCode: row["province_code"]
            )
        }
    }

    // MARK: Candidates

    /// Products whose latest evaluation earned 5★ (under the bands of its criteria set: total
    /// ≥ 90) with no central 5★ certificate issued for that evaluation or on/after its date.
    public func fiveStarCandidates() throws -> [FiveStarCandidate] {
        try database.read { db in
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

    // MARK: Sync

    /// Changes in the national feed after `position` that a province would be sent: its own
    /// rows and rows everyone sees (owner 0), not other provinces' rows, which used to be
    /// counted and made a province that had just synced look far behind.
    static func rowsToSend(_ db: Database, tenant: DatabaseValue, after position: Int64) throws -> Int64 {
        try Int64.fetchOne(db, sql: """
            SELECT count(*) FROM _sync_rows WHERE seq > ? AND (owner = 0 OR owner = (SELECT idx FROM _sync_replicas WHERE id = ?))
            """, arguments: [position, tenant]) ?? 0
    }

    /// Per province account: last sync, lag, pending (unresolved) conflicts on its rows.
    public func sync(now: Date = Date()) throws -> [ProvinceSyncStatus] {
        let pending = Dictionary(grouping: try ConflictReview(database: database).items().filter { $0.resolution == nil },
                                 by: { $0.tenantID }).mapValues(\.count)
        let parser = ISO8601DateFormatter()
        return try database.read { db in
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
                    feedBehind: try served.map { try Self.rowsToSend(db, tenant: row["tenant_id"], after: $0) }, pendingConflicts: tenant.flatMap { pending[$0] } ?? 0,
                    conflictsRecorded: row["conflicts"], refused: row["refused"]
                )
            }
        }
    }
}
