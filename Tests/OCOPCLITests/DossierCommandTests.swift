import Foundation
import OCOPModel
import OCOPReplica
import Testing

@Suite("ocop dossier: intake, council scoring, decisions, reports")
struct DossierCommandTests {
    static let reference = "HS-2025-0042"

    /// A province replica with one product (GTIN 8934567890120) and dossier HS-2025-0042
    /// received on 2025-08-04 with every document (or, with `sent`, checked and sent to the
    /// council on 2025-08-20).
    static func setUp(sent: Bool = false) async throws -> Workspace {
        let workspace = try await Workspace.province()
        _ = try await EvaluationCommandTests.setUp(workspace)
        try await workspace.ok("dossier", "receive", "--reference", reference, "--product", "8934567890120",
                         "--office", "UBND xã Mèo Vạc", "--date", "2025-08-04", "--missing", "none")
        if sent {
            try await workspace.ok("dossier", "check", "--dossier", reference, "--date", "2025-08-08")
            try await workspace.ok("dossier", "send", "--dossier", reference, "--date", "2025-08-20")
        }
        return workspace
    }

    /// `--scores` for a sheet totalling `total`.
    static func scores(_ total: Double) -> String {
        let points = sheet(totalling: total)
        return points.keys.sorted().map { "\($0)=\(points[$0]!)" }.joined(separator: ",")
    }

    /// Five members score: totals `totals`.
    static func score(_ workspace: Workspace, _ totals: [Double], on date: String = "2025-09-10") async throws {
        for (index, total) in totals.enumerated() {
            try await workspace.ok("dossier", "score", "--dossier", reference, "--member", "Ủy viên \(index + 1)",
                             "--scores", scores(total), "--date", date)
        }
    }

    /// What the replica holds of the dossiers' cycle, to show a refused command changed nothing.
    static func state(_ workspace: Workspace) throws -> [String] {
        let replica = try workspace.openReplica()
        return try replica.fetchAll(Dossier.self).map { "\($0)" } + replica.fetchAll(CouncilScoreSheet.self).map { "\($0)" }
            + replica.fetchAll(Evaluation.self).map { "\($0)" } + replica.fetchAll(Certificate.self).map { "\($0)" }
    }

