import Foundation
import Testing
import OCOPModel

@Suite("Score sheets and star bands")
struct ScoringTests {
    let set = CriteriaSet.qd148_2023

    /// A complete sheet whose part totals are exactly `a`, `b`, `c` (filled criterion by
    /// criterion up to each maximum).
    static func sheet(_ set: CriteriaSet = .qd148_2023, a: Double, b: Double, c: Double, bonus: Double = 0) -> ScoreSheet {
        var scores: [String: Double] = [:]
        for (part, target) in zip(set.parts, [a, b, c]) {
            var left = target
            for criterion in part.criteria {
                let give = min(left, criterion.maximum)
                scores[criterion.code] = give
                left -= give
            }
        }
        return ScoreSheet(criteriaSetID: set.id, scores: scores, bonus: bonus)
    }

    @Test func computesPartsTotalAndStars() throws {
        let result = try Self.sheet(a: 30, b: 20, c: 25).evaluate()
        #expect(result.partTotal("A") == 30 && result.partTotal("B") == 20 && result.partTotal("C") == 25)
        #expect(result.total == 75)
        #expect(result.stars == 4)
        #expect(result.criteriaSetID == "QD148-2023")
    }

    @Test(arguments: [
        (0.0, 1), (29.0, 1), (29.5, 1), (29.999, 1), (30.0, 2), (49.0, 2), (49.5, 2), (50.0, 3),
        (69.0, 3), (69.75, 3), (70.0, 4), (89.0, 4), (89.5, 4), (90.0, 5), (99.5, 5), (100.0, 5),
    ])
    func bandEdges(total: Double, stars: Int) throws {
        #expect(try set.stars(forTotal: total) == stars)
    }

    @Test(arguments: [100.5, 101.0, -0.5, .nan, .infinity])
    func totalsOutsideZeroToHundredAreRejected(total: Double) {
        #expect(throws: ValidationError.self) { try set.stars(forTotal: total) }
    }

    @Test func outOfRangeTotalMessage() {
        #expect(throws: ValidationError(record: "evaluations", field: "total", reason: "101 exceeds the maximum 100 of criteria set QD148-2023")) {
            try set.stars(forTotal: 101)
        }
    }

    @Test func sheetEdgesByIntegerTotals() throws {
        for (total, stars) in [(29, 1), (30, 2), (49, 2), (50, 3), (69, 3), (70, 4), (89, 4), (90, 5), (100, 5), (0, 1)] {
            let a = min(40, Double(total))
            let b = min(25, Double(total) - a)
            let c = Double(total) - a - b
            let result = try Self.sheet(a: a, b: b, c: c).evaluate()
            #expect(result.total == Double(total))
            #expect(result.stars == stars, "total \(total)")
        }
    }

    @Test func floatingPointDriftDoesNotMoveABand() throws {
        // Decimal scores summing to 30, which binary floating point adds up to 29.999999999999996.
        var scores = Self.sheet(a: 0, b: 0, c: 0).scores
        let a: [(String, Double)] = [("A1", 7.5), ("A2", 6), ("A3", 3.4), ("A4", 5.7), ("A5", 5.1), ("A6", 2.3)]
        var naive = 0.0
        for (code, value) in a { scores[code] = value; naive += value }
        #expect(naive < 30, "precondition: the naive sum drifts below the band edge")
        let result = try ScoreSheet(criteriaSetID: set.id, scores: scores).evaluate()
        #expect(result.partTotal("A") == 30)
        #expect(result.total == 30)
        #expect(result.stars == 2)
    }

    @Test func aCriterionAboveItsMaximumIsRejectedByName() {
        var sheet = Self.sheet(a: 30, b: 20, c: 25)
        sheet.scores["A1"] = 9
        #expect(throws: ValidationErrors([ValidationError(record: "evaluations", field: "criterion_scores[A1]",
                                                          reason: "9 exceeds the maximum 8 of criterion A1 in criteria set QD148-2023")])) {
            try sheet.evaluate()
        }
    }

    @Test func negativesMissingAndUnknownCriteriaAreAllReported() throws {
        var sheet = Self.sheet(a: 30, b: 20, c: 25, bonus: -1)
        sheet.scores["B2"] = -0.5
        sheet.scores["C3"] = nil
        sheet.scores["Z9"] = 1
        sheet.scores["C1"] = .nan
        do {
            _ = try sheet.evaluate()
            Issue.record("expected errors")
        } catch {
            #expect(error.errors.map(\.description) == [
                "evaluations.criterion_scores[Z9]: is not a criterion of criteria set QD148-2023",
                "evaluations.criterion_scores[B2]: -0.5 is negative",
                "evaluations.criterion_scores[C1]: must be a number",
                "evaluations.criterion_scores[C3]: is missing: every criterion of criteria set QD148-2023 must be scored",
                "evaluations.bonus: -1 is negative",
            ])
        }
    }

    @Test func bonusIsCappedSeparatelyAndTheTotalAt100() throws {
        let withBonus = try Self.sheet(a: 30, b: 15, c: 20, bonus: 5).evaluate()
        #expect(withBonus.total == 70 && withBonus.stars == 4, "bonus lifts 65 to 70")
        let capped = try Self.sheet(a: 40, b: 25, c: 33, bonus: 5).evaluate()
        #expect(capped.total == 100 && capped.stars == 5)
        #expect(throws: ValidationErrors([ValidationError(record: "evaluations", field: "bonus", reason: "5.5 exceeds the maximum 5 of criteria set QD148-2023")])) {
            try Self.sheet(a: 30, b: 15, c: 20, bonus: 5.5).evaluate()
        }
        #expect(throws: ValidationErrors([ValidationError(record: "evaluations", field: "bonus", reason: "criteria set QD1048-2019 has no bonus points, but 1 were given")])) {
            try Self.sheet(.qd1048_2019, a: 30, b: 15, c: 20, bonus: 1).evaluate()
        }
    }

    @Test func theOlderSetHasItsOwnMaxima() throws {
        let result = try Self.sheet(.qd1048_2019, a: 35, b: 25, c: 40).evaluate()
        #expect(result.total == 100 && result.stars == 5 && result.partTotal("C") == 40)
        var sheet = Self.sheet(.qd1048_2019, a: 35, b: 25, c: 40)
        sheet.scores["C1"] = 12.5
        #expect(throws: ValidationErrors.self) { try sheet.evaluate() }
    }

    @Test func unknownCriteriaSet() {
        #expect(throws: ValidationErrors([ValidationError(record: "evaluations", field: "criteria_set", reason: "\"QD9\" is not a known criteria set")])) {
            try ScoreSheet(criteriaSetID: "QD9", scores: [:]).evaluate()
        }
    }

    @Test func partMaximumIsCheckedEvenIfCriteriaDataWereInconsistent() {
        var broken = CriteriaSet.qd148_2023
        broken.parts[0].criteria[0].maximum = 9 // A now sums to 41 > 40
        let sheet = Self.sheet(broken, a: 41, b: 0, c: 0)
        #expect(throws: ValidationErrors([ValidationError(record: "evaluations", field: "part_a", reason: "41 exceeds the maximum 40 of criteria set QD148-2023")])) {
            try sheet.evaluate(using: broken)
        }
    }

    @Test func totalRangesOfBands() {
        #expect(set.totalRange(stars: 2)! == (30, 50, false))
        #expect(set.totalRange(stars: 5)! == (90, 100, true))
        #expect(set.totalRange(stars: 6) == nil)
    }
}
