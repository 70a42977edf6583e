import Foundation

/// A council's evaluation of a product: the score sheet's totals, the criteria set it was
/// scored under and the computed stars (`evaluations`, tenant scope).
///
/// `criterion_scores` is JSON text `{"A1": 7.5, ...}` with keys sorted, so equal sheets are
/// equal bytes on every replica. `{}` means the per-criterion breakdown was not recorded
/// (e.g. evaluations migrated from paper with part totals only); when present it must be
/// complete and agree with the part totals.
public struct Evaluation: OCOPRecord {
    public static let schema = OCOPSchema.evaluations

    public var id: UUID
    public var tenantID: UUID
    public var productID: UUID
    /// Criteria set id, e.g. `QD148-2023`.
    public var criteriaSet: String
    public var evaluatedOn: LocalDate
    public var council: CouncilLevel
    public var partA: Double
    public var partB: Double
    public var partC: Double
    public var bonus: Double
    public var total: Double
    public var stars: Int
    /// JSON object text of criterion code → points.
    public var criterionScores: String

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case tenantID = "tenant_id"
        case productID = "product_id"
        case criteriaSet = "criteria_set"
        case evaluatedOn = "evaluated_on"
        case council
        case partA = "part_a"
        case partB = "part_b"
        case partC = "part_c"
        case bonus, total, stars
        case criterionScores = "criterion_scores"
    }

    /// A record with every column given as is (for rows read back or received); validate it.
    public init(id: UUID = UUIDv7.generate(), tenantID: UUID, productID: UUID, criteriaSet: String,
                evaluatedOn: LocalDate, council: CouncilLevel, partA: Double, partB: Double, partC: Double,
                bonus: Double, total: Double, stars: Int, criterionScores: String = "{}") {
        self.id = id
        self.tenantID = tenantID
        self.productID = productID
        self.criteriaSet = criteriaSet
        self.evaluatedOn = evaluatedOn
        self.council = council
        self.partA = partA
        self.partB = partB
        self.partC = partC
        self.bonus = bonus
        self.total = total
        self.stars = stars
        self.criterionScores = criterionScores
    }

    /// An evaluation from a score sheet: the sheet is evaluated (throwing its problems) and the
    /// totals, stars and `criterion_scores` JSON filled in from the result.
    public init(id: UUID = UUIDv7.generate(), tenantID: UUID, productID: UUID, evaluatedOn: LocalDate,
                council: CouncilLevel, sheet: ScoreSheet, reference: ReferenceData = .standard) throws(ValidationErrors) {
        let result = try sheet.evaluate(reference: reference)
        self.init(id: id, tenantID: tenantID, productID: productID, criteriaSet: result.criteriaSetID,
                  evaluatedOn: evaluatedOn, council: council, partA: result.partTotal("A"),
                  partB: result.partTotal("B"), partC: result.partTotal("C"), bonus: result.bonus,
                  total: result.total, stars: result.stars,
                  criterionScores: Self.encodeCriterionScores(sheet.scores))
    }

    /// Canonical JSON text for criterion scores: keys sorted, numbers as JSON numbers.
    public static func encodeCriterionScores(_ scores: [String: Double]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a [String: Double] of finite numbers cannot fail; non-finite numbers are
        // rejected by validation before they get here, and encode as "{}" otherwise.
        guard let data = try? encoder.encode(scores) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The criterion scores decoded from ``criterionScores``; throws a ``ValidationError`` on
    /// `evaluations.criterion_scores` if it is not a JSON object of numbers.
    public func decodedCriterionScores() throws(ValidationError) -> [String: Double] {
        do {
            return try JSONDecoder().decode([String: Double].self, from: Data(criterionScores.utf8))
        } catch {
            throw ValidationError(record: Self.schema.name, field: "criterion_scores",
                                  reason: "is not a JSON object of criterion codes to numbers")
        }
    }

    /// The sheet this evaluation records, if it has a per-criterion breakdown.
    public func scoreSheet() throws(ValidationError) -> ScoreSheet? {
        let scores = try decodedCriterionScores()
        return scores.isEmpty ? nil : ScoreSheet(criteriaSetID: criteriaSet, scores: scores, bonus: bonus)
    }

    /// Checks: the criteria set is known, has parts A, B, C and was in force on
    /// `evaluated_on`; parts and bonus within their maxima; `total` equals parts + bonus
    /// (capped); `stars` match the bands; a district council only before 2025-07-01; and a
    /// per-criterion breakdown, if present, is complete, within maxima and sums to the parts.
    public func validationErrors(reference: ReferenceData) -> [ValidationError] {
        var check = FieldChecks(Self.schema.name)
        guard let set = reference.criteriaSet(id: criteriaSet) else {
            let known = reference.criteriaSets.map(\.id).joined(separator: ", ")
            check.fail("criteria_set", "\"\(criteriaSet)\" is not a known criteria set (known: \(known))")
            return check.errors
        }
        if set.parts.map(\.code) != ["A", "B", "C"] {
            check.fail("criteria_set", "criteria set \(set.id) does not have exactly the parts A, B, C stored in part_a, part_b, part_c")
            return check.errors
        }
        if !set.isInForce(on: evaluatedOn) {
            let period = "\(set.effectiveFrom) to \(set.effectiveUntil.map(\.description) ?? "now")"
            check.fail("criteria_set", "criteria set \(set.id) was not in force on \(evaluatedOn) (in force \(period))")
        }
        if council == .district && evaluatedOn >= CertificationPolicy.districtLevelAbolished {
            check.fail("council", "district councils no longer exist on \(evaluatedOn) (abolished \(CertificationPolicy.districtLevelAbolished))")
        }
        let expectedTotal = set.checkTotals(parts: ["A": partA, "B": partB, "C": partC], bonus: bonus, into: &check)
        let partsValid = check.errors.allSatisfy { !$0.field.hasPrefix("part_") && $0.field != "bonus" }
        if !total.isFinite {
            check.fail("total", "must be a number")
        } else if partsValid && CriteriaSet.rounded(total) != expectedTotal {
            check.fail("total", "\(CriteriaSet.format(total)) does not equal part_a + part_b + part_c + bonus = \(CriteriaSet.format(expectedTotal)) (capped at \(CriteriaSet.format(set.maximumTotal)))")
        } else {
            do {
                let expectedStars = try set.stars(forTotal: total)
                if stars != expectedStars {
                    check.fail("stars", "\(stars) does not match the total \(CriteriaSet.format(total)), which earns \(expectedStars) under criteria set \(set.id)")
                }
            } catch {
                check.fail(error.field, error.reason)
            }
        }
        do {
            let scores = try decodedCriterionScores()
            if !scores.isEmpty {
                do {
                    let result = try ScoreSheet(criteriaSetID: set.id, scores: scores, bonus: bonus).evaluate(using: set)
                    for (code, value) in [("A", partA), ("B", partB), ("C", partC)]
                    where value.isFinite && CriteriaSet.rounded(value) != result.partTotal(code) {
                        check.fail("part_\(code.lowercased())", "\(CriteriaSet.format(value)) does not equal the sum of its criterion scores, \(CriteriaSet.format(result.partTotal(code)))")
                    }
                } catch {
                    for problem in error.errors where problem.field.hasPrefix("criterion_scores") {
                        check.fail(problem.field, problem.reason)
                    }
                }
            }
        } catch {
            check.fail(error.field, error.reason)
        }
        return check.errors
    }
}