    @Test func aDossierGoesThroughTheCycle() async throws {
        let workspace = try await Workspace.province()
        _ = try await EvaluationCommandTests.setUp(workspace)
        let received = try await workspace.ok("dossier", "receive", "--reference", Self.reference, "--product", "8934567890120",
                                        "--office", "UBND xã Mèo Vạc", "--date", "2025-08-04", "--missing", "label,legal_papers")
        #expect(received.contains("Received dossier HS-2025-0042"), "\(received)")
        #expect(received.contains("8 of 10 documents present; missing legal_papers (Giấy đăng ký kinh doanh, đăng ký hợp tác xã của chủ thể), label (Nhãn hàng hóa)"), "\(received)")
        #expect(received.contains("Required documents missing"), "\(received)")

        let returned = try await workspace.ok("dossier", "return", "--dossier", Self.reference, "--date", "2025-08-06",
                                        "--reason", "Bổ sung giấy đăng ký hợp tác xã")
        #expect(returned.contains("returned to the producer on 2025-08-06: Thiếu: Giấy đăng ký kinh doanh, đăng ký hợp tác xã của chủ thể. Bổ sung giấy đăng ký hợp tác xã"))
        try await workspace.ok("dossier", "receive", "--reference", Self.reference, "--date", "2025-08-12", "--present", "all")
        try await workspace.ok("dossier", "check", "--dossier", Self.reference, "--date", "2025-08-14")
        try await workspace.ok("dossier", "send", "--dossier", Self.reference, "--date", "2025-08-20")

        // Five members: lists, a decimal comma, a --score override and a sheet file.
        try await Self.score(workspace, [70, 72, 74])
        try await workspace.ok("dossier", "score", "--dossier", Self.reference, "--member", "Ủy viên 4 – Sở Công Thương",
                         "--scores", Self.scores(76).replacingOccurrences(of: "A1=8.0", with: "A1=7,5"), "--bonus", "0,5", "--date", "2025-09-10")
        let file = try workspace.write("uy-vien-5.json", try sheetJSON(sheet(totalling: 78), extra: ["criteria_set": "QD148-2023"]))
        let fifth = try await workspace.ocop("dossier", "score", "--dossier", Self.reference, "--member", "Ủy viên 5", "--sheet", file,
                                       "--date", "2025-09-11", "--json").object()
        #expect(fifth["total"] as? Double == 78 && fifth["member"] as? String == "Ủy viên 5")

        let decided = try await workspace.ocop("dossier", "decide", "--dossier", Self.reference, "--date", "2025-09-15",
                                         "--number", "125/QĐ-UBND", "--json").object()
        #expect(decided["stage"] as? String == "decided" && decided["outcome"] as? String == "certified")
        let replica = try workspace.openReplica()
        let evaluation = try #require(try replica.fetchAll(Evaluation.self).first)
        #expect(evaluation.total == 74 && evaluation.stars == 4 && evaluation.evaluatedOn == day("2025-09-11"))
        #expect(decided["evaluation_id"] as? String == evaluation.id.uuidString.lowercased())
        let certificate = try #require(try replica.fetchAll(Certificate.self).first)
        #expect(certificate.number == "125/QĐ-UBND" && certificate.stars == 4 && certificate.evaluationID == evaluation.id)
        #expect(certificate.issuedOn == day("2025-09-15") && certificate.issuer == .province)
        #expect(decided["certificate_id"] as? String == certificate.id.uuidString.lowercased())
        #expect(try replica.fetchAll(CouncilScoreSheet.self).count == 5)
        let issued = try replica.fetchAll(CertificateEvent.self)
        #expect(issued.map(\.kind) == [.issued] && issued.first?.certificateID == certificate.id)
        #expect(issued.first?.decisionNumber == "125/QĐ-UBND" && issued.first?.effectiveOn == day("2025-09-15"))

        let shown = try await workspace.ok("dossier", "show", Self.reference)
        #expect(shown.contains("decided:") && shown.contains("2025-09-15 (certified)") && shown.contains("[x] label"))
        #expect(shown.contains("2025-09-11  78  Ủy viên 5"))
        let list = try await workspace.ok("dossier", "list")
        #expect(list.contains("HS-2025-0042") && list.contains("decided") && list.contains("Mật ong bạc hà Mèo Vạc"))
        #expect(try await workspace.ocop("dossier", "list", "--stage", "received", "--json").array().isEmpty)
    }

    @Test func aLowScoreIsNotCertifiedWithReasonsAndEndsTheCertificateInForce() async throws {
        let workspace = try await Self.setUp(sent: true)
        // The product holds a 3★ certificate from an earlier evaluation: this dossier re-evaluates it.
        let evaluated = try await workspace.run(["evaluate", "--product", "8934567890120", "--date", "2025-06-01", "--replica", workspace.replica]
                                          + scoreArguments(sheet(totalling: 60)))
        try #require(evaluated.status == 0, "\(evaluated)")
        try await workspace.ok("certify", "--product", "8934567890120", "--number", "1/QĐ-UBND", "--date", "2025-06-02")
        try await Self.score(workspace, [40, 42, 44, 46, 48])
        let text = try await workspace.ok("dossier", "decide", "--dossier", Self.reference, "--date", "2025-09-15", "--reason", "Chưa có phiếu kiểm nghiệm")
        #expect(text.contains("mean of 5 sheets (40, 42, 44, 46, 48) = 44, 2★"), "\(text)")
        #expect(text.contains("Ended certificate 1/QĐ-UBND (3★) from 2025-09-10: re-evaluated below 3★."), "\(text)")
        let replica = try workspace.openReplica()
        let dossier = try #require(try replica.fetchAll(Dossier.self).first)
        #expect(dossier.outcome == .notCertified && dossier.certificateID == nil)
        #expect(dossier.reasons == "Điểm trung bình của Hội đồng 44 (2★), chưa đạt 3★ (từ 50 điểm). Chưa có phiếu kiểm nghiệm")
        #expect(try replica.fetchAll(Certificate.self).map(\.status) == [.revoked])
        #expect(try replica.fetchAll(CertificateEvent.self).map(\.kind) == [.issued, .revoked])

        // The dossier's evaluation and product are part of its record.
        let evaluation = try #require(dossier.evaluationID).uuidString.lowercased()
        let deleteEvaluation = try await workspace.ocop("evaluate", "delete", evaluation)
        #expect(deleteEvaluation.status == 2 && deleteEvaluation.stderr.contains("is the council's evaluation of dossier HS-2025-0042"))
        let deleteProduct = try await workspace.ocop("product", "delete", "8934567890120")
        #expect(deleteProduct.status == 2 && deleteProduct.stderr.contains("and 1 dossier(s)"), "\(deleteProduct)")
    }

