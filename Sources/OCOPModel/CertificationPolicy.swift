import Foundation

/// The certification rules as data: who may certify which star levels when, how long a
/// certificate is valid, and when the producer must be warned of expiry.
///
/// Standard rules (``standard``):
/// - 1★ and 2★ get no certificate; 3★ and up are certified with a decision and a certificate.
/// - A province council certifies 3★ and 4★. Only the central office certifies 5★: a province
///   evaluation of 5★ (total ≥ 90) is a proposal, the product a "potential 5★".
/// - Until 30 June 2025, district councils also certified 3★; the district level was abolished
///   on 1 July 2025.
/// - A certificate is valid 36 months from issue: `expires_on = issued_on + 36 months`, the day
///   clamped (issued 2024-02-29 → expires 2027-02-28). It is **active through `expires_on`
///   inclusive** and expired from the next day (the document states an end date; reading it as
///   the last valid day is how such dates are read in Vietnamese administrative practice).
/// - The issuer notifies the producer at least 30 days before expiry: a notice is due from
///   `expires_on − 30 days` through `expires_on` while the certificate is active.
/// - Re-evaluation issues a new certificate referring to the previous one, which becomes
///   `superseded` (if it was active or expired; a revoked certificate stays revoked).
public struct CertificationPolicy: Sendable, Hashable {
    public var authorities: [CertificationAuthority]
    /// The lowest star level that is certified (3).
    public var minimumCertifiedStars: Int
    /// Validity of a certificate in months (36).
    public var validityMonths: Int
    /// Days before expiry from which the expiry notice is due (30).
    public var noticeDays: Int

    public init(authorities: [CertificationAuthority], minimumCertifiedStars: Int, validityMonths: Int, noticeDays: Int) {
        self.authorities = authorities
        self.minimumCertifiedStars = minimumCertifiedStars
        self.validityMonths = validityMonths
        self.noticeDays = noticeDays
    }

    /// The day the district level ceased to exist (1 July 2025).
    public static let districtLevelAbolished = LocalDate.known(2025, 7, 1)

    /// The rules in force since 2019 as described in the type's documentation.
    public static let standard = CertificationPolicy(
        authorities: [
            CertificationAuthority(council: .district, stars: 3...3, effectiveUntil: .known(2025, 6, 30)),
            CertificationAuthority(council: .province, stars: 3...4),
            CertificationAuthority(council: .central, stars: 5...5),
        ],
        minimumCertifiedStars: 3,
        validityMonths: 36,
        noticeDays: 30
    )

    /// Whether `council` may certify `stars` on `date`.
    public func mayCertify(stars: Int, by council: CouncilLevel, on date: LocalDate) -> Bool {
        stars >= minimumCertifiedStars
            && authorities.contains { $0.council == council && $0.stars.contains(stars) && $0.isInForce(on: date) }
    }

    /// What an evaluation of `stars` by `council` on `date` leads to (see ``CertificationDecision``).
    public func decision(forStars stars: Int, by council: CouncilLevel, on date: LocalDate) -> CertificationDecision {
        if stars < minimumCertifiedStars { return .noCertificate(stars: stars) }
        if mayCertify(stars: stars, by: council, on: date) { return .certify(stars: stars) }
        guard authorities.contains(where: { $0.council == council && $0.isInForce(on: date) }) else {
            return .notAuthorised(council: council)
        }
        let higher = authorities
            .filter { $0.council > council && $0.stars.contains(stars) && $0.isInForce(on: date) }
            .map(\.council).min()
        guard let higher else { return .notAuthorised(council: council) }
        return .propose(stars: stars, to: higher)
    }

    /// ``decision(forStars:by:on:)`` for an evaluation, by its council on its date.
    public func decision(for evaluation: Evaluation) -> CertificationDecision {
        decision(forStars: evaluation.stars, by: evaluation.council, on: evaluation.evaluatedOn)
    }

    /// `issuedOn` + ``validityMonths``, the day clamped to the month's length.
    public func expiryDate(issuedOn: LocalDate) throws(LocalDateError) -> LocalDate {
        try issuedOn.adding(months: validityMonths)
    }

    /// The first day the expiry notice is due: `expiresOn − noticeDays`.
    public func noticeDate(expiresOn: LocalDate) -> LocalDate {
        (try? expiresOn.adding(days: -noticeDays)) ?? expiresOn
    }

