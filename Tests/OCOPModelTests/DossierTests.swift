import Foundation
import Testing
import OCOPModel

/// Dossiers for the tests: Lào Cai's sample product, received on 2025-08-04.
enum DossierSample {
    static let everyDocument = Set(DossierChecklist.qd148_2023.codes)

    static func received(missing: Set<String> = [], on day: String = "2025-08-04") throws -> Dossier {
        try Dossier.received(tenantID: Sample.tenantID, productID: Sample.productID, producerID: Sample.producerID,
                             reference: "HS-2025-0042", on: Sample.date(day), by: "UBND xã Suối Giàng", rules: "QD148-2023",
                             present: everyDocument.subtracting(missing))
    }

    static func atCouncil() throws -> Dossier {
        try received().checked(on: Sample.date("2025-08-08")).sentToCouncil(on: Sample.date("2025-08-20"))
    }

    /// One member's sheet with part totals `a`, `b`, `c` and a bonus, scored on 2025-09-10.
    static func sheet(_ dossier: Dossier, _ member: String, a: Double, b: Double, c: Double, bonus: Double = 0,
                      set: CriteriaSet = .qd148_2023, on day: String = "2025-09-10") throws -> CouncilScoreSheet {
        try CouncilScoreSheet(tenantID: dossier.tenantID, dossierID: dossier.id, member: member, scoredOn: Sample.date(day),
                              sheet: ScoringTests.sheet(set, a: a, b: b, c: c, bonus: bonus))
    }
}