    @Test func ninetyPointsIsAProposalUntilTheCentralCertificateArrives() async throws {
        let workspace = try await Self.setUp(sent: true)
        try await Self.score(workspace, [90, 91, 92, 93, 94])
        let proposed = try await workspace.ok("dossier", "decide", "--dossier", Self.reference, "--date", "2025-09-15")
        #expect(proposed.contains("5★ candidate: proposed to the central office"), "\(proposed)")
        #expect(try await workspace.ok("dossier", "list").contains("at_council (5★ proposal)"))
        let replica = try workspace.openReplica()
        let evaluation = try #require(try replica.fetchAll(Evaluation.self).first)
        #expect(evaluation.stars == 5 && evaluation.total == 92)

        let waiting = try await workspace.ocop("dossier", "decide", "--dossier", Self.reference, "--date", "2025-09-16")
        #expect(waiting.status == 2)
        #expect(waiting.stderrLines == ["error: dossiers.stage: dossier HS-2025-0042 is proposed to the central office for 5★; it is decided when the central office's certificate arrives (run `ocop sync`)"])
        let moreSheets = try await workspace.run(["dossier", "score", "--dossier", Self.reference, "--member", "Ủy viên 6",
                                            "--scores", Self.scores(60), "--date", "2025-09-16", "--replica", workspace.replica])
        #expect(moreSheets.status == 2 && moreSheets.stderr.contains("dossiers.stage: dossier HS-2025-0042 is proposed to the central office for 5★"))

        // The central office certifies 5★; once synced, deciding again records it.
        let central = try CertificationPolicy.standard.issue(number: "TW-2025-007", for: evaluation, issuer: .central, issuedOn: day("2025-10-20"))
        try replica.save(central.certificate)
        let closed = try await workspace.ok("dossier", "decide", "--dossier", Self.reference, "--date", "2025-10-21")
        #expect(closed.contains("certified 5★ by the central office, certificate TW-2025-007"), "\(closed)")
        let dossier = try #require(try replica.fetchAll(Dossier.self).first)
        #expect(dossier.stage == .decided && dossier.outcome == .certified && dossier.certificateID == central.certificate.id)
    }

    @Test func theCentralOfficeDoesNotDecideAProvincesDossier() async throws {
        let workspace = try Workspace()
        try await workspace.ok("init", "--central")
        try await workspace.ok("producer", "add", "--name", "Hợp tác xã Mật ong bạc hà Mèo Vạc", "--type", "HTX", "--tax-code", "0101234567",
                         "--tenant", Workspace.laoCai.uuidString.lowercased())
        try await workspace.ok("product", "add", "--name-vi", "Mật ong bạc hà Mèo Vạc", "--classification", "1.2.b", "--producer", "0101234567",
                         "--gtin", "8934567890120")
        try await workspace.ok("dossier", "receive", "--reference", Self.reference, "--product", "8934567890120",
                         "--office", "UBND xã Mèo Vạc", "--date", "2025-08-04", "--missing", "none")
        try await workspace.ok("dossier", "check", "--dossier", Self.reference, "--date", "2025-08-08")
        try await workspace.ok("dossier", "send", "--dossier", Self.reference, "--date", "2025-08-20")
        try await Self.score(workspace, [60, 60, 60, 60, 60])
        let before = try Self.state(workspace)
        let decided = try await workspace.ocop("dossier", "decide", "--dossier", Self.reference, "--date", "2025-09-15", "--number", "1/QĐ-UBND")
        #expect(decided.status == 2 && decided.stderr.contains("is decided by its province's People's Committee"), "\(decided)")
        #expect(try Self.state(workspace) == before)
    }

