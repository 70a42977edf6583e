import Foundation
import OCOPModel
import OCOPReplica
import OCOPWorkspace
import Testing

/// The OCOP cycle in the workspace over real HTTP: a dossier received with its checklist,
/// checked, sent to the council, scored by five members on the official sheet, decided, the
/// certificate printed and revoked; bad scores and dates refused at their fields; roles.
@Suite("Province workspace: dossiers, score sheets, certificates")
struct WorkspaceDossierTests {
    static let rules = "QD148-2023"
    static var criteria: [Criterion] { ReferenceData.standard.criteriaSet(id: rules)?.allCriteria ?? [] }

    /// A producer and a product of the workspace's province.
    static func product(in workspace: WorkspaceHarness) throws -> Product {
        let producer = Producer(tenantID: workspace.tenant, name: "Hợp tác xã Chè Shan tuyết Suối Giàng", type: .cooperative)
        try workspace.replica.save(producer)
        let product = Product(tenantID: workspace.tenant, producerID: producer.id, classificationCode: "1.5.a", nameVi: "Chè Shan tuyết Suối Giàng",
                              nameEn: "Suoi Giang Shan Tuyet tea")
        try workspace.replica.save(product)
        return product
    }

    /// A member's sheet: every criterion at `fraction` of its maximum (0.75 of 100 is 75, 4★).
    static func sheet(member: String, fraction: Double, date: String = "2025-09-10", bonus: String = "") -> [(String, String)] {
        [("member", member), ("scored_on", date)] + criteria.map { ("score_\($0.code)", CriteriaSet.format($0.maximum * fraction)) } + [("bonus", bonus)]
    }

    /// Receives a dossier for `product` through the form and walks it to the council.
    static func dossierBeforeTheCouncil(_ officer: Browser, product: Product, workspace: WorkspaceHarness) async throws -> String {
        let checklist = try #require(ReferenceData.standard.dossierChecklist(rules: rules))
        let received = try await officer.post("/dossiers/new", [
            ("reference", "HS-2025-0042"), ("product_id", product.id.uuidString.lowercased()), ("received_by", "UBND xã Suối Giàng"),
            ("received_on", "2025-08-04"), ("rules", rules),
        ] + checklist.codes.map { ("doc_\($0)", "on") })
        #expect(received.status == 303, "\(received.body.prefix(3000))")
        let path = try #require(received.location)
        #expect(try await officer.post(path + "/move", [("move", "check"), ("date", "2025-08-06")], csrf: try await officer.get(path).csrf).status == 303)
        #expect(try await officer.post(path + "/move", [("move", "send"), ("date", "2025-08-20")], csrf: try await officer.get(path).csrf).status == 303)
        return path
    }

