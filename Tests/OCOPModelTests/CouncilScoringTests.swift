import Foundation
import Testing
import OCOPModel

@Suite("Council scoring: the product's score from the members' sheets")
struct CouncilScoringTests {
    func score(_ parts: [(a: Double, b: Double, c: Double, bonus: Double)]) throws -> (CouncilScore, Evaluation) {
        let dossier = try DossierSample.atCouncil()
        let sheets = try parts.enumerated().map { index, part in
            try DossierSample.sheet(dossier, "Ủy viên \(index + 1)", a: part.a, b: part.b, c: part.c, bonus: part.bonus)
        }
        let score = try CouncilScoring.score(dossier, sheets: sheets)
        let evaluation = score.evaluation(tenantID: dossier.tenantID, productID: dossier.productID)
        try evaluation.validate()
        return (score, evaluation)
    }

    @Test func theScoreIsTheMeanOfTheMembersTotals() throws {
        let (score, evaluation) = try score([(30, 20, 10, 0), (30, 20, 12, 0), (30, 20, 14, 0), (30, 20, 16, 0), (30, 20, 18, 0)])
        #expect(score.memberTotals == [60, 62, 64, 66, 68])
        #expect(score.total == 64 && score.stars == 3)
        #expect(evaluation.total == 64 && evaluation.stars == 3 && evaluation.council == .province)
        #expect(evaluation.partA == 30 && evaluation.partB == 20 && evaluation.partC == 14)
        #expect(evaluation.evaluatedOn == Sample.date("2025-09-10"))
        // The per-criterion means are the record's breakdown, and agree with its parts.
        let breakdown = try #require(try evaluation.scoreSheet())
        #expect(try breakdown.evaluate().total == 64)
    }

    @Test func halfPointsAverageExactly() throws {
        let (score, evaluation) = try score([(30.5, 20, 20, 0), (30, 20.5, 20, 0), (30, 20, 20.5, 0), (30, 20, 20, 0.5), (30, 20, 20, 1)])
        #expect(score.total == 70.6 && score.stars == 4)
        #expect(evaluation.bonus == 0.3)
    }

    @Test("a mean on a band's edge earns the band; just below does not", arguments: [
        (49.99, 2), (50.0, 3), (69.99, 3), (70.0, 4), (89.99, 4), (90.0, 5),
    ])
    func bandEdges(mean: Double, stars: Int) throws {
        // Five sheets whose totals average `mean`: mean − 1, + 1, ± 0.5 and the mean itself,
        // each filled part A first, then B, then C.
        func parts(_ total: Double) -> (a: Double, b: Double, c: Double, bonus: Double) {
            (min(total, 40), min(max(total - 40, 0), 25), max(total - 65, 0), 0)
        }
        let (score, _) = try score([mean - 1, mean + 1, mean, mean - 0.5, mean + 0.5].map(parts))
        #expect(score.total == mean)
        #expect(score.stars == stars)
    }

    @Test func aMeanOfExactlyFiftyFromRepeatingDecimalsIsThreeStars() throws {
        // Six members, each 50: part means 16.333…, 16.333…, 17.333… Rounding each part to six
        // decimals first would give 49.999999 (2★); the mean of the totals is exactly 50.
        let dossier = try DossierSample.atCouncil()
        let parts: [(Double, Double, Double)] = [(17, 16, 17), (17, 16, 17), (16, 17, 17), (16, 17, 17), (16, 16, 18), (16, 16, 18)]
        let sheets = try parts.enumerated().map { try DossierSample.sheet(dossier, "Ủy viên \($0.offset + 1)", a: $0.element.0, b: $0.element.1, c: $0.element.2) }
        let score = try CouncilScoring.score(dossier, sheets: sheets)
        #expect(score.memberTotals.allSatisfy { $0 == 50 })
        #expect(score.total == 50 && score.stars == 3)
        let evaluation = score.evaluation(tenantID: dossier.tenantID, productID: dossier.productID)
        #expect(evaluation.validationErrors(reference: .standard).isEmpty)
    }

    @Test func aSheetCappedAtAHundredCountsAsCapped() throws {
        // One member gives 100 + 5 bonus: the sheet's total is 100, and so is its share.
        let (score, evaluation) = try score([(40, 25, 35, 5), (40, 25, 35, 0), (40, 25, 30, 0), (40, 25, 30, 0), (40, 25, 30, 0)])
        #expect(score.memberTotals == [100, 100, 95, 95, 95])
        #expect(score.total == 97 && score.stars == 5)
        #expect(evaluation.bonus == 0 && evaluation.total == 97)
    }

