import Foundation

/// The moves of a dossier through the cycle, as pure functions: each returns the dossier after
/// the move, or throws every problem (``ValidationErrors``) and changes nothing.
///
/// receive → check (complete) or return (incomplete, the missing documents named) → receive
/// again → check → send to the council → members score → decide: certified with a certificate,
/// not certified with reasons, or (90 points or more) proposed to the central office, which
/// closes the dossier when it certifies 5★. A dossier not yet decided can be withdrawn.
///
/// A move from the wrong stage (deciding twice, scoring a returned dossier) is refused with a
/// ``ValidationError`` on `dossiers.stage`; a date before the previous step on that step's
/// date column (`checked_on: ... is before received_on ...`).
extension Dossier {
    /// The moves, for ``refusal(of:)``.
    public enum Move: String, Sendable, CaseIterable {
        case check, `return`, receiveAgain, send, score, propose, decide, withdraw

        /// The stages the move starts from.
        var from: [Stage] {
            switch self {
            case .check, .return: [.received]
            case .receiveAgain: [.returned]
            case .send: [.checked]
            case .score, .propose, .decide: [.atCouncil]
            case .withdraw: [.received, .returned, .checked, .atCouncil]
            }
        }

        /// What the rule is, said after the dossier's state.
        var rule: String {
            switch self {
            case .check: "only a received dossier is checked"
            case .return: "only a received dossier is returned to the producer"
            case .receiveAgain: "only a returned dossier is received again"
            case .send: "only a checked dossier is sent to the council"
            case .score: "members score a dossier only while it is before the council"
            case .propose: "only a dossier before the council is proposed, once"
            case .decide: "only a dossier before the council is decided"
            case .withdraw: "only a dossier not yet decided is withdrawn"
            }
        }
    }

    /// Why `move` is refused at the dossier's stage (a ``ValidationError`` on `dossiers.stage`),
    /// or `nil` if it may be made.
    public func refusal(of move: Move) -> ValidationError? {
        var allowed = move.from.contains(stage)
        // A proposal's sheets are final, and it is proposed once.
        if isProposedToCentralOffice && (move == .score || move == .propose) { allowed = false }
        guard !allowed else { return nil }
        return ValidationError(record: Self.schema.name, field: "stage", reason: "dossier \(reference) is \(state): \(move.rule)")
    }

    /// The dossier's stage with its date, as a sentence fragment: `checked on 2025-08-01`.
    public var state: String {
        switch stage {
        case .received: "received on \(receivedOn)"
        case .returned: "returned to the producer on \(returnedOn.map(\.description) ?? "?")"
        case .checked: "checked on \(checkedOn.map(\.description) ?? "?")"
        case .atCouncil where isProposedToCentralOffice: "proposed to the central office for 5★"
        case .atCouncil: "before the council since \(sentOn.map(\.description) ?? "?")"
        case .decided: "already decided on \(decidedOn.map(\.description) ?? "?") (\(outcome == .certified ? "certified" : "not certified"))"
        case .withdrawn: "withdrawn"
        }
    }

    /// The day the dossier reached its stage (`nil` for a withdrawn one: the schema keeps no
    /// column for that day).
    public var stageDate: LocalDate? {
        switch stage {
        case .received: receivedOn
        case .returned: returnedOn
        case .checked: checkedOn
        case .atCouncil: sentOn
        case .decided: decidedOn
        case .withdrawn: nil
        }
    }

    /// A dossier received: every document of the rules' checklist present or missing.
    ///
    /// Throws on `dossiers.checklist` for codes not in the checklist, and every problem
    /// ``validationErrors(reference:)`` finds (an unknown rules version, a date before the
    /// programme, an empty reference...).
    public static func received(id: UUID = UUIDv7.generate(), tenantID: UUID, productID: UUID, producerID: UUID,
                                reference: String, on date: LocalDate, by office: String, rules: String,
                                present: Set<String>, referenceData: ReferenceData = .standard) throws(ValidationErrors) -> Dossier {
        let rules = rules.trimmedNFC()
        var dossier = Dossier(id: id, tenantID: tenantID, productID: productID, producerID: producerID, reference: reference,
                              receivedOn: date, receivedBy: office, rules: rules, checklist: "{}")
        dossier.checklist = try checklistText(rules: rules, present: present, referenceData: referenceData)
        return try dossier.validated(referenceData)
    }