    @Test("receive, check, send, five members score, decide 4★, print the certificate, revoke it")
    func wholeCycle() async throws {
        let workspace = try await WorkspaceHarness.start()
        defer { Task { await workspace.stop() } }
        let product = try Self.product(in: workspace)
        let officer = workspace.browser()
        try await officer.setUp()
        // The product's page offers to receive a dossier for it, with the product chosen.
        let productPage = try await officer.get("/products/\(product.id.uuidString.lowercased())")
        #expect(productPage.body.contains("/dossiers/new?product=\(product.id.uuidString.lowercased())"))
        let form = try await officer.get("/dossiers/new?product=\(product.id.uuidString.lowercased())")
        #expect(form.body.contains("<option value=\"\(product.id.uuidString.lowercased())\" selected>"))
        #expect(form.body.contains("type=\"checkbox\"") && form.body.contains("Nhãn"))

        let path = try await Self.dossierBeforeTheCouncil(officer, product: product, workspace: workspace)
        let atCouncil = try await officer.get(path)
        #expect(atCouncil.body.contains("Đang đánh giá tại Hội đồng") && atCouncil.body.contains("0 phiếu chấm"))

        // The official sheet of the rules, every criterion with its maximum.
        let blank = try await officer.get(path + "/score")
        for criterion in Self.criteria { #expect(blank.body.contains("id=\"score_\(criterion.code)\"")) }
        #expect(blank.body.contains("/static/score-sheet.js"))

        let csrf = blank.csrf
        for (index, fraction) in [0.75, 0.7, 0.8, 0.75, 0.75].enumerated() {
            let saved = try await officer.post(path + "/score", Self.sheet(member: "Ủy viên \(index + 1) – Sở Công Thương", fraction: fraction), csrf: csrf)
            #expect(saved.status == 200 && saved.body.contains("Đã lưu phiếu chấm"), "\(saved.body.prefix(3000))")
        }
        let dossierID = try #require(UUID(uuidString: String(path.dropFirst("/dossiers/".count))))
        let sheets = try workspace.replica.fetchAll(CouncilScoreSheet.self)
        #expect(sheets.count == 5 && sheets.map(\.total).sorted() == [70, 75, 75, 75, 80])
        // A member scoring twice is refused at the member field; opening their sheet corrects it.
        let twice = try await officer.post(path + "/score", Self.sheet(member: "Ủy viên 1 – Sở Công Thương", fraction: 0.5), csrf: csrf)
        #expect(twice.status == 422 && twice.body.contains("id=\"member-error\""), "\(twice.body.prefix(3000))")
        let own = try await officer.get(path + "/score?member=" + FormDataEncoding.encode("Ủy viên 2 – Sở Công Thương"))
        #expect(own.body.contains("name=\"replace\" value=\"1\"") && own.body.contains("value=\"Ủy viên 2 – Sở Công Thương\""))
        let corrected = try await officer.post(path + "/score", Self.sheet(member: "Ủy viên 2 – Sở Công Thương", fraction: 0.7) + [("replace", "1")],
                                               csrf: csrf)
        #expect(corrected.status == 200)
        #expect(try workspace.replica.fetchAll(CouncilScoreSheet.self).count == 5)

        // 4★ needs the certificate's number: refused without it, the date kept.
        let page = try await officer.get(path)
        #expect(page.body.contains("id=\"decide\""))
        let noNumber = try await officer.post(path + "/decide", [("date", "2025-09-15"), ("number", ""), ("reason", "")], csrf: page.csrf)
        #expect(noNumber.status == 422 && noNumber.body.contains("certificate (decision) number"), "\(noNumber.body.prefix(3000))")
        #expect(noNumber.body.contains("value=\"2025-09-15\""))
        #expect(try workspace.replica.fetchAll(Certificate.self).isEmpty)
        let decided = try await officer.post(path + "/decide", [("date", "2025-09-15"), ("number", "125/QĐ-UBND"), ("reason", "")], csrf: page.csrf)
        #expect(decided.status == 200 && decided.body.contains("125/QĐ-UBND") && decided.body.contains("= 75 (4★)"), "\(decided.body.prefix(3000))")
        let certificate = try #require(try workspace.replica.fetchAll(Certificate.self).first)
        #expect(certificate.stars == 4 && certificate.number == "125/QĐ-UBND" && certificate.productID == product.id)
        let dossier = try #require(try workspace.replica.fetch(Dossier.self, id: dossierID))
        #expect(dossier.stage == .decided && dossier.outcome == .certified && dossier.certificateID == certificate.id)
        // Who decided is in the dossier's and the certificate's history.
        #expect(try workspace.replica.workspaceWrites(of: "dossiers", key: dossierID).first?.action == "decided")
        #expect(try workspace.replica.workspaceWrites(of: "certificates", key: certificate.id).first?.user == "lan")

        // The certificate's page: printable, with its facts.
        let certificatePath = "/certificates/\(certificate.id.uuidString.lowercased())"
        let shown = try await officer.get(certificatePath)
        #expect(shown.body.contains("★★★★") && shown.body.contains("Chè Shan tuyết Suối Giàng") && shown.body.contains("Còn hiệu lực"))
        #expect(shown.body.contains("data-print") && shown.body.contains("id=\"revoke\""))
        let stylesheet = try await officer.get("/static/workspace.css")
        #expect(stylesheet.body.contains("@media print") && stylesheet.body.contains(".screen-only"))
        let list = try await officer.get("/certificates")
        #expect(list.body.contains("125/QĐ-UBND") && list.body.contains("4★"))

        // Revoking needs a reason; then the certificate is revoked with a dated event.
        let noReason = try await officer.post(certificatePath + "/revoke", [("date", "2026-03-01"), ("reason", ""), ("number", "")], csrf: shown.csrf)
        #expect(noReason.status == 422 && noReason.body.contains("Không được để trống"))
        let revoked = try await officer.post(certificatePath + "/revoke", [("date", "2026-03-01"), ("reason", "Không duy trì tiêu chuẩn chất lượng"),
                                                                           ("number", "30/QĐ-UBND")], csrf: shown.csrf)
        #expect(revoked.status == 200 && revoked.body.contains("Đã thu hồi"), "\(revoked.body.prefix(3000))")
        #expect(try workspace.replica.fetch(Certificate.self, id: certificate.id)?.status == .revoked)
        #expect(try workspace.replica.fetchAll(CertificateEvent.self).map(\.kind).sorted { $0.rawValue < $1.rawValue } == [.issued, .revoked])
        #expect(!revoked.body.contains("id=\"revoke\""), "a revoked certificate offers no second revocation")
    }

    @Test("bad scores and dates are refused at their fields, what was typed is kept, nothing is saved", arguments: [
        ("score_A1", "99", "score_A1-error"),
        ("score_A1", "-1", "score_A1-error"),
        ("score_A1", "bảy", "score_A1-error"),
        ("score_A1", "", "score_A1-error"),
        ("bonus", "50", "bonus-error"),
        ("scored_on", "2025-02-30", "scored_on-error"),
        ("scored_on", "2099-01-01", "scored_on-error"),
        ("scored_on", "2025-08-01", "scored_on-error"),  // before the dossier went to the council
        ("member", "<script>alert(1)</script>", "member-error"),
        ("member", "100 KB", "member-error"),
    ])
    func badScores(field: String, value: String, errorID: String) async throws {
        // "100 KB" stands for 100 KB of Vietnamese (named short so the test's name stays readable).
        let value = value == "100 KB" ? String(repeating: "Ủy viên ", count: 12_000) : value
        let workspace = try await WorkspaceHarness.start()
        defer { Task { await workspace.stop() } }
        let product = try Self.product(in: workspace)
        let officer = workspace.browser()
        try await officer.setUp()
        let path = try await Self.dossierBeforeTheCouncil(officer, product: product, workspace: workspace)
        var fields = Self.sheet(member: "Ủy viên 1", fraction: 0.75)
        if let index = fields.firstIndex(where: { $0.0 == field }) { fields[index].1 = value } else { fields.append((field, value)) }
        let page = try await officer.post(path + "/score", fields, csrf: try await officer.get(path + "/score").csrf)
        #expect(page.status == 422)
        #expect(page.body.contains("id=\"\(errorID)\""), "\(page.body.prefix(5000))")
        #expect(!page.body.contains("<script>alert"), "text is escaped")
        if value.count < 100, !value.contains("<") { #expect(page.body.contains("value=\"\(value)\""), "what was typed is kept") }
        #expect(try workspace.replica.fetchAll(CouncilScoreSheet.self).isEmpty)
    }

    @Test("moves from the wrong stage and impossible dates are refused with the model's reason")
    func wrongMoves() async throws {
        let workspace = try await WorkspaceHarness.start()
        defer { Task { await workspace.stop() } }
        let product = try Self.product(in: workspace)
        let officer = workspace.browser()
        try await officer.setUp()
        let received = try await officer.post("/dossiers/new", [
            ("reference", "HS-2025-0043"), ("product_id", product.id.uuidString.lowercased()), ("received_by", "UBND xã Suối Giàng"),
            ("received_on", "2025-08-04"), ("rules", Self.rules),
        ])
        #expect(received.status == 303)
        let path = try #require(received.location)
        let csrf = try await officer.get(path).csrf
        // Nothing ticked: required documents are missing, so it cannot be checked complete.
        let check = try await officer.post(path + "/move", [("move", "check"), ("date", "2025-08-06")], csrf: csrf)
        #expect(check.status == 422 && check.body.contains("id=\"form-error\""), "\(check.body.prefix(3000))")
        // Sending before checking, scoring before the council, a day that does not exist.
        #expect(try await officer.post(path + "/move", [("move", "send"), ("date", "2025-08-06")], csrf: csrf).status == 422)
        #expect(try await officer.post(path + "/score", Self.sheet(member: "Ủy viên 1", fraction: 0.75), csrf: csrf).status == 422)
        #expect(try await officer.post(path + "/move", [("move", "return"), ("date", "2025-02-30")], csrf: csrf).status == 422)
        #expect(try await officer.post(path + "/move", [("move", "teleport"), ("date", "2025-08-06")], csrf: csrf).status == 422)
        // Returned, naming what is missing; then received again complete.
        let returned = try await officer.post(path + "/move", [("move", "return"), ("date", "2025-08-06"), ("reason", "Thiếu nhãn")], csrf: csrf)
        #expect(returned.status == 303)
        let dossier = try #require(try workspace.replica.fetchAll(Dossier.self).first)
        #expect(dossier.stage == .returned && dossier.reasons?.contains("Thiếu nhãn") == true)
        // Its page shows the reasons under their label.
        #expect(try await officer.get(path).body.contains("<dt>Lý do</dt><dd>"))
        // A second dossier with the same reference is refused at its field.
        let again = try await officer.post("/dossiers/new", [
            ("reference", "HS-2025-0043"), ("product_id", product.id.uuidString.lowercased()), ("received_by", "UBND xã"),
            ("received_on", "2025-08-04"), ("rules", Self.rules),
        ])
        #expect(again.status == 422 && again.body.contains("id=\"reference-error\""))
        #expect(try workspace.replica.fetchAll(Dossier.self).count == 1)
    }

    @Test("a viewer reads dossiers; an editor scores but only an approver decides or revokes")
    func roles() async throws {
        let workspace = try await WorkspaceHarness.start()
        defer { Task { await workspace.stop() } }
        let product = try Self.product(in: workspace)
        let approver = workspace.browser()
        try await approver.setUp()
        let path = try await Self.dossierBeforeTheCouncil(approver, product: product, workspace: workspace)
        for (name, role) in [("binh", "viewer"), ("chi", "editor")] {
            let added = try await approver.post("/accounts", [("name", name), ("display_name", name), ("password", "mật khẩu dài đủ"),
                                                              ("password_again", "mật khẩu dài đủ"), ("role", role)])
            #expect(added.status == 303)
        }
        let viewer = workspace.browser()
        #expect(try await viewer.logIn("binh", "mật khẩu dài đủ").status == 303)
        let seen = try await viewer.get(path)
        #expect(seen.status == 200 && !seen.body.contains("/score\"") && !seen.body.contains("id=\"decide\""))
        #expect(try await viewer.get(path + "/score").status == 403)
        #expect(try await viewer.post(path + "/score", Self.sheet(member: "Ủy viên 1", fraction: 0.75), csrf: seen.csrf).status == 403)
        let editor = workspace.browser()
        #expect(try await editor.logIn("chi", "mật khẩu dài đủ").status == 303)
        let page = try await editor.get(path)
        #expect(!page.body.contains("id=\"decide\""))
        #expect(try await editor.post(path + "/score", Self.sheet(member: "Ủy viên 1", fraction: 0.75), csrf: page.csrf).status == 200)
        #expect(try await editor.post(path + "/decide", [("date", "2025-09-15"), ("number", "1/QĐ")], csrf: page.csrf).status == 403)
        #expect(try workspace.replica.fetchAll(Dossier.self).first?.stage == .atCouncil)
        #expect(try workspace.replica.workspaceWrites(of: "council_scores", key: try #require(workspace.replica.fetchAll(CouncilScoreSheet.self).first?.id))
            .first?.user == "chi")
    }
}

extension WorkspaceDossierTests {
    @Test("a second certification of a product replaces its certificate: the first is superseded, the product lists both")
    func supersede() async throws {
        let workspace = try await WorkspaceHarness.start()
        defer { Task { await workspace.stop() } }
        let product = try Self.product(in: workspace)
        let officer = workspace.browser()
        try await officer.setUp()
        var numbers: [String] = []
        for (index, (reference, fraction)) in [("HS-2024-0007", 0.6), ("HS-2025-0042", 0.8)].enumerated() {
            let received = try await officer.post("/dossiers/new", [
                ("reference", reference), ("product_id", product.id.uuidString.lowercased()), ("received_by", "UBND xã Suối Giàng"),
                ("received_on", index == 0 ? "2024-03-04" : "2025-08-04"), ("rules", Self.rules),
            ] + (ReferenceData.standard.dossierChecklist(rules: Self.rules)?.codes ?? []).map { ("doc_\($0)", "on") })
            let path = try #require(received.location)
            let dossierID = try #require(UUID(uuidString: String(path.dropFirst(10))))
            let dossier = try #require(try workspace.replica.fetch(Dossier.self, id: dossierID))
            let sent = try dossier.checked(on: dossier.receivedOn).sentToCouncil(on: dossier.receivedOn.adding(days: 10))
            try workspace.replica.save(sent)
            // Five members' sheets, saved as the score page saves them.
            for member in 1...5 {
                let scores = Dictionary(uniqueKeysWithValues: Self.criteria.map { ($0.code, $0.maximum * fraction) })
                let sheet = try CouncilScoreSheet.scoring(sent, member: "Ủy viên \(member)", on: sent.receivedOn.adding(days: 20), scores: scores,
                                                          recorded: try workspace.replica.councilSheets(of: sent))
                try workspace.replica.save(sheet)
            }
            let number = "\(index + 1)0/QĐ-UBND"
            numbers.append(number)
            let page = try await officer.get(path)
            let decided = try await officer.post(path + "/decide", [("date", "\(sent.receivedOn.adding(days: 30))"), ("number", number), ("reason", "")],
                                                 csrf: page.csrf)
            #expect(decided.status == 200 && decided.body.contains(number), "\(decided.body.prefix(3000))")
        }
        let certificates = try workspace.replica.certificates(ofProduct: product.id)
        #expect(certificates.map(\.number) == numbers && certificates.map(\.stars) == [3, 4])
        #expect(certificates.map(\.status) == [.superseded, .active])
        #expect(certificates.last?.previousCertificateID == certificates.first?.id)
        let list = try await officer.get("/certificates")
        #expect(list.body.contains("Đã được thay thế") && list.body.contains("Còn hiệu lực"))
        let productPage = try await officer.get("/products/\(product.id.uuidString.lowercased())")
        #expect(productPage.body.contains(numbers[0]) && productPage.body.contains(numbers[1]))
        #expect(productPage.body.contains("<td>Đã được thay thế</td>") && productPage.body.contains("<td>Còn hiệu lực</td>"))
    }

    @Test("a certificate recorded without its issuing decision still names its authority and says no decision is recorded")
    func certificateWithoutEvents() async throws {
        let workspace = try await WorkspaceHarness.start()
        defer { Task { await workspace.stop() } }
        let product = try Self.product(in: workspace)
        let certificate = Certificate(tenantID: workspace.tenant, productID: product.id, evaluationID: nil, number: "12/QĐ-UBND", stars: 3,
                                      issuer: .province, issuedOn: try LocalDate(parsing: "2024-05-02"),
                                      expiresOn: try LocalDate(parsing: "2027-05-02"), status: .active)
        try workspace.replica.save(certificate)
        let officer = workspace.browser()
        try await officer.setUp()
        let page = try await officer.get("/certificates/\(certificate.id.uuidString.lowercased())")
        #expect(page.status == 200 && page.body.contains("UBND cấp tỉnh") && page.body.contains("Chưa ghi quyết định nào"), "\(page.body.prefix(3000))")
        #expect(page.body.contains("02/05/2024") && page.body.contains("02/05/2027"))
    }
}

/// Query values as the pages write them into links.
enum FormDataEncoding {
    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")) ?? ""
    }
}
