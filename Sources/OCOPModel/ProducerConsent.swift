import Foundation

/// A producer's recorded consent to publish a trading name (`producer_consents`, tenant scope).
///
/// A household business is a natural person: without a consent in force, everything that
/// leaves the national store calls it by a neutral label (see ``PublicProducer``). With one,
/// `public_name` — the name the producer agreed to, which may be its owner's — is published
/// from `consented_on` until the day before `withdrawn_on`.
public struct ProducerConsent: OCOPRecord {
    public static let schema = OCOPSchema.producerConsents

    public var id: UUID
    public var tenantID: UUID
    public var producerID: UUID
    /// The name the producer agreed may be published, e.g. `Mật ong Bà Sáu`.
    public var publicName: String
    public var consentedOn: LocalDate
    /// The first day the consent no longer holds, once withdrawn.
    public var withdrawnOn: LocalDate?
    /// Who recorded the consent (the officer who holds the signed form).
    public var recordedBy: String

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case tenantID = "tenant_id"
        case producerID = "producer_id"
        case publicName = "public_name"
        case consentedOn = "consented_on"
        case withdrawnOn = "withdrawn_on"
        case recordedBy = "recorded_by"
    }

    /// Text is trimmed and normalised to NFC.
    public init(id: UUID = UUIDv7.generate(), tenantID: UUID, producerID: UUID, publicName: String,
                consentedOn: LocalDate, withdrawnOn: LocalDate? = nil, recordedBy: String) {
        self.id = id
        self.tenantID = tenantID
        self.producerID = producerID
        self.publicName = publicName.trimmedNFC()
        self.consentedOn = consentedOn
        self.withdrawnOn = withdrawnOn
        self.recordedBy = recordedBy.trimmedNFC()
    }

    /// Whether the consent holds on `date`.
    public func isInForce(on date: LocalDate) -> Bool {
        consentedOn <= date && (withdrawnOn.map { date < $0 } ?? true)
    }

    /// Checks: a public name and who recorded it; withdrawn after it was given.
    public func validationErrors(reference: ReferenceData) -> [ValidationError] {
        var check = FieldChecks(Self.schema.name)
        check.requiredText(publicName, "public_name")
        check.requiredText(recordedBy, "recorded_by")
        if let withdrawnOn, withdrawnOn <= consentedOn {
            check.fail("withdrawn_on", "\(withdrawnOn) is not after consented_on \(consentedOn)")
        }
        return check.errors
    }
}
