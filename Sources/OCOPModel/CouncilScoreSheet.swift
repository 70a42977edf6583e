import Foundation

/// One council member's score sheet for a dossier (`council_scores`, tenant scope).
///
/// Members score independently on the official sheet of the product's group; the product's
/// score is computed from all members' sheets (see ``CouncilScoring``). `criterion_scores` is
/// canonical JSON as in ``Evaluation``; `total` is the sheet's own total (parts + bonus, capped).
public struct CouncilScoreSheet: OCOPRecord {
    public static let schema = OCOPSchema.councilScores

    public var id: UUID
    public var tenantID: UUID
    public var dossierID: UUID
    /// The member as listed in the council's establishing decision, e.g. `Ủy viên 3 – Sở Công Thương`.
    public var member: String
    public var scoredOn: LocalDate
    public var criteriaSet: String
    /// JSON object text of criterion code → points.
    public var criterionScores: String
    public var bonus: Double
    public var total: Double

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case tenantID = "tenant_id"
        case dossierID = "dossier_id"
        case member
        case scoredOn = "scored_on"
        case criteriaSet = "criteria_set"
        case criterionScores = "criterion_scores"
        case bonus, total
    }

    /// A record with every column given as is; validate it.
    public init(id: UUID = UUIDv7.generate(), tenantID: UUID, dossierID: UUID, member: String, scoredOn: LocalDate,
                criteriaSet: String, criterionScores: String, bonus: Double, total: Double) {
        self.id = id
        self.tenantID = tenantID
        self.dossierID = dossierID
        self.member = member.trimmedNFC()
        self.scoredOn = scoredOn
        self.criteriaSet = criteriaSet
        self.criterionScores = criterionScores
        self.bonus = bonus
        self.total = total
    }

    /// A member's sheet from their scores: the sheet is checked (throwing every problem, each
    /// named on `council_scores`) and its total computed.
    public init(id: UUID = UUIDv7.generate(), tenantID: UUID, dossierID: UUID, member: String, scoredOn: LocalDate,
                sheet: ScoreSheet, reference: ReferenceData = .standard) throws(ValidationErrors) {
        let result: ScoreResult
        do {
            result = try sheet.evaluate(reference: reference)
        } catch {
            // The sheet's rules are the evaluation's; here they are a member's sheet.
            throw ValidationErrors(error.errors.map { ValidationError(record: Self.schema.name, field: $0.field, reason: $0.reason) })
        }
        self.init(id: id, tenantID: tenantID, dossierID: dossierID, member: member, scoredOn: scoredOn,
                  criteriaSet: result.criteriaSetID, criterionScores: Evaluation.encodeCriterionScores(sheet.scores),
                  bonus: result.bonus, total: result.total)
    }

    /// The scores as a ``ScoreSheet``; throws a ``ValidationError`` on `criterion_scores` if
    /// they are not a JSON object of numbers.
    public func scoreSheet() throws(ValidationError) -> ScoreSheet {
        do {
            let scores = try JSONDecoder().decode([String: Double].self, from: Data(criterionScores.utf8))
            return ScoreSheet(criteriaSetID: criteriaSet, scores: scores, bonus: bonus)
        } catch {
            throw ValidationError(record: Self.schema.name, field: "criterion_scores", reason: "is not a JSON object of criterion codes to numbers")
        }
    }

    /// Checks: the member is named; the criteria set was in force on `scored_on`; every
    /// criterion is scored within its maximum; `total` is the sheet's total.
    public func validationErrors(reference: ReferenceData) -> [ValidationError] {
        var check = FieldChecks(Self.schema.name)
        check.requiredText(member, "member")
        guard let set = reference.criteriaSet(id: criteriaSet) else {
            check.fail("criteria_set", "\"\(criteriaSet)\" is not a known criteria set (known: \(reference.criteriaSets.map(\.id).joined(separator: ", ")))")
            return check.errors
        }
        if !set.isInForce(on: scoredOn) {
            check.fail("criteria_set", "criteria set \(set.id) was not in force on \(scoredOn)")
        }
        do {
            let result = try scoreSheet().evaluate(using: set)
            if !total.isFinite || CriteriaSet.rounded(total) != result.total {
                check.fail("total", "\(CriteriaSet.format(total)) does not equal the sheet's total \(CriteriaSet.format(result.total))")
            }
        } catch let error as ValidationError {
            check.fail(error.field, error.reason)
        } catch let errors as ValidationErrors {
            for problem in errors.errors {
                check.fail(problem.field, problem.reason)
            }
        } catch {
            check.fail("criterion_scores", "\(error)")
        }
        return check.errors
    }
}