    @Test func decidingTwiceIsRefusedAndChangesNothing() async throws {
        let workspace = try await Self.setUp(sent: true)
        try await Self.score(workspace, [60, 60, 60, 60, 60])
        try await workspace.ok("dossier", "decide", "--dossier", Self.reference, "--date", "2025-09-15", "--number", "7/QĐ-UBND")
        let before = try Self.state(workspace)
        let again = try await workspace.ocop("dossier", "decide", "--dossier", Self.reference, "--date", "2025-09-16", "--number", "8/QĐ-UBND")
        #expect(again.status == 2)
        #expect(again.stderrLines == ["error: dossiers.stage: dossier HS-2025-0042 is already decided on 2025-09-15 (certified): only a dossier before the council is decided"])
        #expect(try Self.state(workspace) == before)
        let withdraw = try await workspace.ocop("dossier", "withdraw", "--dossier", Self.reference, "--date", "2025-09-16")
        #expect(withdraw.status == 2 && withdraw.stderr.contains("only a dossier not yet decided is withdrawn"))
        #expect(try Self.state(workspace) == before)
    }

    @Test func badInputIsRefusedNamingRecordAndFieldAndChangesNothing() async throws {
        let workspace = try await Self.setUp()
        func refused(_ arguments: [String], _ status: Int32, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let before = try Self.state(workspace)
            let result = try await workspace.run(arguments + ["--replica", workspace.replica])
            #expect(result.status == status, "\(arguments.joined(separator: " ")) → \(result)", sourceLocation: sourceLocation)
            #expect(result.stderr.contains(message), "\(result.stderr)", sourceLocation: sourceLocation)
            #expect(try Self.state(workspace) == before, sourceLocation: sourceLocation)
        }
        let ref = Self.reference
        // Unknown dossier; wrong stage; dates before the previous step or in the future.
        try await refused(["dossier", "check", "--dossier", "HS-404"], 2, "error: no dossier has the id or reference \"HS-404\"")
        try await refused(["dossier", "send", "--dossier", ref, "--date", "2025-08-05"], 2,
                    "error: dossiers.stage: dossier HS-2025-0042 is received on 2025-08-04: only a checked dossier is sent to the council")
        try await refused(["dossier", "score", "--dossier", ref, "--member", "Ủy viên 1", "--scores", Self.scores(60), "--date", "2025-08-05"], 2,
                    "error: dossiers.stage: dossier HS-2025-0042 is received on 2025-08-04: members score a dossier only while it is before the council")
        try await refused(["dossier", "decide", "--dossier", ref, "--date", "2025-08-05"], 2, "only a dossier before the council is decided")
        try await refused(["dossier", "check", "--dossier", ref, "--date", "2025-08-01"], 1,
                    "error: dossiers.checked_on: 2025-08-01 is before received_on 2025-08-04")
        try await refused(["dossier", "check", "--dossier", ref, "--date", "2999-01-01"], 1, "error: --date 2999-01-01 is after today")
        try await refused(["dossier", "receive", "--reference", "HS-2025-0099", "--product", "8934567890120", "--office", "UBND xã Mèo Vạc",
                     "--date", "2999-01-01", "--present", "all"], 1, "error: --date 2999-01-01 is after today")
        try await refused(["dossier", "receive", "--reference", ref, "--date", "2025-08-05", "--present", "all"], 2,
                    "error: dossiers.stage: dossier HS-2025-0042 is received on 2025-08-04: only a returned dossier is received again")
        try await refused(["dossier", "receive", "--reference", "HS-2025-0099", "--product", "8934567890120", "--office", "UBND xã Mèo Vạc",
                     "--date", "2025-08-05", "--missing", "labels"], 1, "error: dossiers.checklist: \"labels\" is not a document of the QD148-2023 checklist")
        try await refused(["dossier", "receive", "--reference", "HS-2025-0099", "--product", "8934567890120", "--office", "UBND xã Mèo Vạc",
                     "--date", "2025-08-05"], 64, "--present")
        try await refused(["dossier", "return", "--dossier", ref, "--date", "2025-08-05"], 1,
                    "error: dossiers.reasons: say which documents are missing or why dossier HS-2025-0042 is returned")

        try await workspace.ok("dossier", "check", "--dossier", ref, "--date", "2025-08-08")
        try await workspace.ok("dossier", "send", "--dossier", ref, "--date", "2025-08-20")
        try await refused(["dossier", "check", "--dossier", ref, "--date", "2025-08-21"], 2, "only a received dossier is checked")

        // Score sheets: over a criterion's maximum, before the council got the dossier, twice,
        // a sheet of other rules; a decision without a quorum or without a certificate number.
        var over = sheet(totalling: 60)
        over["A1"] = 9
        try await refused(["dossier", "score", "--dossier", ref, "--member", "Ủy viên 1", "--date", "2025-09-10", "--scores",
                     over.keys.sorted().map { "\($0)=\(over[$0]!)" }.joined(separator: ",")], 1,
                    "error: council_scores.criterion_scores[A1]: 9 exceeds the maximum 8 of criterion A1 in criteria set QD148-2023")
        try await refused(["dossier", "score", "--dossier", ref, "--member", "Ủy viên 1", "--scores", Self.scores(60), "--date", "2025-08-19"], 1,
                    "error: council_scores.scored_on: 2025-08-19 is before dossier HS-2025-0042 was sent to the council (sent_on 2025-08-20)")
        try await refused(["dossier", "score", "--dossier", ref, "--member", "Ủy viên 1", "--scores", "A1=8,A1=7"], 64, "criterion A1 is scored twice")
        let old = try workspace.write("cu.json", try sheetJSON(sheet(totalling: 60), extra: ["criteria_set": "QD1048-2019"]))
        try await refused(["dossier", "score", "--dossier", ref, "--member", "Ủy viên 1", "--sheet", old, "--date", "2025-09-10"], 1,
                    "error: council_scores.criteria_set: \(old) is a QD1048-2019 sheet, but dossier HS-2025-0042 is evaluated under QD148-2023")
        try await Self.score(workspace, [60, 62, 64, 66])
        try await refused(["dossier", "score", "--dossier", ref, "--member", "ủy viên 2", "--scores", Self.scores(70), "--date", "2025-09-10"], 1,
                    "error: council_scores.member: \"Ủy viên 2\" already scored dossier HS-2025-0042 on 2025-09-10")
        try await refused(["dossier", "decide", "--dossier", ref, "--date", "2025-09-15", "--number", "9/QĐ-UBND"], 2,
                    "error: dossiers.stage: dossier HS-2025-0042 has 4 member sheets; the council decides with at least 5")
        try await workspace.ok("dossier", "score", "--dossier", ref, "--member", "Ủy viên 2", "--scores", Self.scores(68), "--date", "2025-09-10", "--replace")
        try await workspace.ok("dossier", "score", "--dossier", ref, "--member", "Ủy viên 5", "--scores", Self.scores(70), "--date", "2025-09-10")
        try await refused(["dossier", "decide", "--dossier", ref, "--date", "2025-09-15"], 64, "--number: dossier HS-2025-0042 earned 3★")
        try await refused(["dossier", "decide", "--dossier", ref, "--date", "2025-09-09", "--number", "9/QĐ-UBND"], 1,
                    "error: certificates.issued_on: 2025-09-09 is before the evaluation of 2025-09-10")
        let decided = try await workspace.ok("dossier", "decide", "--dossier", ref, "--date", "2025-09-15", "--number", "9/QĐ-UBND")
        #expect(decided.contains("mean of 5 sheets (60, 68, 64, 66, 70) = 65.6, 3★"), "\(decided)")
    }