    /// The status of `certificate` on `date`: revoked and superseded are final; otherwise
    /// expired after `expires_on` (or if stored as expired), else active. A date before
    /// `issued_on` gets the stored status (use ``isInForce(_:on:)`` for "was it valid then").
    public func status(of certificate: Certificate, on date: LocalDate) -> CertificateStatus {
        switch certificate.status {
        case .revoked, .superseded, .expired: return certificate.status
        case .active: return date > certificate.expiresOn ? .expired : .active
        }
    }

    /// Whether the certificate is active and `date` within `issued_on...expires_on`.
    public func isInForce(_ certificate: Certificate, on date: LocalDate) -> Bool {
        status(of: certificate, on: date) == .active && certificate.issuedOn <= date
    }

    /// Whether the producer must be (or should already have been) notified of expiry on
    /// `date`: the certificate is active and `date` is within the last ``noticeDays`` days
    /// before `expires_on`, inclusive at both ends.
    public func needsExpiryNotice(_ certificate: Certificate, on date: LocalDate) -> Bool {
        status(of: certificate, on: date) == .active
            && date >= noticeDate(expiresOn: certificate.expiresOn) && date <= certificate.expiresOn
    }

    /// Issues a certificate for an evaluation, optionally replacing a previous certificate of
    /// the same product (re-evaluation or renewal).
    ///
    /// Checks (all reported together): the evaluation is valid under `reference`; it earned at
    /// least ``minimumCertifiedStars``; `issuer` may certify its stars on `issuedOn`; the number
    /// is not empty; `issuedOn` is not before the evaluation; a previous certificate belongs to
    /// the same product, was issued no later, and is not already superseded.
    ///
    /// - Returns: the new active certificate (stars from the evaluation, expiry computed) and
    ///   the previous one with its new status (`superseded`, or unchanged if revoked).
    public func issue(id: UUID = UUIDv7.generate(), number: String, for evaluation: Evaluation, issuer: CouncilLevel,
                      issuedOn: LocalDate, replacing previous: Certificate? = nil,
                      reference: ReferenceData = .standard) throws(ValidationErrors) -> CertificateIssuance {
        var check = FieldChecks(Certificate.schema.name)
        let evaluationErrors = evaluation.validationErrors(reference: reference)
        let number = number.trimmedNFC()
        if number.isEmpty { check.fail("number", "must not be empty") }
        if evaluation.stars < minimumCertifiedStars {
            check.fail("stars", "\(evaluation.stars)★ is below \(minimumCertifiedStars)★: no certificate is issued")
        } else if !mayCertify(stars: evaluation.stars, by: issuer, on: issuedOn) {
            check.fail("issuer", "a \(issuer.rawValue) council may not certify \(evaluation.stars)★ on \(issuedOn)\(Self.hint(decision(forStars: evaluation.stars, by: issuer, on: issuedOn)))")
        }
        if issuedOn < evaluation.evaluatedOn {
            check.fail("issued_on", "\(issuedOn) is before the evaluation of \(evaluation.evaluatedOn)")
        }
        var expires = issuedOn
        do { expires = try expiryDate(issuedOn: issuedOn) } catch { check.fail("expires_on", error.description) }
        var updatedPrevious = previous
        if let previous {
            if previous.productID != evaluation.productID {
                check.fail("previous_certificate_id", "certificate \(previous.number) is for another product")
            }
            if previous.issuedOn > issuedOn {
                check.fail("previous_certificate_id", "certificate \(previous.number) was issued on \(previous.issuedOn), after \(issuedOn)")
            }
            if previous.status == .superseded {
                check.fail("previous_certificate_id", "certificate \(previous.number) has already been superseded")
            }
            if previous.id == id { check.fail("previous_certificate_id", "must not refer to the certificate itself") }
            if previous.status == .active || previous.status == .expired { updatedPrevious?.status = .superseded }
        }
        let errors = evaluationErrors + check.errors
        if !errors.isEmpty { throw ValidationErrors(errors) }
        let certificate = Certificate(
            id: id, tenantID: evaluation.tenantID, productID: evaluation.productID, evaluationID: evaluation.id,
            number: number, stars: evaluation.stars, issuer: issuer, issuedOn: issuedOn, expiresOn: expires,
            status: .active, previousCertificateID: previous?.id)
        return CertificateIssuance(certificate: certificate, previous: updatedPrevious)
    }

    private static func hint(_ decision: CertificationDecision) -> String {
        switch decision {
        case .propose(let stars, let council): return " (\(stars)★ is certified by the \(council.rawValue) level; propose it there)"
        case .notAuthorised(let council): return " (the \(council.rawValue) level certifies nothing on that date)"
        case .certify, .noCertificate: return ""
        }
    }
}
