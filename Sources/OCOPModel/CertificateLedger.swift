import Foundation

/// The decisions that change certificates, each producing the rows to write: the certificates
/// with their new stored status and the dated facts (``CertificateEvent``) that record who
/// decided what, effective when. One set of rules for every writer: a province's `ocop`, the
/// central office, a dossier's decision.
public enum CertificateLedger {
    /// What a decision writes, and the stored statuses it was decided on: a store writes it only
    /// if those are still the stored statuses, so a decision never overwrites one made meanwhile.
    public struct Decision: Sendable, Hashable {
        public var certificates: [Certificate]
        public var events: [CertificateEvent]
        /// Certificate id → the stored status the decision read.
        public var expectedStatuses: [UUID: CertificateStatus]

        public init(certificates: [Certificate], events: [CertificateEvent], expectedStatuses: [UUID: CertificateStatus]) {
            self.certificates = certificates
            self.events = events
            self.expectedStatuses = expectedStatuses
        }

        /// The certificate the decision replaced, with its new status, if it replaced one.
        public var replaced: Certificate? {
            events.first { $0.kind == .superseded }.flatMap { event in certificates.first { $0.id == event.certificateID } }
        }

        /// The newly issued certificate, if the decision issued one.
        public var issued: Certificate? {
            events.first { $0.kind == .issued }.flatMap { event in certificates.first { $0.id == event.certificateID } }
        }
    }

    /// Issues a certificate for `evaluation` (see ``CertificationPolicy/issue(id:number:for:issuer:issuedOn:replacing:reference:)``
    /// for the checks), records its `issued` fact with `authority` as named on `issuedOn`, and
    /// supersedes `previous` (if it was still active or expired) from the same day.
    public static func issue(
        id: UUID = UUIDv7.generate(), number: String, for evaluation: Evaluation, authority: DecisionAuthority,
        decidedBy: String, issuedOn: LocalDate, replacing previous: Certificate?, reference: ReferenceData = .standard
    ) throws(ValidationErrors) -> Decision {
        // A 5★ certificate is the central office's: a province cannot replace one in force, and
        // one that has lapsed keeps its status (only the central office writes it).
        let centralPrevious = previous.map { $0.issuer == .central && authority.level != .central } ?? false
        if let previous, centralPrevious, CertificateHistory(previous, events: []).isInForce(on: issuedOn) {
            throw ValidationErrors([ValidationError(
                record: Certificate.schema.name, field: "previous_certificate_id",
                reason: "the product holds 5★ certificate \(previous.number) of the central office in force on \(issuedOn); only the central office replaces it")])
        }
        let issuance = try reference.certificationPolicy.issue(
            id: id, number: number, for: evaluation, issuer: authority.level, issuedOn: issuedOn, replacing: previous, reference: reference)
        let certificate = issuance.certificate
        var events = [CertificateEvent(
            tenantID: certificate.tenantID, certificateID: certificate.id, kind: .issued, effectiveOn: issuedOn,
            authorityLevel: authority.level, authorityCode: authority.code, authorityName: authority.name,
            decidedBy: decidedBy, decisionNumber: certificate.number, evaluationID: evaluation.id)]
        var certificates = [certificate]
        var expected: [UUID: CertificateStatus] = [:]
        if let previous, let updated = issuance.previous, !centralPrevious {
            expected[previous.id] = previous.status
            if updated.status != previous.status {
                certificates.append(updated)
                events.append(CertificateEvent(
                    tenantID: previous.tenantID, certificateID: previous.id, kind: .superseded, effectiveOn: issuedOn,
                    authorityLevel: authority.level, authorityCode: authority.code, authorityName: authority.name,
                    decidedBy: decidedBy, decisionNumber: certificate.number,
                    reason: "thay thế bởi chứng nhận \(certificate.number)", evaluationID: evaluation.id))
            }
        }
        let problems = events.flatMap { $0.validationErrors(reference: reference) }
        if !problems.isEmpty { throw ValidationErrors(problems) }
        return Decision(certificates: certificates, events: events, expectedStatuses: expected)
    }

    /// Issues a certificate for `evaluation` as the next in its product's chain: the number must
    /// not be `numberHolder`'s already (the certificate that has it, if any), and the product's
    /// current certificate — the newest of `productCertificates` not yet superseded (active,
    /// expired or revoked) — is the one replaced. The one rule for `ocop certify`, a dossier's
    /// decision and the central office's 5★.
    public static func issueNext(
        number: String, for evaluation: Evaluation, authority: DecisionAuthority, decidedBy: String, issuedOn: LocalDate,
        productCertificates: [Certificate], numberHolder: Certificate?, reference: ReferenceData = .standard
    ) throws(ValidationErrors) -> Decision {
        let number = number.trimmedNFC()
        if let numberHolder, numberHolder.number == number {
            throw ValidationErrors([ValidationError(
                record: Certificate.schema.name, field: "number",
                reason: "\(number) is already the number of certificate \(numberHolder.id.uuidString.lowercased())")])
        }
        let previous = productCertificates.filter { $0.productID == evaluation.productID }
            .sorted { ($0.issuedOn, $0.id.uuidString) < ($1.issuedOn, $1.id.uuidString) }
            .last { $0.status != .superseded }
        return try issue(number: number, for: evaluation, authority: authority, decidedBy: decidedBy, issuedOn: issuedOn,
                         replacing: previous, reference: reference)
    }

