import Foundation
import Testing
import OCOPModel

@Suite("Evaluations")
struct EvaluationTests {
    @Test func builtFromASheet() throws {
        let evaluation = try Sample.evaluation(a: 35, b: 20, c: 30, bonus: 2)
        #expect(evaluation.partA == 35 && evaluation.partB == 20 && evaluation.partC == 30 && evaluation.bonus == 2)
        #expect(evaluation.total == 87 && evaluation.stars == 4)
        #expect(evaluation.criteriaSet == "QD148-2023")
        #expect(evaluation.criterionScores.hasPrefix(#"{"A1":8,"A2":6,"#))
        #expect(try evaluation.decodedCriterionScores()["C1"] == 10)
        #expect(try evaluation.decodedCriterionScores()["C5"] == 0)
        #expect(evaluation.isValid())
    }

    @Test func criterionScoresJSONIsCanonical() {
        #expect(Evaluation.encodeCriterionScores(["B1": 2.5, "A10": 1, "A2": 0]) == #"{"A10":1,"A2":0,"B1":2.5}"#)
    }

    @Test func partAboveItsMaximumIsNamed() throws {
        var evaluation = try Sample.evaluation()
        evaluation.criterionScores = "{}"
        evaluation.partA = 41
        evaluation.total = 86
        evaluation.stars = 4
        #expect(evaluation.validationErrors(reference: .standard).map(\.description) == [
            "evaluations.part_a: 41 exceeds the maximum 40 of criteria set QD148-2023",
        ])
    }

    @Test func totalAndStarsMustAgreeWithTheParts() throws {
        var evaluation = try Sample.evaluation()
        evaluation.total = 80
        #expect(evaluation.validationErrors(reference: .standard).map(\.description) == [
            "evaluations.total: 80 does not equal part_a + part_b + part_c + bonus = 75 (capped at 100)",
        ])
        evaluation.total = 75
        evaluation.stars = 3
        #expect(evaluation.validationErrors(reference: .standard).map(\.description) == [
            "evaluations.stars: 3 does not match the total 75, which earns 4 under criteria set QD148-2023",
        ])
    }

    @Test func breakdownMustMatchThePartTotals() throws {
        var evaluation = try Sample.evaluation()
        evaluation.partB = 19
        evaluation.total = 74
        #expect(evaluation.validationErrors(reference: .standard).map(\.description) == [
            "evaluations.part_b: 19 does not equal the sum of its criterion scores, 20",
        ])
        evaluation = try Sample.evaluation()
        evaluation.criterionScores = #"{"A1": 8}"#
        #expect(evaluation.validationErrors(reference: .standard).first?.description
            == "evaluations.criterion_scores[A2]: is missing: every criterion of criteria set QD148-2023 must be scored")
        evaluation.criterionScores = "not json"
        #expect(evaluation.validationErrors(reference: .standard).map(\.description) == [
            "evaluations.criterion_scores: is not a JSON object of criterion codes to numbers",
        ])
        evaluation.criterionScores = "{}"
        #expect(evaluation.isValid(), "no breakdown recorded is allowed")
        #expect(try evaluation.scoreSheet() == nil)
    }

    @Test func criteriaSetMustBeKnownAndInForce() throws {
        var evaluation = try Sample.evaluation()
        evaluation.criteriaSet = "QD1048-2019"
        evaluation.criterionScores = "{}"
        #expect(evaluation.validationErrors(reference: .standard).map(\.description) == [
            "evaluations.criteria_set: criteria set QD1048-2019 was not in force on 2025-09-10 (in force 2019-08-21 to 2023-02-23)",
        ])
        evaluation.criteriaSet = "X"
        #expect(evaluation.validationErrors(reference: .standard).map(\.description) == [
            "evaluations.criteria_set: \"X\" is not a known criteria set (known: QD148-2023, QD1048-2019)",
        ])
    }

    @Test func districtCouncilsOnlyBeforeJuly2025() throws {
        #expect(try Sample.evaluation(council: .district, on: "2025-06-30").isValid())
        #expect(try Sample.evaluation(council: .district, on: "2025-07-01").validationErrors(reference: .standard).map(\.field) == ["council"])
    }

    @Test func negativeAndNonFiniteValuesAreRejected() throws {
        var evaluation = try Sample.evaluation()
        evaluation.criterionScores = "{}"
        evaluation.partC = -1
        evaluation.bonus = .nan
        let fields = evaluation.validationErrors(reference: .standard).map(\.description)
        #expect(fields == ["evaluations.part_c: -1 is negative", "evaluations.bonus: must be a number"])
    }
}
