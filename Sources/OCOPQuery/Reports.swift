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
    /// The province's code and name on the report's date.
    public var provinceCode: String?
    public var provinceName: String?
    /// The province's ISO 3166-2:VN code on the report's date.
    public var provinceISO: String?
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

    /// Products with a certificate in force on `date` (by its dated history: issued by then, not
    /// revoked or superseded by then, `date ≤ expires_on`), counted by stars and the chosen
    /// dimensions, like the programme's published statistics. A product with several such
    /// certificates counts once, at its highest level. Provinces are the units of that date:
    /// their code, name and ISO 3166-2:VN code then. Sorted by stars descending, then the
    /// dimensions.
    public func stars(on date: LocalDate, by dimensions: Set<StarsDimension>) async throws -> [StarsRow] {
        try Self.requireProgrammeDate(date)
        var highest: [UUID: CertifiedProduct] = [:]
        for certificate in try await store.certifiedProducts(on: date) where certificate.history.isInForce(on: date) {
            if let known = highest[certificate.productID], known.stars >= certificate.stars { continue }
            highest[certificate.productID] = certificate
        }
        var counts: [StarsRow: Int] = [:]
        for product in highest.values {
            var key = StarsRow(stars: product.stars, products: 0)
            if dimensions.contains(.province) {
                let unit = product.provinceCode.flatMap { reference.provinces.unit(ofTenantCode: $0, on: date) }
                key.provinceCode = unit?.code ?? product.provinceCode ?? "?"
                key.provinceName = unit?.name ?? product.provinceName ?? "?"
                key.provinceISO = unit.flatMap { reference.provinces.isoCode(code: $0.code, on: date) }
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

    /// Refuses a report date before the programme began: there is nothing to report then, and
    /// such a date is almost always a typing slip.
    static func requireProgrammeDate(_ date: LocalDate) throws {
        if date < ReferenceData.programmeStart {
            throw CentralError(.badData, "date: \(date) is before the OCOP programme began (\(ReferenceData.programmeStart), Decision 490/QĐ-TTg)")
        }
    }

    // MARK: Expiry

    /// What the expiry report says on `date`: certificates in force whose 30-day notice is due
    /// (`date ≤ expires_on ≤ date + days`) and certificates whose validity had ended by `date`
    /// (`expires_on < date`) without being revoked or superseded first — all by their dated
    /// history, so a past date gets the answer it had then, whatever was recorded since.
    /// Ordered by expiry date. A certificate is valid through `expires_on` inclusive.
    public func expiring(on date: LocalDate, withinDays days: Int) async throws -> [ExpiringCertificate] {
        try Self.requireProgrammeDate(date)
        let limit = (try? date.adding(days: days)) ?? date
        return try await store.certificatesDue(through: limit).compactMap { due in
            let state: ExpiringCertificate.State
            switch due.history.status(on: date) {
            case .active: state = .expiring
            case .expired: state = .expired
            case .revoked, .superseded, nil: return nil
            }
            return ExpiringCertificate(
                certificateID: due.certificateID, number: due.number, stars: due.stars, issuer: due.issuer,
                expiresOn: due.expiresOn, daysLeft: date.days(to: due.expiresOn), state: state,
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