    /// A returned dossier received again, completed: the new date of receipt (the statutory
    /// days count from it) and checklist; `returned_on` and the reasons of the return are kept.
    public func receivedAgain(on date: LocalDate, by office: String? = nil, present: Set<String>,
                              referenceData: ReferenceData = .standard) throws(ValidationErrors) -> Dossier {
        try moved(.receiveAgain, referenceData) { next throws(ValidationErrors) in
            if let returnedOn, date < returnedOn {
                throw Self.problem("received_on", "\(date) is before the dossier was returned (returned_on \(returnedOn))")
            }
            next.stage = .received
            next.receivedOn = date
            if let office { next.receivedBy = office.trimmedNFC() }
            next.checklist = try Self.checklistText(rules: rules, present: present, referenceData: referenceData)
        }
    }

    /// Checked complete and forwarded to the province. Refused while a required document is
    /// missing (`dossiers.checklist`).
    public func checked(on date: LocalDate, referenceData: ReferenceData = .standard) throws(ValidationErrors) -> Dossier {
        try moved(.check, referenceData) { next in
            next.stage = .checked
            next.checkedOn = date
        }
    }

    /// Returned to the producer as incomplete: `missing` documents are marked missing, and the
    /// reasons name them (in Vietnamese, as the letter to the producer does), followed by
    /// `reason`. Without `missing`, the required documents the checklist lacks are named.
    public func returned(on date: LocalDate, missing: Set<String> = [], reason: String? = nil,
                         referenceData: ReferenceData = .standard) throws(ValidationErrors) -> Dossier {
        try moved(.return, referenceData) { next throws(ValidationErrors) in
            var items: [String: Bool]
            do throws(ValidationError) { items = try decodedChecklist() } catch { throw ValidationErrors([error]) }
            var named: [DossierDocument] = []
            if let documents = referenceData.dossierChecklist(rules: rules) {
                do throws(ValidationError) {
                    _ = try documents.checklist(present: missing)  // refuses codes that are not documents
                } catch {
                    throw ValidationErrors([error])
                }
                for code in missing { items[code] = false }
                named = missing.isEmpty ? documents.missingRequired(in: items) : documents.documents.filter { missing.contains($0.code) }
            }
            let reason = reason?.trimmedNFCOrNil()
            guard !named.isEmpty || reason != nil else {
                throw Self.problem("reasons", "say which documents are missing or why dossier \(reference) is returned")
            }
            next.stage = .returned
            next.returnedOn = date
            next.checklist = Self.encodeChecklist(items)
            let lacking = named.isEmpty ? nil : "Thiếu: " + named.map(\.name.vi).joined(separator: "; ")
            next.reasons = [lacking, reason].compactMap { $0 }.joined(separator: ". ")
        }
    }

    /// Sent to the province's evaluation council.
    public func sentToCouncil(on date: LocalDate, referenceData: ReferenceData = .standard) throws(ValidationErrors) -> Dossier {
        try moved(.send, referenceData) { next in
            next.stage = .atCouncil
            next.sentOn = date
        }
    }

    /// The council's evaluation earned 5★ (90 points or more): the province proposes the
    /// product to the central office, which alone certifies 5★. The dossier stays before the
    /// council with the evaluation linked until the central office decides.
    public func proposed(evaluation: Evaluation, referenceData: ReferenceData = .standard) throws(ValidationErrors) -> Dossier {
        try moved(.propose, referenceData) { next throws(ValidationErrors) in
            try checkEvaluation(evaluation)
            next.evaluationID = evaluation.id
        }
    }

    /// Decided: certified with `certificate`, issued on the council's `evaluation`.
    public func certified(on date: LocalDate, evaluation: Evaluation, certificate: Certificate,
                          referenceData: ReferenceData = .standard) throws(ValidationErrors) -> Dossier {
        try moved(.decide, referenceData) { next throws(ValidationErrors) in
            try checkEvaluation(evaluation, decidedOn: date)
            if certificate.evaluationID != evaluation.id || certificate.productID != productID {
                throw Self.problem("certificate_id", "certificate \(certificate.number) was not issued on the dossier's evaluation \(evaluation.id.uuidString.lowercased())")
            }
            next.decide(on: date, .certified, evaluation: evaluation)
            next.certificateID = certificate.id
        }
    }

    /// Decided: not certified, for `reasons`.
    public func notCertified(on date: LocalDate, evaluation: Evaluation, reasons: String,
                             referenceData: ReferenceData = .standard) throws(ValidationErrors) -> Dossier {
        try moved(.decide, referenceData) { next throws(ValidationErrors) in
            try checkEvaluation(evaluation, decidedOn: date)
            next.decide(on: date, .notCertified, evaluation: evaluation)
            next.reasons = reasons.trimmedNFCOrNil()
        }
    }

