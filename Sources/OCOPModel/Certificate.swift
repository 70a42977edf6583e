import Foundation

/// An OCOP certificate: a decision recognising a product at a star level for 36 months
/// (`certificates`, tenant scope: the product's province, also when the central office issues
/// a 5★ certificate).
///
/// Make new certificates with ``CertificationPolicy/issue(id:number:for:issuer:issuedOn:replacing:reference:)``,
/// which enforces who may issue what and computes the expiry. Statuses: see
/// ``CertificateStatus`` and ``effectiveStatus(on:policy:)``.
public struct Certificate: OCOPRecord {
    public static let schema = OCOPSchema.certificates

    public var id: UUID
    public var tenantID: UUID
    public var productID: UUID
    public var evaluationID: UUID?
    /// The certificate (decision) number as printed, e.g. `123/QĐ-UBND`.
    public var number: String
    public var stars: Int
    public var issuer: CouncilLevel
    public var issuedOn: LocalDate
    /// `issued_on` + 36 months; the last day the certificate is valid.
    public var expiresOn: LocalDate
    public var status: CertificateStatus
    /// The certificate this one replaces (re-evaluation), if any.
    public var previousCertificateID: UUID?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case tenantID = "tenant_id"
        case productID = "product_id"
        case evaluationID = "evaluation_id"
        case number, stars, issuer
        case issuedOn = "issued_on"
        case expiresOn = "expires_on"
        case status
        case previousCertificateID = "previous_certificate_id"
    }

    /// A record with every column given as is (for rows read back or received, or migrated);
    /// validate it. The number is trimmed and normalised to NFC.
    public init(id: UUID = UUIDv7.generate(), tenantID: UUID, productID: UUID, evaluationID: UUID?, number: String,
                stars: Int, issuer: CouncilLevel, issuedOn: LocalDate, expiresOn: LocalDate,
                status: CertificateStatus = .active, previousCertificateID: UUID? = nil) {
        self.id = id
        self.tenantID = tenantID
        self.productID = productID
        self.evaluationID = evaluationID
        self.number = number.trimmedNFC()
        self.stars = stars
        self.issuer = issuer
        self.issuedOn = issuedOn
        self.expiresOn = expiresOn
        self.status = status
        self.previousCertificateID = previousCertificateID
    }

    /// The status on `date` (see ``CertificationPolicy/status(of:on:)``): active through
    /// `expires_on` inclusive, expired after; revoked and superseded are final.
    public func effectiveStatus(on date: LocalDate, policy: CertificationPolicy = .standard) -> CertificateStatus {
        policy.status(of: self, on: date)
    }

    /// Whether the expiry notice is due on `date` (the last 30 days up to `expires_on`, while
    /// active). See ``CertificationPolicy/needsExpiryNotice(_:on:)``.
    public func needsExpiryNotice(on date: LocalDate, policy: CertificationPolicy = .standard) -> Bool {
        policy.needsExpiryNotice(self, on: date)
    }

    /// A copy marked revoked. Revocation is final: later status queries keep it revoked.
    public func revoked() -> Certificate {
        var copy = self
        copy.status = .revoked
        return copy
    }

    /// Checks: number present; stars 3...5 and allowed for the issuer on `issued_on` (policy
    /// from `reference`); `expires_on` = `issued_on` + 36 months; no self-reference.
    public func validationErrors(reference: ReferenceData) -> [ValidationError] {
        let policy = reference.certificationPolicy
        var check = FieldChecks(Self.schema.name)
        check.requiredText(number, "number")
        if !(policy.minimumCertifiedStars...5).contains(stars) {
            check.fail("stars", "\(stars) is not a certified level: expected \(policy.minimumCertifiedStars) to 5")
        } else if !policy.mayCertify(stars: stars, by: issuer, on: issuedOn) {
            check.fail("issuer", "a \(issuer.rawValue) issuer may not certify \(stars)★ on \(issuedOn)")
        }
        if let expected = try? policy.expiryDate(issuedOn: issuedOn) {
            if expiresOn != expected {
                check.fail("expires_on", "\(expiresOn) should be \(expected), \(policy.validityMonths) months after issued_on \(issuedOn)")
            }
        } else {
            check.fail("issued_on", "\(issuedOn) is too late to add \(policy.validityMonths) months")
        }
        check.notSelf(previousCertificateID, id: id, "previous_certificate_id")
        return check.errors
    }
}
