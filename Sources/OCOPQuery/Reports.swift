import Foundation
import OCOPModel
import OCOPStore

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

/// The central office's reports over the national dataset (read-only): the composition of the
/// facts a backend returns (``NationalReads``) into the programme's published figures.
public struct CentralReports: Sendable {
    public let store: any NationalReads
    public let reference: ReferenceData

    public init(store: any NationalReads, reference: ReferenceData = .standard) {
        self.store = store
        self.reference = reference
    }

    // MARK: Stars

    /// Products with a certificate in force on `date` (stored status active and
    /// `issued_on ≤ date ≤ expires_on`), counted by stars and the chosen dimensions, like the
    /// programme's published statistics. A product with several such certificates counts once,
    /// at its highest level. Sorted by stars descending, then the dimensions.
    public func stars(on date: LocalDate, by dimensions: Set<StarsDimension>) async throws -> [StarsRow] {
        var counts: [StarsRow: Int] = [:]
        for product in try await store.certifiedProducts(on: date) {
            var key = StarsRow(stars: product.stars, products: 0)
            if dimensions.contains(.province) {
                key.provinceCode = product.provinceCode ?? "?"
                key.provinceName = product.provinceName ?? "?"
            }
            if dimensions.contains(.sector) {
                let version = product.classificationVersion ?? "?"
                let sector = (product.classificationCode ?? "?").split(separator: ".").first.map(String.init) ?? "?"
                key.sector = "\(version):\(sector)"
                key.sectorName = reference.label(version: version, code: sector, in: .vi) ?? "?"
            }
            if dimensions.contains(.producerType) { key.producerType = product.producerType ?? "?" }
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
    public func expiring(on date: LocalDate, withinDays days: Int) async throws -> [ExpiringCertificate] {
        let limit = (try? date.adding(days: days)) ?? date
        return try await store.certificatesDue(through: limit).map { due in
            let left = date.days(to: due.expiresOn)
            return ExpiringCertificate(
                certificateID: due.certificateID, number: due.number, stars: due.stars, issuer: due.issuer,
                expiresOn: due.expiresOn, daysLeft: left, state: due.storedStatus == "expired" || left < 0 ? .expired : .expiring,
                storedStatus: due.storedStatus, productID: due.productID, productName: due.productName ?? "?",
                provinceCode: due.provinceCode
            )
        }
    }

    // MARK: Candidates

    /// Products whose latest evaluation earned 5★ (under the bands of its criteria set: total
    /// ≥ 90) with no central 5★ certificate issued for that evaluation or on/after its date.
    public func fiveStarCandidates() async throws -> [FiveStarCandidate] {
        try await store.fiveStarCandidates()
    }

    // MARK: Sync

    /// Per province account: last sync, lag, pending (unresolved) conflicts on its rows.
    public func sync(now: Date = Date()) async throws -> [ProvinceSyncStatus] {
        let pending = Dictionary(grouping: try await ConflictReview(store: store).pending(), by: { $0.tenantID }).mapValues(\.count)
        return try await store.provinceSyncStatuses(now: now).map { status in
            var status = status
            status.pendingConflicts = status.tenantID.flatMap { pending[$0] } ?? 0
            return status
        }
    }
}