    @Test func aRequiredDocumentMissingIsReturnedNotChecked() async throws {
        let workspace = try await Workspace.province()
        _ = try await EvaluationCommandTests.setUp(workspace)
        try await workspace.ok("dossier", "receive", "--reference", Self.reference, "--product", "8934567890120", "--office", "UBND xã Mèo Vạc",
                         "--date", "2025-08-04", "--present", "registration_form,legal_papers,label")
        let check = try await workspace.ocop("dossier", "check", "--dossier", Self.reference, "--date", "2025-08-05")
        #expect(check.status == 1)
        #expect(check.stderrLines == ["error: dossiers.checklist: required document business_plan missing: a dossier is checked only when every required document is present"])
        let returned = try await workspace.ocop("dossier", "return", "--dossier", Self.reference, "--date", "2025-08-05", "--json").object()
        #expect(returned["stage"] as? String == "returned" && returned["reasons"] as? String == "Thiếu: Phương án, kế hoạch hoặc báo cáo sản xuất kinh doanh")
        let again = try await workspace.ocop("dossier", "receive", "--reference", Self.reference, "--date", "2025-08-03", "--present", "all")
        #expect(again.status == 1 && again.stderr.contains("dossiers.received_on: 2025-08-03 is before the dossier was returned (returned_on 2025-08-05)"))
    }