    @Test func sheetsThatCannotBeAveragedAreRefused() throws {
        let dossier = try DossierSample.atCouncil()
        var sheets = try (1...4).map { try DossierSample.sheet(dossier, "Ủy viên \($0)", a: 30, b: 20, c: 20) }
        let fewer = try #require(throws: ValidationErrors.self) { try CouncilScoring.score(dossier, sheets: sheets) }
        #expect(fewer.errors.map(\.description) == ["dossiers.stage: dossier HS-2025-0042 has 4 member sheets; the council decides with at least 5"])

        // A member scoring under the 2019 rules, and a member twice.
        let old = try DossierSample.sheet(dossier, "Ủy viên 5", a: 30, b: 20, c: 20, set: .qd1048_2019, on: "2023-01-10")
        sheets += [old, try DossierSample.sheet(dossier, "ủy viên 1", a: 35, b: 20, c: 20)]
        let mixed = try #require(throws: ValidationErrors.self) { try CouncilScoring.score(dossier, sheets: sheets) }
        #expect(mixed.errors.map(\.description) == [
            "council_scores.criteria_set: member \"Ủy viên 5\" scored under QD1048-2019, but dossier HS-2025-0042 is evaluated under QD148-2023: every member scores on the same sheet",
            "council_scores.member: member \"ủy viên 1\" has more than one sheet for dossier HS-2025-0042",
        ])
    }

    @Test func aMembersSheetIsCheckedWhenRecorded() throws {
        let dossier = try DossierSample.atCouncil()
        var over = ScoringTests.sheet(a: 30, b: 20, c: 20).scores
        over["A1"] = 9
        let error = try #require(throws: ValidationErrors.self) {
            try CouncilScoreSheet.scoring(dossier, member: "Ủy viên 1", on: Sample.date("2025-09-10"), scores: over, recorded: [])
        }
        #expect(error.errors.map(\.description) == ["council_scores.criterion_scores[A1]: 9 exceeds the maximum 8 of criterion A1 in criteria set QD148-2023"])

        var half = ScoringTests.sheet(a: 30, b: 20, c: 20).scores
        half["A1"] = 7.5
        let first = try CouncilScoreSheet.scoring(dossier, member: "Ủy viên 1", on: Sample.date("2025-09-10"), scores: half, bonus: 1, recorded: [])
        #expect(first.total == 70.5 && first.criteriaSet == "QD148-2023")
        let twice = try #require(throws: ValidationErrors.self) {
            try CouncilScoreSheet.scoring(dossier, member: " ủy viên 1", on: Sample.date("2025-09-11"), scores: half, recorded: [first])
        }
        #expect(twice.errors.first?.description.hasPrefix("council_scores.member: \"Ủy viên 1\" already scored dossier HS-2025-0042 on 2025-09-10") == true)
        let replaced = try CouncilScoreSheet.scoring(dossier, member: "Ủy viên 1", on: Sample.date("2025-09-11"),
                                                     scores: ScoringTests.sheet(a: 30, b: 20, c: 20).scores, recorded: [first], replacing: true)
        #expect(replaced.id == first.id && replaced.total == 70)

        let early = try #require(throws: ValidationErrors.self) {
            try CouncilScoreSheet.scoring(dossier, member: "Ủy viên 2", on: Sample.date("2025-08-19"), scores: half, recorded: [])
        }
        #expect(early.errors.map(\.description) == ["council_scores.scored_on: 2025-08-19 is before dossier HS-2025-0042 was sent to the council (sent_on 2025-08-20)"])
        let notYet = try #require(throws: ValidationErrors.self) {
            try CouncilScoreSheet.scoring(try DossierSample.received(), member: "Ủy viên 2", on: Sample.date("2025-09-10"), scores: half, recorded: [])
        }
        #expect(notYet.errors.map(\.field) == ["stage"])
    }

    @Test func reasonsOfANegativeDecisionSayTheScore() throws {
        let (_, evaluation) = try score([(20, 10, 15, 0), (20, 10, 15.5, 0), (20, 10, 15, 0), (20, 10, 15, 0), (20, 10, 15, 0)])
        #expect(evaluation.stars == 2)
        #expect(Dossier.notCertifiedReasons(for: evaluation, extra: "Chưa có kết quả kiểm nghiệm")
            == "Điểm trung bình của Hội đồng 45.1 (2★), chưa đạt 3★ (từ 50 điểm). Chưa có kết quả kiểm nghiệm")
    }
}