    /// Withdrawn by the producer on `date` (the schema has no column for the day: it opens the
    /// reasons, `Chủ thể rút hồ sơ ngày 2025-08-20: …`).
    public func withdrawn(on date: LocalDate, reason: String? = nil, referenceData: ReferenceData = .standard) throws(ValidationErrors) -> Dossier {
        try moved(.withdraw, referenceData) { next throws(ValidationErrors) in
            let latest = [("received_on", receivedOn), ("returned_on", returnedOn), ("checked_on", checkedOn), ("sent_on", sentOn)]
                .compactMap { field, day in day.map { (field, $0) } }.max { $0.1 < $1.1 }
            if let (field, day) = latest, date < day {
                throw Self.problem("reasons", "the withdrawal date \(date) is before \(field) \(day)")
            }
            next.stage = .withdrawn
            next.reasons = "Chủ thể rút hồ sơ ngày \(date)" + (reason?.trimmedNFCOrNil().map { ": " + $0 } ?? "")
        }
    }

    /// The reasons of a "not certified" decision for an evaluation below the certified minimum,
    /// in Vietnamese as the decision is written: `Điểm trung bình của Hội đồng 45.5 (2★), chưa
    /// đạt 3★ (từ 50 điểm)`, then `extra` if given.
    public static func notCertifiedReasons(for evaluation: Evaluation, extra: String? = nil,
                                           referenceData: ReferenceData = .standard) -> String {
        let minimum = referenceData.certificationPolicy.minimumCertifiedStars
        let threshold = referenceData.criteriaSet(id: evaluation.criteriaSet)?.band(stars: minimum)?.minimum
        var text = "Điểm trung bình của Hội đồng \(CriteriaSet.format(evaluation.total)) (\(evaluation.stars)★), chưa đạt \(minimum)★"
        if let threshold { text += " (từ \(CriteriaSet.format(threshold)) điểm)" }
        if let extra = extra?.trimmedNFCOrNil() { text += ". " + extra }
        return text
    }

    // MARK: Helpers

    private func require(_ move: Move) throws(ValidationErrors) {
        if let refusal = refusal(of: move) { throw ValidationErrors([refusal]) }
    }

    /// The council's evaluation must be of this dossier's product, province and rules, and
    /// come before the decision.
    private func checkEvaluation(_ evaluation: Evaluation, decidedOn: LocalDate? = nil) throws(ValidationErrors) {
        var check = FieldChecks(Self.schema.name)
        if let decidedOn, decidedOn < evaluation.evaluatedOn {
            check.fail("decided_on", "\(decidedOn) is before the council's evaluation of \(evaluation.evaluatedOn)")
        }
        if evaluation.productID != productID || evaluation.tenantID != tenantID {
            check.fail("evaluation_id", "evaluation \(evaluation.id.uuidString.lowercased()) is of another product than dossier \(reference)'s")
        }
        if evaluation.criteriaSet != rules {
            check.fail("evaluation_id", "evaluation \(evaluation.id.uuidString.lowercased()) is under \(evaluation.criteriaSet), but dossier \(reference) is evaluated under \(rules)")
        }
        if !check.errors.isEmpty { throw ValidationErrors(check.errors) }
    }

    /// The dossier after `move`: refused from the wrong stage, then `change` applied to a copy,
    /// which must validate.
    private func moved(_ move: Move, _ referenceData: ReferenceData,
                       _ change: (inout Dossier) throws(ValidationErrors) -> Void) throws(ValidationErrors) -> Dossier {
        try require(move)
        var next = self
        try change(&next)
        return try next.validated(referenceData)
    }

    /// Marks the dossier decided with `outcome` on the council's `evaluation`.
    private mutating func decide(on date: LocalDate, _ outcome: Outcome, evaluation: Evaluation) {
        stage = .decided
        decidedOn = date
        self.outcome = outcome
        evaluationID = evaluation.id
    }

    private func validated(_ referenceData: ReferenceData) throws(ValidationErrors) -> Dossier {
        try validate(reference: referenceData)
        return self
    }

    private static func checklistText(rules: String, present: Set<String>, referenceData: ReferenceData) throws(ValidationErrors) -> String {
        // Unknown rules: validation names them; the checklist is then what was given.
        guard let documents = referenceData.dossierChecklist(rules: rules) else {
            return encodeChecklist(Dictionary(uniqueKeysWithValues: present.map { ($0, true) }))
        }
        do {
            return encodeChecklist(try documents.checklist(present: present))
        } catch {
            throw ValidationErrors([error])
        }
    }

    private static func problem(_ field: String, _ reason: String) -> ValidationErrors {
        ValidationErrors([ValidationError(record: schema.name, field: field, reason: reason)])
    }
}