@Suite("Dossiers: reference data, moves, validation, deadlines")
struct DossierTests {
    @Test func checklistsListTheDomainDocumentsWithStableCodes() throws {
        for rules in ["QD148-2023", "QD1048-2019"] {
            let checklist = try #require(ReferenceData.standard.dossierChecklist(rules: rules))
            #expect(checklist.codes == ["registration_form", "business_plan", "legal_papers", "product_standard", "food_safety",
                                        "label", "trade_mark", "material_origin", "test_results", "product_story"])
            #expect(checklist.documents.filter(\.isRequired).map(\.code) == ["registration_form", "business_plan", "legal_papers"])
            #expect(checklist.documents.allSatisfy { $0.name.vi.isNFC && !$0.name.en.isEmpty })
            #expect(!checklist.source.isEmpty)
        }
        #expect(ReferenceData.standard.consistencyProblems().isEmpty)
        let procedure = ReferenceData.standard.dossierProcedure
        #expect(procedure.steps.map(\.code) == ["commune_check", "province_review", "council_decision"])
        #expect(procedure.steps.map(\.stage) == [.received, .checked, .atCouncil])
        #expect(procedure.steps.allSatisfy { $0.source.contains("1489/QĐ-TTg") && $0.days > 0 })
        #expect(procedure.minimumSheets == 5)
    }

    @Test func aDossierGoesThroughTheCycle() throws {
        let received = try DossierSample.received(missing: ["label", "legal_papers"])
        #expect(received.stage == .received && received.isValid())
        #expect(try received.decodedChecklist()["label"] == false && received.decodedChecklist()["registration_form"] == true)

        let returned = try received.returned(on: Sample.date("2025-08-06"), missing: ["legal_papers"], reason: "Bổ sung giấy đăng ký HTX")
        #expect(returned.stage == .returned && returned.returnedOn == Sample.date("2025-08-06"))
        #expect(returned.reasons == "Thiếu: Giấy đăng ký kinh doanh, đăng ký hợp tác xã của chủ thể. Bổ sung giấy đăng ký HTX")

        let again = try returned.receivedAgain(on: Sample.date("2025-08-12"), present: DossierSample.everyDocument)
        #expect(again.stage == .received && again.receivedOn == Sample.date("2025-08-12") && again.returnedOn == Sample.date("2025-08-06"))

        let checked = try again.checked(on: Sample.date("2025-08-14"))
        let sent = try checked.sentToCouncil(on: Sample.date("2025-08-20"))
        #expect(sent.stage == .atCouncil && sent.sentOn == Sample.date("2025-08-20"))

        let sheets = try (1...5).map { try DossierSample.sheet(sent, "Ủy viên \($0)", a: 30, b: 20, c: 20 + Double($0)) }
        let score = try CouncilScoring.score(sent, sheets: sheets)
        #expect(score.total == 73 && score.stars == 4)
        let evaluation = score.evaluation(tenantID: sent.tenantID, productID: sent.productID)
        let issuance = try CertificationPolicy.standard.issue(number: "125/QĐ-UBND", for: evaluation, issuer: .province,
                                                              issuedOn: Sample.date("2025-09-15"))
        let decided = try sent.certified(on: Sample.date("2025-09-15"), evaluation: evaluation, certificate: issuance.certificate)
        #expect(decided.stage == .decided && decided.outcome == .certified && decided.certificateID == issuance.certificate.id)
        #expect(decided.isValid())

        // Decided twice: refused on the stage, and the decided dossier is what it was.
        #expect(decided.refusal(of: .decide)?.description == "dossiers.stage: dossier HS-2025-0042 is already decided on 2025-09-15 (certified): only a dossier before the council is decided")
        #expect(throws: ValidationErrors.self) {
            try decided.notCertified(on: Sample.date("2025-09-16"), evaluation: evaluation, reasons: "x")
        }
        #expect(decided.stage == .decided && decided.outcome == .certified)
    }

    @Test func aRequiredDocumentMissingIsReturnedNotChecked() throws {
        let received = try DossierSample.received(missing: ["business_plan", "label"])
        let error = try #require(throws: ValidationErrors.self) { try received.checked(on: Sample.date("2025-08-05")) }
        #expect(error.errors.map(\.description) == ["dossiers.checklist: required document business_plan missing: a dossier is checked only when every required document is present"])
        // Without --missing, the return names the required documents the checklist lacks.
        let returned = try received.returned(on: Sample.date("2025-08-05"))
        #expect(returned.reasons == "Thiếu: Phương án, kế hoạch hoặc báo cáo sản xuất kinh doanh")
        // An optional document missing does not stop the check.
        #expect(try DossierSample.received(missing: ["label"]).checked(on: Sample.date("2025-08-05")).stage == .checked)
    }

    @Test func wrongStageMovesAreRefusedOnTheStage() throws {
        let received = try DossierSample.received()
        let atCouncil = try DossierSample.atCouncil()
        let withdrawn = try received.withdrawn(on: Sample.date("2025-08-05"), reason: "Sản phẩm đổi nhãn")
        #expect(withdrawn.reasons == "Chủ thể rút hồ sơ ngày 2025-08-05: Sản phẩm đổi nhãn")
        let cases: [(Dossier, Dossier.Move, String)] = [
            (received, .send, "dossier HS-2025-0042 is received on 2025-08-04: only a checked dossier is sent to the council"),
            (received, .score, "dossier HS-2025-0042 is received on 2025-08-04: members score a dossier only while it is before the council"),
            (received, .decide, "dossier HS-2025-0042 is received on 2025-08-04: only a dossier before the council is decided"),
            (received, .receiveAgain, "dossier HS-2025-0042 is received on 2025-08-04: only a returned dossier is received again"),
            (atCouncil, .check, "dossier HS-2025-0042 is before the council since 2025-08-20: only a received dossier is checked"),
            (atCouncil, .return, "dossier HS-2025-0042 is before the council since 2025-08-20: only a received dossier is returned to the producer"),
            (withdrawn, .withdraw, "dossier HS-2025-0042 is withdrawn: only a dossier not yet decided is withdrawn"),
        ]
        for (dossier, move, reason) in cases {
            #expect(dossier.refusal(of: move) == ValidationError(record: "dossiers", field: "stage", reason: reason))
        }
        #expect(received.refusal(of: .check) == nil && atCouncil.refusal(of: .decide) == nil && atCouncil.refusal(of: .withdraw) == nil)
        let error = try #require(throws: ValidationErrors.self) { try received.sentToCouncil(on: Sample.date("2025-08-06")) }
        #expect(error.errors.map(\.field) == ["stage"])
    }

    @Test func datesBeforeThePreviousStepAreRefusedOnTheirColumn() throws {
        let received = try DossierSample.received()
        func problems(_ move: () throws -> Dossier) -> [String] {
            do { _ = try move(); return [] } catch let error as ValidationErrors { return error.errors.map(\.description) } catch { return ["\(error)"] }
        }
        #expect(problems { try received.checked(on: Sample.date("2025-08-01")) } == ["dossiers.checked_on: 2025-08-01 is before received_on 2025-08-04"])
        let checked = try received.checked(on: Sample.date("2025-08-08"))
        #expect(problems { try checked.sentToCouncil(on: Sample.date("2025-08-07")) } == ["dossiers.sent_on: 2025-08-07 is before checked_on 2025-08-08"])
        let returned = try received.returned(on: Sample.date("2025-08-06"), missing: ["label"])
        #expect(problems { try returned.receivedAgain(on: Sample.date("2025-08-05"), present: DossierSample.everyDocument) }
            == ["dossiers.received_on: 2025-08-05 is before the dossier was returned (returned_on 2025-08-06)"])
        #expect(problems { try received.withdrawn(on: Sample.date("2025-08-01")) } == ["dossiers.reasons: the withdrawal date 2025-08-01 is before received_on 2025-08-04"])
        #expect(problems { try DossierSample.received(on: "2018-01-02") } == ["dossiers.received_on: 2018-01-02 is before the OCOP programme began (2018-05-07)"])

        let atCouncil = try DossierSample.atCouncil()
        let sheets = try (1...5).map { try DossierSample.sheet(atCouncil, "Ủy viên \($0)", a: 20, b: 10, c: 10) }
        let evaluation = try CouncilScoring.score(atCouncil, sheets: sheets).evaluation(tenantID: Sample.tenantID, productID: Sample.productID)
        #expect(problems { try atCouncil.notCertified(on: Sample.date("2025-09-09"), evaluation: evaluation, reasons: "x") }
            == ["dossiers.decided_on: 2025-09-09 is before the council's evaluation of 2025-09-10"])
    }

    @Test func checklistsNameOnlyTheirDocuments() throws {
        let error = try #require(throws: ValidationErrors.self) {
            try Dossier.received(tenantID: Sample.tenantID, productID: Sample.productID, producerID: Sample.producerID,
                                 reference: "HS-1", on: Sample.date("2025-08-04"), by: "UBND xã Y Tý", rules: "QD148-2023",
                                 present: ["registration_form", "labels"])
        }
        #expect(error.errors.map(\.description) == [
            "dossiers.checklist: \"labels\" is not a document of the QD148-2023 checklist (documents: registration_form, business_plan, legal_papers, product_standard, food_safety, label, trade_mark, material_origin, test_results, product_story)",
        ])
        var dossier = try DossierSample.received()
        dossier.checklist = Dossier.encodeChecklist(["registration_form": true, "label": true, "photo": true])
        let reasons = dossier.validationErrors(reference: .standard).map(\.description)
        #expect(reasons.count == 2)
        #expect(reasons.first == "dossiers.checklist: \"photo\" is not a document of the QD148-2023 checklist (documents: registration_form, business_plan, legal_papers, product_standard, food_safety, label, trade_mark, material_origin, test_results, product_story)")
        #expect(reasons.last?.hasPrefix("dossiers.checklist: does not say whether business_plan, legal_papers,") == true)
        dossier.checklist = "[true]"
        #expect(dossier.validationErrors(reference: .standard).map(\.description) == ["dossiers.checklist: is not a JSON object of document items to true/false"])
    }

    @Test func aReturnSaysWhatIsMissingOrWhy() throws {
        let received = try DossierSample.received()
        let error = try #require(throws: ValidationErrors.self) { try received.returned(on: Sample.date("2025-08-05")) }
        #expect(error.errors.map(\.description) == ["dossiers.reasons: say which documents are missing or why dossier HS-2025-0042 is returned"])
        let returned = try received.returned(on: Sample.date("2025-08-05"), missing: ["label", "test_results"], reason: "Nhãn chưa ghi hạn sử dụng")
        #expect(returned.reasons == "Thiếu: Nhãn hàng hóa; Phiếu kết quả kiểm nghiệm. Nhãn chưa ghi hạn sử dụng")
        #expect(try returned.decodedChecklist()["label"] == false)
        // Received again: the return's date stays, before the new receipt.
        var again = try returned.receivedAgain(on: Sample.date("2025-08-09"), present: DossierSample.everyDocument)
        #expect(again.isValid())
        again.returnedOn = Sample.date("2025-08-10")
        #expect(again.validationErrors(reference: .standard).map(\.description) == ["dossiers.returned_on: 2025-08-10 is after received_on 2025-08-09: a returned dossier is received again after its return"])
    }

    @Test func deadlinesFollowTheStatutorySteps() throws {
        let procedure = ReferenceData.standard.dossierProcedure
        let received = try DossierSample.received()
        let deadline = try #require(procedure.deadline(of: received))
        #expect(deadline.step.code == "commune_check" && deadline.startedOn == Sample.date("2025-08-04") && deadline.dueOn == Sample.date("2025-08-19"))
        #expect(deadline.daysLate(on: Sample.date("2025-08-19")) == 0 && deadline.daysLate(on: Sample.date("2025-08-22")) == 3)
        let atCouncil = try DossierSample.atCouncil()
        #expect(procedure.deadline(of: atCouncil)?.step.code == "council_decision")
        #expect(procedure.deadline(of: atCouncil)?.dueOn == Sample.date("2025-09-19"))
        #expect(procedure.deadline(of: try received.returned(on: Sample.date("2025-08-05"), missing: ["label"])) == nil)
        let sheets = try (1...5).map { try DossierSample.sheet(atCouncil, "Ủy viên \($0)", a: 40, b: 25, c: 30) }
        let evaluation = try CouncilScoring.score(atCouncil, sheets: sheets).evaluation(tenantID: Sample.tenantID, productID: Sample.productID)
        #expect(evaluation.stars == 5)
        let proposed = try atCouncil.proposed(evaluation: evaluation)
        #expect(proposed.isProposedToCentralOffice && proposed.stage == .atCouncil && procedure.deadline(of: proposed) == nil)
        #expect(proposed.refusal(of: .score) != nil && proposed.refusal(of: .propose) != nil && proposed.refusal(of: .decide) == nil)
    }
}
