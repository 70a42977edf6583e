import Foundation

/// An application dossier (hồ sơ) for the evaluation of a product (`dossiers`, tenant scope),
/// from receipt to the council's decision.
///
/// `checklist` is JSON text `{"item": true, ...}` with keys sorted: each document the rules
/// (``rules``, a criteria set id) require, present or missing. `stage` says where the dossier
/// is; the dates of the steps it has passed are set, the others empty.
public struct Dossier: OCOPRecord {
    public static let schema = OCOPSchema.dossiers

    /// Where a dossier is in the cycle.
    public enum Stage: String, Sendable, Hashable, Codable, CaseIterable {
        /// Received by the commune or the province office.
        case received
        /// Sent back to the producer as incomplete, the missing items named.
        case returned
        /// Checked complete and forwarded to the province.
        case checked
        /// Before the province's evaluation council.
        case atCouncil = "at_council"
        /// Decided: certified, or not certified with reasons.
        case decided
        /// Withdrawn by the producer.
        case withdrawn
    }

    /// What the council decided.
    public enum Outcome: String, Sendable, Hashable, Codable, CaseIterable {
        case certified
        case notCertified = "not_certified"
    }

    public var id: UUID
    public var tenantID: UUID
    public var productID: UUID
    public var producerID: UUID
    /// The office's receipt number, e.g. `HS-2026-0042`.
    public var reference: String
    public var receivedOn: LocalDate
    /// The office that received it (a commune's or the province's).
    public var receivedBy: String
    /// The criteria set (rules version) the dossier is evaluated under.
    public var rules: String
    /// JSON object text of checklist item code → present.
    public var checklist: String
    public var stage: Stage
    public var checkedOn: LocalDate?
    public var returnedOn: LocalDate?
    public var sentOn: LocalDate?
    public var decidedOn: LocalDate?
    public var outcome: Outcome?
    /// Why it was returned or not certified.
    public var reasons: String?
    public var evaluationID: UUID?
    public var certificateID: UUID?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case tenantID = "tenant_id"
        case productID = "product_id"
        case producerID = "producer_id"
        case reference
        case receivedOn = "received_on"
        case receivedBy = "received_by"
        case rules, checklist, stage
        case checkedOn = "checked_on"
        case returnedOn = "returned_on"
        case sentOn = "sent_on"
        case decidedOn = "decided_on"
        case outcome, reasons
        case evaluationID = "evaluation_id"
        case certificateID = "certificate_id"
    }

    /// Text is trimmed and normalised to NFC; blank optional text becomes `nil`.
    public init(id: UUID = UUIDv7.generate(), tenantID: UUID, productID: UUID, producerID: UUID, reference: String,
                receivedOn: LocalDate, receivedBy: String, rules: String, checklist: String, stage: Stage = .received,
                checkedOn: LocalDate? = nil, returnedOn: LocalDate? = nil, sentOn: LocalDate? = nil,
                decidedOn: LocalDate? = nil, outcome: Outcome? = nil, reasons: String? = nil,
                evaluationID: UUID? = nil, certificateID: UUID? = nil) {
        self.id = id
        self.tenantID = tenantID
        self.productID = productID
        self.producerID = producerID
        self.reference = reference.trimmedNFC()
        self.receivedOn = receivedOn
        self.receivedBy = receivedBy.trimmedNFC()
        self.rules = rules.trimmedNFC()
        self.checklist = checklist
        self.stage = stage
        self.checkedOn = checkedOn
        self.returnedOn = returnedOn
        self.sentOn = sentOn
        self.decidedOn = decidedOn
        self.outcome = outcome
        self.reasons = reasons?.trimmedNFCOrNil()
        self.evaluationID = evaluationID
        self.certificateID = certificateID
    }

    /// Whether the council's score (90 or more) made the dossier a 5★ proposal to the central
    /// office: it stays before the council with its evaluation recorded until the central
    /// office decides (see ``proposed(evaluation:reference:)``).
    public var isProposedToCentralOffice: Bool { stage == .atCouncil && evaluationID != nil }

    /// Canonical JSON text for a checklist: keys sorted.
    public static func encodeChecklist(_ items: [String: Bool]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(items) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The checklist decoded; throws a ``ValidationError`` on `dossiers.checklist` if it is not
    /// a JSON object of item codes to booleans.
    public func decodedChecklist() throws(ValidationError) -> [String: Bool] {
        do {
            return try JSONDecoder().decode([String: Bool].self, from: Data(checklist.utf8))
        } catch {
            throw ValidationError(record: Self.schema.name, field: "checklist", reason: "is not a JSON object of document items to true/false")
        }
    }

    /// Checks: reference and receiving office present; the rules are a known criteria set; the
    /// checklist is well formed and lists exactly the documents of the rules' checklist (when
    /// the reference data has one), every required one present once the dossier is checked;
    /// dates are in the programme's time and in step order; the stage has the dates and fields
    /// of the steps it has passed, and no others.
    ///
    /// A returned dossier received again keeps the date it was returned and takes the new date
    /// of receipt (the statutory days count from a complete dossier), so `returned_on` is on or
    /// after `received_on` while the dossier is returned, and on or before it once received
    /// again.
    public func validationErrors(reference data: ReferenceData) -> [ValidationError] {
        var check = FieldChecks(Self.schema.name)
        check.requiredText(reference, "reference", maximumLength: 64)
        check.requiredText(receivedBy, "received_by")
        check.optionalText(reasons, "reasons", maximumLength: FieldChecks.maximumTextLength)
        if data.criteriaSet(id: rules) == nil {
            check.fail("rules", "\"\(rules)\" is not a known criteria set (known: \(data.criteriaSets.map(\.id).joined(separator: ", ")))")
        }
        do {
            let items = try decodedChecklist()
            if let documents = data.dossierChecklist(rules: rules) {
                for problem in documents.problems(in: items) { check.fail("checklist", problem) }
                let missing = documents.missingRequired(in: items)
                if [.checked, .atCouncil, .decided].contains(stage) && !missing.isEmpty {
                    check.fail("checklist", "required \(missing.count == 1 ? "document" : "documents") \(missing.map(\.code).joined(separator: ", ")) missing: a dossier is checked only when every required document is present")
                }
            }
        } catch {
            check.fail(error.field, error.reason)
        }
        if receivedOn < ReferenceData.programmeStart {
            check.fail("received_on", "\(receivedOn) is before the OCOP programme began (\(ReferenceData.programmeStart))")
        }
        func order(_ later: LocalDate?, _ field: String, after earlier: LocalDate?, _ earlierField: String) {
            if let later, let earlier, later < earlier { check.fail(field, "\(later) is before \(earlierField) \(earlier)") }
        }
        switch stage {
        case .returned:
            order(returnedOn, "returned_on", after: receivedOn, "received_on")
        case .received, .checked, .atCouncil, .decided:
            if let returnedOn, returnedOn > receivedOn {
                check.fail("returned_on", "\(returnedOn) is after received_on \(receivedOn): a returned dossier is received again after its return")
            }
        case .withdrawn:
            break
        }
        order(checkedOn, "checked_on", after: receivedOn, "received_on")
        order(sentOn, "sent_on", after: checkedOn ?? receivedOn, checkedOn == nil ? "received_on" : "checked_on")
        order(decidedOn, "decided_on", after: sentOn ?? receivedOn, sentOn == nil ? "received_on" : "sent_on")
        func required(_ value: Any?, _ field: String) {
            if value == nil { check.fail(field, "must be set once the dossier is \(stage.rawValue)") }
        }
        func absent(_ value: Any?, _ field: String) {
            if value != nil { check.fail(field, "must be empty while the dossier is \(stage.rawValue)") }
        }
        switch stage {
        case .received, .withdrawn:
            if stage == .received { absent(checkedOn, "checked_on"); absent(sentOn, "sent_on") }
            absent(decidedOn, "decided_on"); absent(outcome, "outcome")
        case .returned:
            required(returnedOn, "returned_on"); required(reasons, "reasons")
            absent(sentOn, "sent_on"); absent(decidedOn, "decided_on"); absent(outcome, "outcome")
        case .checked:
            required(checkedOn, "checked_on")
            absent(sentOn, "sent_on"); absent(decidedOn, "decided_on"); absent(outcome, "outcome")
        case .atCouncil:
            required(checkedOn, "checked_on"); required(sentOn, "sent_on")
            absent(decidedOn, "decided_on"); absent(outcome, "outcome")
        case .decided:
            required(checkedOn, "checked_on"); required(sentOn, "sent_on"); required(decidedOn, "decided_on")
            required(outcome, "outcome"); required(evaluationID, "evaluation_id")
            if outcome == .certified { required(certificateID, "certificate_id") }
            if outcome == .notCertified {
                required(reasons, "reasons")
                absent(certificateID, "certificate_id")
            }
        }
        if stage != .decided { absent(certificateID, "certificate_id") }
        return check.errors
    }
}
