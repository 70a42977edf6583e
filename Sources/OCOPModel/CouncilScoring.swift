import Foundation

/// The product's score from its council members' sheets: **the arithmetic mean of the members'
/// sheet totals**, rounded as ``CriteriaSet`` rounds (6 decimals), its stars from the set's
/// bands.
///
/// Source: provincial plans describe the product's score as the average of the members' scores,
/// and state the star bands on the average total ("tổng điểm trung bình"). We average the
/// totals rather than each criterion: the two agree except when a member's parts plus bonus
/// exceed 100, and then the mean of totals keeps each sheet as its member signed it (capped).
/// The evaluation recorded carries the mean parts and criterion points for the record, with
/// the bonus each sheet actually kept, so its parts + bonus equal the mean of the totals.
///
/// The council decides with a quorum (``DossierProcedure/minimumSheets``): fewer sheets are
/// refused on `dossiers.stage`. All sheets must be under the dossier's rules and from distinct
/// members.
public enum CouncilScoring {
    /// The score of `dossier` from `sheets`; throws every problem: sheets of another dossier or
    /// under other rules (`council_scores.criteria_set`), a member twice
    /// (`council_scores.member`), an invalid sheet (its own field), fewer sheets than the quorum
    /// (`dossiers.stage`).
    public static func score(_ dossier: Dossier, sheets: [CouncilScoreSheet],
                             referenceData: ReferenceData = .standard) throws(ValidationErrors) -> CouncilScore {
        var check = FieldChecks(CouncilScoreSheet.schema.name)
        guard let set = referenceData.criteriaSet(id: dossier.rules) else {
            throw ValidationErrors([ValidationError(record: Dossier.schema.name, field: "rules", reason: "\"\(dossier.rules)\" is not a known criteria set")])
        }
        var results: [ScoreResult] = []
        var sheetScores: [[String: Double]] = []
        var members: [String] = []
        for sheet in sheets {
            let who = "member \"\(sheet.member)\""
            if sheet.dossierID != dossier.id {
                check.fail("dossier_id", "the sheet of \(who) is for another dossier than \(dossier.reference)")
                continue
            }
            if sheet.criteriaSet != dossier.rules {
                check.fail("criteria_set", "\(who) scored under \(sheet.criteriaSet), but dossier \(dossier.reference) is evaluated under \(dossier.rules): every member scores on the same sheet")
                continue
            }
            if members.contains(where: { VietnameseCollation.matches($0, sheet.member) }) {
                check.fail("member", "\(who) has more than one sheet for dossier \(dossier.reference)")
                continue
            }
            let problems = sheet.validationErrors(reference: referenceData)
            guard problems.isEmpty, let scores = try? sheet.scoreSheet(), let result = try? scores.evaluate(using: set) else {
                for problem in problems { check.fail(problem.field, "\(problem.reason) (sheet of \(who))") }
                continue
            }
            members.append(sheet.member)
            results.append(result)
            sheetScores.append(scores.scores)
        }
        let quorum = referenceData.dossierProcedure.minimumSheets
        var errors = check.errors
        if errors.isEmpty && results.count < quorum {
            errors.append(ValidationError(record: Dossier.schema.name, field: "stage", reason: "dossier \(dossier.reference) has \(results.count) member sheet\(results.count == 1 ? "" : "s"); the council decides with at least \(quorum)"))
        }
        if !errors.isEmpty { throw ValidationErrors(errors) }

        let count = Double(results.count)
        var parts: [String: Double] = [:]
        for part in set.parts {
            parts[part.code] = results.reduce(0) { $0 + $1.partTotal(part.code) } / count
        }
        // The bonus each sheet kept: its total less its parts (less than its bonus when capped).
        let keptBonus = results.reduce(0.0) { sum, result in
            sum + Swift.max(0, CriteriaSet.rounded(result.total - set.parts.reduce(0) { $0 + result.partTotal($1.code) }))
        } / count
        var criteria: [String: Double] = [:]
        for criterion in set.allCriteria {
            criteria[criterion.code] = sheetScores.reduce(0) { $0 + ($1[criterion.code] ?? 0) } / count
        }
        // Summed in the order Evaluation's validation sums (A, B, C, bonus), so the recorded
        // total is exactly the one it expects; equal to the mean of the totals.
        let total = Swift.min(CriteriaSet.rounded(set.parts.reduce(0) { $0 + (parts[$1.code] ?? 0) } + keptBonus), set.maximumTotal)
        let stars: Int
        do { stars = try set.stars(forTotal: total) } catch { throw ValidationErrors([error]) }
        let scoredOn = sheets.map(\.scoredOn).max() ?? dossier.receivedOn
        return CouncilScore(criteriaSetID: set.id, members: members, memberTotals: results.map(\.total), partTotals: parts,
                            bonus: keptBonus, criterionScores: criteria, total: total, stars: stars, scoredOn: scoredOn)
    }
}
