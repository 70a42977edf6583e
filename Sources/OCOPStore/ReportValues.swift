import Foundation
import OCOPModel

// What the central office's reports are made of, as a backend returns them: typed values,
// so the reports' composition and JSON stay the same whichever database is behind.

/// A certificate that may have been in force on a day (issued on or before it, expiring on or
/// after it), with the dated facts that decide whether it was (``OCOPModel/CertificateHistory``)
/// and what the stars report breaks counts down by. The province is the one the product
/// belonged to that day (before a merger recorded later, the retired province).
public struct CertifiedProduct: Sendable, Hashable {
    public var productID: UUID
    public var stars: Int
    public var provinceCode: String?
    public var provinceName: String?
    public var classificationVersion: String?
    public var classificationCode: String?
    public var producerType: String?
    /// The certificate's dates, stored status and dated ends.
    public var history: CertificateHistory

    /// Every field, so that a backend in another module can return one.
    public init(productID: UUID, stars: Int, provinceCode: String?, provinceName: String?, classificationVersion: String?,
                classificationCode: String?, producerType: String?, history: CertificateHistory) {
        self.productID = productID
        self.stars = stars
        self.provinceCode = provinceCode
        self.provinceName = provinceName
        self.classificationVersion = classificationVersion
        self.classificationCode = classificationCode
        self.producerType = producerType
        self.history = history
    }
}

/// A certificate the expiry report looks at: one expiring by a day, with its dated history.
public struct CertificateDue: Sendable, Hashable {
    public var certificateID: UUID
    public var number: String
    public var stars: Int
    public var issuer: String
    public var expiresOn: LocalDate
    /// `active`, or `expired` once `ocop central expire` marked it.
    public var storedStatus: String
    public var productID: UUID
    public var productName: String?
    public var provinceCode: String?
    /// The certificate's dates, stored status and dated ends.
    public var history: CertificateHistory

    /// Every field, so that a backend in another module can return one.
    public init(certificateID: UUID, number: String, stars: Int, issuer: String, expiresOn: LocalDate, storedStatus: String,
                productID: UUID, productName: String?, provinceCode: String?, history: CertificateHistory) {
        self.history = history
        self.certificateID = certificateID
        self.number = number
        self.stars = stars
        self.issuer = issuer
        self.expiresOn = expiresOn
        self.storedStatus = storedStatus
        self.productID = productID
        self.productName = productName
        self.provinceCode = provinceCode
    }
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

    /// Every field, so that a backend in another module can return one.
    public init(evaluationID: UUID, productID: UUID, productName: String, provinceCode: String? = nil, evaluatedOn: LocalDate,
                council: String, total: Double, stars: Int) {
        self.evaluationID = evaluationID
        self.productID = productID
        self.productName = productName
        self.provinceCode = provinceCode
        self.evaluatedOn = evaluatedOn
        self.council = council
        self.total = total
        self.stars = stars
    }
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

    /// Every field, so that a backend in another module can return one.
    public init(user: String, tenantID: UUID? = nil, provinceCode: String? = nil, provinceName: String? = nil, isEnabled: Bool,
                replicas: Int, lastSyncAt: String? = nil, lagSeconds: Int? = nil, feedBehind: Int64? = nil,
                pendingConflicts: Int, conflictsRecorded: Int64, refused: Int64) {
        self.user = user
        self.tenantID = tenantID
        self.provinceCode = provinceCode
        self.provinceName = provinceName
        self.isEnabled = isEnabled
        self.replicas = replicas
        self.lastSyncAt = lastSyncAt
        self.lagSeconds = lagSeconds
        self.feedBehind = feedBehind
        self.pendingConflicts = pendingConflicts
        self.conflictsRecorded = conflictsRecorded
        self.refused = refused
    }
}