    @Test func reportsCountByStageAndNameOverdueSteps() async throws {
        let workspace = try await Self.setUp(sent: true)
        try await workspace.ok("dossier", "receive", "--reference", "HS-2025-0050", "--product", "8934567890120", "--office", "UBND xã Mèo Vạc",
                         "--date", "2025-09-01", "--missing", "label")
        try await workspace.ok("dossier", "receive", "--reference", "HS-2025-0051", "--product", "8934567890120", "--office", "UBND xã Mèo Vạc",
                         "--date", "2025-09-20", "--missing", "legal_papers")
        try await workspace.ok("dossier", "return", "--dossier", "HS-2025-0051", "--date", "2025-09-22")

        let report = try await workspace.ocop("report", "dossiers", "--date", "2025-09-25", "--json").object()
        let counts = try #require(report["counts"] as? [String: Int])
        #expect(counts == ["received": 1, "returned": 1, "checked": 0, "at_council": 1, "decided": 0, "withdrawn": 0])
        let rows = try #require(report["dossiers"] as? [[String: Any]])
        #expect(rows.map { $0["reference"] as? String } == ["HS-2025-0050", "HS-2025-0051", "HS-2025-0042"])
        #expect(rows[0]["days"] as? Int == 24 && rows[0]["overdue"] as? Bool == true && rows[0]["step"] as? String == "commune_check")
        #expect(rows[1]["step"] is NSNull && rows[1]["overdue"] as? Bool == false)
        let atCouncil = try await workspace.ok("report", "dossiers", "--stage", "at_council", "--date", "2025-09-25")
        #expect(atCouncil.contains("at_council  2025-08-20  36    2025-09-19 (late)  HS-2025-0042"), "\(atCouncil)")
        #expect(!atCouncil.contains("HS-2025-0050"))

        let overdue = try await workspace.ocop("report", "overdue", "--date", "2025-09-25", "--json").array()
        #expect(overdue.map { $0["reference"] as? String } == ["HS-2025-0050", "HS-2025-0042"])
        #expect(overdue[0]["step"] as? String == "commune_check" && overdue[0]["days_late"] as? Int == 9 && overdue[0]["actor"] as? String == "UBND cấp xã")
        #expect(overdue[1]["step"] as? String == "council_decision" && overdue[1]["days_late"] as? Int == 6 && overdue[1]["due_on"] as? String == "2025-09-19")
        let text = try await workspace.ok("report", "overdue", "--date", "2025-09-25")
        #expect(text.hasSuffix("2 dossier(s) overdue on 2025-09-25."))
        #expect(try await workspace.ok("report", "overdue", "--date", "2025-08-10") == "0 dossier(s) overdue on 2025-08-10.")
    }
}

/// A date of the tests, known to be valid.
private func day(_ text: String) -> LocalDate { try! LocalDate(parsing: text) }