    /// Revokes `certificate` from `effectiveOn`, for `reason`.
    ///
    /// Refused (each as a ``ValidationError`` naming the field): no reason; a date before the
    /// certificate was issued or before the programme; a certificate already revoked or
    /// superseded on that date (`events` are its facts so far); a province revoking what the
    /// central office certified (5★ stays the central office's).
    public static func revoke(
        _ certificate: Certificate, events: [CertificateEvent], effectiveOn: LocalDate, reason: String,
        authority: DecisionAuthority, decidedBy: String, decisionNumber: String? = nil, evaluationID: UUID? = nil,
        reference: ReferenceData = .standard
    ) throws(ValidationErrors) -> Decision {
        var problems: [ValidationError] = []
        func fail(_ field: String, _ reason: String) {
            problems.append(ValidationError(record: Certificate.schema.name, field: field, reason: reason))
        }
        let history = CertificateHistory(certificate, events: events)
        if effectiveOn < certificate.issuedOn {
            fail("status", "certificate \(certificate.number) was issued on \(certificate.issuedOn), after \(effectiveOn)")
        } else if let end = history.end, end.effectiveOn <= effectiveOn || certificate.status == end.status {
            fail("status", "certificate \(certificate.number) is already \(end.status.rawValue) (from \(end.effectiveOn))")
        }
        if certificate.issuer == .central && authority.level != .central {
            fail("issuer", "certificate \(certificate.number) was issued by the central office (\(certificate.stars)★); only the central office revokes it")
        }
        let revoked = certificate.revoked()
        let event = CertificateEvent(
            tenantID: certificate.tenantID, certificateID: certificate.id, kind: .revoked, effectiveOn: effectiveOn,
            authorityLevel: authority.level, authorityCode: authority.code, authorityName: authority.name,
            decidedBy: decidedBy, decisionNumber: decisionNumber, reason: reason, evaluationID: evaluationID)
        problems += event.validationErrors(reference: reference)
        if !problems.isEmpty { throw ValidationErrors(problems) }
        return Decision(certificates: [revoked], events: [event], expectedStatuses: [certificate.id: certificate.status])
    }

    /// What a re-evaluation below the certified minimum (3★) does to the product's certificates:
    /// each one in force on the evaluation's date is revoked from that date, the evaluation named
    /// as the reason. Nil when the evaluation certifies (3★ or more) or nothing was in force.
    public static func end(
        _ certificates: [Certificate], events: [CertificateEvent], byReevaluation evaluation: Evaluation,
        authority: DecisionAuthority, decidedBy: String, reference: ReferenceData = .standard
    ) throws(ValidationErrors) -> Decision? {
        guard evaluation.stars < reference.certificationPolicy.minimumCertifiedStars else { return nil }
        var decision = Decision(certificates: [], events: [], expectedStatuses: [:])
        for certificate in certificates where certificate.productID == evaluation.productID
            && CertificateHistory(certificate, events: events).isInForce(on: evaluation.evaluatedOn) {
            let reason = "đánh giá lại ngày \(evaluation.evaluatedOn) đạt \(evaluation.stars)★, dưới \(reference.certificationPolicy.minimumCertifiedStars)★ (re-evaluated below 3★)"
            let part = try revoke(certificate, events: events, effectiveOn: evaluation.evaluatedOn, reason: reason,
                                  authority: authority, decidedBy: decidedBy, evaluationID: evaluation.id, reference: reference)
            decision.certificates += part.certificates
            decision.events += part.events
            decision.expectedStatuses.merge(part.expectedStatuses) { first, _ in first }
        }
        return decision.certificates.isEmpty ? nil : decision
    }

    /// Marks certificates whose validity ended before `date` as expired and records when each
    /// lapsed (the day after `expires_on`). Certificates already ended are left alone.
    public static func expire(
        _ certificates: [Certificate], events: [CertificateEvent], asOf date: LocalDate, recordedBy: String
    ) -> Decision {
        var decision = Decision(certificates: [], events: [], expectedStatuses: [:])
        let ministry = DecisionAuthority.central(on: date)
        for certificate in certificates where certificate.status == .active {
            guard CertificateHistory(certificate, events: events).status(on: date) == .expired,
                  let lapsed = try? certificate.expiresOn.adding(days: 1) else { continue }
            var copy = certificate
            copy.status = .expired
            decision.certificates.append(copy)
            decision.events.append(CertificateEvent(
                tenantID: certificate.tenantID, certificateID: certificate.id, kind: .expired, effectiveOn: lapsed,
                authorityLevel: .central, authorityCode: nil, authorityName: ministry.name, decidedBy: recordedBy,
                reason: "hết hiệu lực sau ngày \(certificate.expiresOn) (validity ended)"))
            decision.expectedStatuses[certificate.id] = certificate.status
        }
        return decision
    }
}
