/// A council's scores for one product under one criteria set: points per criterion plus a
/// bonus. ``evaluate(using:)`` checks it and computes part totals, the total and the stars.
///
/// Rules (all from the ``CriteriaSet``, none hard-coded):
/// - every criterion of the set is scored, and nothing else;
/// - each score is a finite number from 0 to the criterion's maximum;
/// - each part total is at most the part's maximum (guaranteed when the set's data is
///   consistent, checked anyway);
/// - the bonus is from 0 to the set's bonus maximum;
/// - total = A + B + C + bonus, capped at the set's maximum total (100);
/// - stars come from the set's bands applied to the total as a real number: 29.5 → 1★, 30 → 2★.
public struct ScoreSheet: Sendable, Hashable, Codable {
    /// The criteria set scored against, e.g. `QD148-2023`.
    public var criteriaSetID: String
    /// Points per criterion code (`A1`, `B3`...).
    public var scores: [String: Double]
    /// Bonus points (women, ethnic minorities, local materials and labour...).
    public var bonus: Double

    public init(criteriaSetID: String, scores: [String: Double], bonus: Double = 0) {
        self.criteriaSetID = criteriaSetID
        self.scores = scores
        self.bonus = bonus
    }

    /// Looks the criteria set up in `reference`, then ``evaluate(using:)``.
    public func evaluate(reference: ReferenceData = .standard) throws(ValidationErrors) -> ScoreResult {
        guard let set = reference.criteriaSet(id: criteriaSetID) else {
            throw ValidationErrors([ValidationError(record: "evaluations", field: "criteria_set",
                                                    reason: "\"\(criteriaSetID)\" is not a known criteria set")])
        }
        return try evaluate(using: set)
    }

    /// Validates the sheet against `set` and computes the result; throws every problem found
    /// (each naming `evaluations.criterion_scores[CODE]`, `evaluations.part_x` or
    /// `evaluations.bonus`).
    public func evaluate(using set: CriteriaSet) throws(ValidationErrors) -> ScoreResult {
        var check = FieldChecks("evaluations")
        if set.id != criteriaSetID {
            check.fail("criteria_set", "the sheet is for \(criteriaSetID) but was evaluated with \(set.id)")
        }
        for code in scores.keys.sorted() where set.criterion(code: code) == nil {
            check.fail("criterion_scores[\(code)]", "is not a criterion of criteria set \(set.id)")
        }
        var partTotals: [String: Double] = [:]
        for part in set.parts {
            var sum = 0.0
            for criterion in part.criteria {
                let field = "criterion_scores[\(criterion.code)]"
                guard let score = scores[criterion.code] else {
                    check.fail(field, "is missing: every criterion of criteria set \(set.id) must be scored")
                    continue
                }
                if !score.isFinite {
                    check.fail(field, "must be a number")
                } else if score < 0 {
                    check.fail(field, "\(CriteriaSet.format(score)) is negative")
                } else if CriteriaSet.rounded(score) > criterion.maximum {
                    check.fail(field, "\(CriteriaSet.format(score)) exceeds the maximum \(CriteriaSet.format(criterion.maximum)) of criterion \(criterion.code) in criteria set \(set.id)")
                } else {
                    sum += score
                }
            }
            partTotals[part.code] = CriteriaSet.rounded(sum)
        }
        let total = set.checkTotals(parts: partTotals, bonus: bonus, into: &check)
        if !check.errors.isEmpty { throw ValidationErrors(check.errors) }
        // checkTotals found no problem, so the total is within the bands.
        let stars = (try? set.stars(forTotal: total)) ?? 0
        return ScoreResult(criteriaSetID: set.id, partTotals: partTotals, bonus: CriteriaSet.rounded(bonus), total: total, stars: stars)
    }
}

extension CriteriaSet {
    /// Checks part totals (0...part maximum, one per part) and the bonus (0...bonus maximum),
    /// recording problems under `part_x` and `bonus`; returns the capped total.
    func checkTotals(parts: [String: Double], bonus: Double, into check: inout FieldChecks) -> Double {
        var sum = 0.0
        for part in self.parts {
            let value = parts[part.code] ?? 0
            if !value.isFinite {
                check.fail(part.column, "must be a number")
            } else if value < 0 {
                check.fail(part.column, "\(CriteriaSet.format(value)) is negative")
            } else if CriteriaSet.rounded(value) > part.maximum {
                check.fail(part.column, "\(CriteriaSet.format(value)) exceeds the maximum \(CriteriaSet.format(part.maximum)) of criteria set \(id)")
            } else {
                sum += value
            }
        }
        if !bonus.isFinite {
            check.fail("bonus", "must be a number")
        } else if bonus < 0 {
            check.fail("bonus", "\(CriteriaSet.format(bonus)) is negative")
        } else if CriteriaSet.rounded(bonus) > bonusMaximum {
            check.fail("bonus", bonusMaximum == 0
                ? "criteria set \(id) has no bonus points, but \(CriteriaSet.format(bonus)) were given"
                : "\(CriteriaSet.format(bonus)) exceeds the maximum \(CriteriaSet.format(bonusMaximum)) of criteria set \(id)")
        } else {
            sum += bonus
        }
        return Swift.min(CriteriaSet.rounded(sum), maximumTotal)
    }
}
