import Foundation

extension CouncilScoreSheet {
    /// A council member's sheet for `dossier`, under the dossier's rules.
    ///
    /// Refused, every problem together: a dossier not before the council (or already proposed
    /// to the central office) on `dossiers.stage`; a day before it was sent to the council on
    /// `council_scores.scored_on`; a member who already has a sheet (`council_scores.member`)
    /// unless `replacing` it, when the new sheet keeps the old one's id; and every problem of
    /// the sheet itself (`council_scores.criterion_scores[A1]: 9 exceeds the maximum 8 …`).
    public static func scoring(_ dossier: Dossier, member: String, on date: LocalDate, scores: [String: Double], bonus: Double = 0,
                               recorded: [CouncilScoreSheet], replacing: Bool = false,
                               referenceData: ReferenceData = .standard) throws(ValidationErrors) -> CouncilScoreSheet {
        if let refusal = dossier.refusal(of: .score) { throw ValidationErrors([refusal]) }
        var check = FieldChecks(schema.name)
        let member = member.trimmedNFC()
        if let sentOn = dossier.sentOn, date < sentOn {
            check.fail("scored_on", "\(date) is before dossier \(dossier.reference) was sent to the council (sent_on \(sentOn))")
        }
        let previous = recorded.first { $0.dossierID == dossier.id && VietnameseCollation.matches($0.member, member) }
        if let previous, !replacing {
            check.fail("member", "\"\(previous.member)\" already scored dossier \(dossier.reference) on \(previous.scoredOn) (sheet \(previous.id.uuidString.lowercased())); replace that sheet instead")
        }
        var sheet: CouncilScoreSheet?
        do {
            sheet = try CouncilScoreSheet(id: previous?.id ?? UUIDv7.generate(), tenantID: dossier.tenantID, dossierID: dossier.id,
                                          member: member, scoredOn: date,
                                          sheet: ScoreSheet(criteriaSetID: dossier.rules, scores: scores, bonus: bonus),
                                          reference: referenceData)
        } catch {
            for problem in error.errors { check.fail(problem.field, problem.reason) }
        }
        let errors = check.errors + (sheet?.validationErrors(reference: referenceData) ?? [])
        guard let sheet, errors.isEmpty else { throw ValidationErrors(errors) }
        return sheet
    }
}
