import Foundation

/// A dated fact in a certificate's life (`certificate_events`, tenant scope: the certificate's
/// province): it was issued, superseded, revoked or expired on `effective_on`, decided by
/// `decided_by` for the authority named as it was on that day.
///
/// Facts are only added, never edited: the history of a certificate is the set of its events,
/// and ``CertificateHistory`` answers what was true on any date. Two offices recording an end
/// concurrently (a province revoking while the centre supersedes) both keep their fact; the
/// earlier one ends the certificate.
public struct CertificateEvent: OCOPRecord {
    public static let schema = OCOPSchema.certificateEvents

    /// What happened.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// The certificate was issued (`effective_on` = its `issued_on`).
        case issued
        /// A re-evaluation issued a newer certificate that refers to this one.
        case superseded
        /// The issuer (or the central office) withdrew it, or a re-evaluation found it below 3★.
        case revoked
        /// Its validity ended without re-evaluation: `effective_on` is the first day it was no
        /// longer in force.
        case expired

        /// The status the certificate has from `effective_on`.
        public var status: CertificateStatus {
            switch self {
            case .issued: .active
            case .superseded: .superseded
            case .revoked: .revoked
            case .expired: .expired
            }
        }
    }

    public var id: UUID
    public var tenantID: UUID
    public var certificateID: UUID
    public var kind: Kind
    /// The day the fact takes effect (issue day; first day no longer in force for the others).
    public var effectiveOn: LocalDate
    /// The level of the authority that decided: a province or the central office.
    public var authorityLevel: CouncilLevel
    /// The province's two-digit code on `effective_on` (nil for the central office, and for a
    /// province replica that had not yet received its own tenant row).
    public var authorityCode: String?
    /// The authority as named on `effective_on`, e.g. `UBND tỉnh Hà Giang`.
    public var authorityName: String
    /// The officer or office that recorded the decision.
    public var decidedBy: String
    /// The decision's number as printed, e.g. `45/QĐ-UBND`, when there is one.
    public var decisionNumber: String?
    /// Why (required for a revocation).
    public var reason: String?
    /// The re-evaluation that led to the fact, if one did.
    public var evaluationID: UUID?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case tenantID = "tenant_id"
        case certificateID = "certificate_id"
        case kind
        case effectiveOn = "effective_on"
        case authorityLevel = "authority_level"
        case authorityCode = "authority_code"
        case authorityName = "authority_name"
        case decidedBy = "decided_by"
        case decisionNumber = "decision_number"
        case reason
        case evaluationID = "evaluation_id"
    }

    /// Text is trimmed and normalised to NFC; blank optional text becomes `nil`.
    public init(id: UUID = UUIDv7.generate(), tenantID: UUID, certificateID: UUID, kind: Kind, effectiveOn: LocalDate,
                authorityLevel: CouncilLevel, authorityCode: String?, authorityName: String, decidedBy: String,
                decisionNumber: String? = nil, reason: String? = nil, evaluationID: UUID? = nil) {
        self.id = id
        self.tenantID = tenantID
        self.certificateID = certificateID
        self.kind = kind
        self.effectiveOn = effectiveOn
        self.authorityLevel = authorityLevel
        self.authorityCode = authorityCode?.trimmedNFCOrNil()
        self.authorityName = authorityName.trimmedNFC()
        self.decidedBy = decidedBy.trimmedNFC()
        self.decisionNumber = decisionNumber?.trimmedNFCOrNil()
        self.reason = reason?.trimmedNFCOrNil()
        self.evaluationID = evaluationID
    }

    /// Checks: not before the programme; names present; a province authority has the code it
    /// had on `effective_on` in the reference data and the central office has none; a
    /// revocation gives its reason.
    public func validationErrors(reference: ReferenceData) -> [ValidationError] {
        var check = FieldChecks(Self.schema.name)
        if effectiveOn < ReferenceData.programmeStart {
            check.fail("effective_on", "\(effectiveOn) is before the OCOP programme began (\(ReferenceData.programmeStart))")
        }
        check.requiredText(authorityName, "authority_name")
        check.requiredText(decidedBy, "decided_by")
        check.optionalText(decisionNumber, "decision_number", maximumLength: 64)
        check.optionalText(reason, "reason", maximumLength: FieldChecks.maximumTextLength)
        switch authorityLevel {
        case .central:
            if authorityCode != nil { check.fail("authority_code", "must be empty for the central office") }
        case .province, .district:
            if let code = authorityCode {
                // The day before takes the last day of a unit's period: an end takes effect the
                // day after the last day in force.
                let day = kind == .issued ? effectiveOn : ((try? effectiveOn.adding(days: -1)) ?? effectiveOn)
                if reference.provinces.province(code: code, on: day) == nil
                    && reference.provinces.province(code: code, on: effectiveOn) == nil {
                    check.fail("authority_code", "\(code) was not a province code on \(effectiveOn)")
                }
            }
            // No code: the province replica did not know its own tenant row yet (it arrives on
            // the first sync); the name still says who decided.
        }
        if kind == .revoked && reason == nil { check.fail("reason", "a revocation must say why") }
        return check.errors
    }
}
