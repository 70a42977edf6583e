import Foundation
import OCOPModel
import OCOPNetwork
import OCOPReplica
import OCOPStore
import Testing

/// The workspace clicked through in Debian's Chromium (chromedriver), at desktop and tablet
/// width. With `OCOP_SCREENSHOTS=DIR` each step is saved as a PNG there
/// (`ops/workspace-screenshots.sh` does it for a reviewer).
@Suite("Province workspace in a real browser", .serialized, .enabled(if: WebDriver.available, "Chromium and chromium-driver are not installed"))
struct BrowserJourneyTests {
    enum Width: String, CaseIterable, CustomTestStringConvertible {
        case desktop, tablet
        var size: (width: Int, height: Int) { self == .desktop ? (1280, 900) : (820, 1180) }
        var testDescription: String { rawValue }
    }

    /// Saves the page as `DIR/WIDTH-NN-step.png` when screenshots are asked for.
    struct Camera {
        let directory = ProcessInfo.processInfo.environment["OCOP_SCREENSHOTS"].map { URL(fileURLWithPath: $0) }
        let width: Width
        var count = 0
        mutating func shoot(_ browser: WebDriver, _ step: String) async throws {
            guard let directory else { return }
            count += 1
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try await browser.screenshot().write(to: directory.appendingPathComponent(String(format: "%@-%02d-%@.png", width.rawValue, count, step)))
        }
    }

    /// Whether `condition` holds within thirty seconds (a click returns when the browser has sent
    /// the form, not always once the server has saved it).
    static func eventually(_ condition: () throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try condition()
    }

    /// A new machine's first visit: the first account, created through the setup page.
    static func createFirstAccount(in browser: WebDriver, at base: String) async throws {
        try await browser.open(base + "/")
        try await browser.type("lan", into: "#name")
        try await browser.type("Nguyễn Thị Lan", into: "#display_name")
        try await browser.type("mật-khẩu-đủ-dài", into: "#password")
        try await browser.type("mật-khẩu-đủ-dài", into: "#password_again")
        try await browser.click("main form.card button[type=submit]")
        _ = try await browser.source { $0.contains("Tổng quan") }
    }

    /// The page's main part, for a failure's message.
    static func main(_ page: String) -> String {
        guard let start = page.range(of: "<main") else { return String(page.prefix(1_500)) }
        return String(page[start.lowerBound...].prefix(1_500))
    }

    @Test("first account, a producer, a form with a mistake, a product, then finding it without tone marks", arguments: Width.allCases)
    func addProducerAndProduct(width: Width) async throws {
        let workspace = try await WorkspaceHarness.start()
        defer { Task { await workspace.stop() } }
        let browser = try await WebDriver(width: width.size.width, height: width.size.height)
        defer { Task { await browser.quit() } }
        var camera = Camera(width: width)

        // A new machine: the first visit asks for the first account.
        try await browser.open(workspace.base + "/")
        #expect(try await browser.source { $0.contains("id=\"password_again\"") }.contains("Tạo tài khoản đầu tiên"))
        try await camera.shoot(browser, "setup")
        try await browser.type("lan", into: "#name")
        try await browser.type("Nguyễn Thị Lan", into: "#display_name")
        try await browser.type("mật-khẩu-đủ-dài", into: "#password")
        try await browser.type("mật-khẩu-đủ-dài", into: "#password_again")
        try await browser.click("main form.card button[type=submit]")
        #expect(try await browser.source { $0.contains("Nguyễn Thị Lan") }.contains("Tổng quan"))
        try await camera.shoot(browser, "overview")

        // The keyboard reaches "skip to content" first.
        try await browser.press("\u{E004}")
        #expect(try await browser.focusedText() == "Chuyển đến nội dung")

        // A household without its head: refused at the field, what was typed kept.
        try await browser.click("a[href='/producers']")
        try await browser.click("a[href='/producers/new']")
        try await browser.type("Hộ kinh doanh Lò Văn Páo", into: "#name")
        try await browser.click("#type option[value=household]")
        try await browser.type("Xã Sín Chéng", into: "#commune")
        try await browser.click("main form.card button[type=submit]")
        let refused = try await browser.source { $0.contains("representative-error") }
        #expect(refused.contains("id=\"representative-error\""), "\(Self.main(refused))")
        #expect(refused.contains("value=\"Hộ kinh doanh Lò Văn Páo\"") && refused.contains("value=\"Xã Sín Chéng\""))
        try await camera.shoot(browser, "producer-refused")
        try await browser.type("Lò Văn Páo", into: "#representative")
        try await browser.click("main form.card button[type=submit]")
        #expect(try await browser.source { $0.contains("Lịch sử thay đổi") }.contains("Lịch sử thay đổi"))
        try await camera.shoot(browser, "producer-saved")
        #expect(try await Self.eventually { try workspace.replica.fetchAll(Producer.self).count == 1 })
        let producer = try #require(try workspace.replica.fetchAll(Producer.self).first)
        #expect(producer.representative == "Lò Văn Páo" && producer.type == .household)

        // A product of that producer.
        try await browser.open(workspace.base + "/products/new")
        try await browser.type("Mật ong bạc hà Mèo Vạc", into: "#name_vi")
        try await browser.click("#producer_id option[value='\(producer.id.uuidString.lowercased())']")
        try await browser.click("#classification_code option[value='1.2.b']")
        try await browser.type("Mật ong từ hoa bạc hà trên cao nguyên đá", into: "#description_vi")
        try await camera.shoot(browser, "product-form")
        try await browser.click("main form.card button[type=submit]")
        #expect(try await browser.source { $0.contains("Lịch sử thay đổi") }.contains("Mật ong bạc hà Mèo Vạc"))
        #expect(try await Self.eventually { try workspace.replica.fetchAll(Product.self).map(\.nameVi) == ["Mật ong bạc hà Mèo Vạc"] })

        // Found without tone marks, from the list's search box.
        try await browser.click("a[href='/products']")
        try await browser.type("mat ong meo vac", into: "#q")
        try await browser.click("form[role=search] button")
        let found = try await browser.source { $0.contains("kết quả") && $0.contains("meo") }
        #expect(found.contains("1 kết quả"), "\(Self.main(found))")
        try await camera.shoot(browser, "product-search")

        // English on request.
        try await browser.click("a[href='/language/en']")
        #expect(try await browser.source { $0.contains("<html lang=\"en\">") }.contains("Products"))
        try await camera.shoot(browser, "english")
    }

    @Test("a dossier received, checked and sent; five members score with a live total; the approver certifies; the certificate prints",
          arguments: Width.allCases)
    func scoreAndCertify(width: Width) async throws {
        let workspace = try await WorkspaceHarness.start()
        defer { Task { await workspace.stop() } }
        let product = try WorkspaceDossierTests.product(in: workspace)
        let browser = try await WebDriver(width: width.size.width, height: width.size.height)
        defer { Task { await browser.quit() } }
        var camera = Camera(width: width)
        try await Self.createFirstAccount(in: browser, at: workspace.base)

        // From the product's page: receive a dossier, every document ticked.
        try await browser.open(workspace.base + "/products/\(product.id.uuidString.lowercased())")
        try await browser.click("a[href^='/dossiers/new']")
        _ = try await browser.source { $0.contains("id=\"reference\"") }
        try await browser.type("HS-2025-0042", into: "#reference")
        try await browser.type("UBND xã Suối Giàng", into: "#received_by")
        for code in ReferenceData.standard.dossierChecklist(rules: WorkspaceDossierTests.rules)?.codes ?? [] {
            try await browser.click("#doc_\(code)")
        }
        try await camera.shoot(browser, "dossier-receive")
        try await browser.click("main form.card button[type=submit]")
        #expect(try await browser.source { $0.contains("id=\"stage\"") }.contains("Đã tiếp nhận"))
        try await browser.click("form.step input[value=check] ~ button")
        #expect(try await browser.source { $0.contains("Đã kiểm tra đủ") }.contains("Gửi hội đồng"))
        try await browser.click("form.step input[value=send] ~ button")
        #expect(try await browser.source { $0.contains("Đang đánh giá tại Hội đồng") }.contains("id=\"new-sheet\""))
        try await camera.shoot(browser, "dossier-at-council")

        // Five sheets; the total and the stars follow the typing, before anything is sent.
        let criteria = WorkspaceDossierTests.criteria
        for member in 1...5 {
            try await browser.click("#new-sheet")
            _ = try await browser.source { $0.contains("id=\"score_A1\"") }
            try await browser.type("Ủy viên \(member)", into: "#member")
            for criterion in criteria {
                try await browser.type(CriteriaSet.format(criterion.maximum * 0.75), into: "#score_\(criterion.code)")
            }
            if member == 1 {
                #expect(try await browser.text(of: "#total") == "75")
                #expect(try await browser.text(of: "#stars") == "★★★★")
                // Over the maximum: marked at once, and the stars wait for a valid sheet.
                try await browser.type("99", into: "#score_A1")
                #expect(try await browser.text(of: "#stars") == "—")
                try await camera.shoot(browser, "score-sheet-out-of-range")
                try await browser.click("main form.card button[type=submit]")
                let refused = try await browser.source { $0.contains("score_A1-error") }
                #expect(refused.contains("id=\"score_A1-error\""), "\(Self.main(refused))")
                try await browser.type(CriteriaSet.format(criteria[0].maximum * 0.75), into: "#score_A1")
                try await camera.shoot(browser, "score-sheet")
            }
            try await browser.click("main form.card button[type=submit]")
            _ = try await browser.source { $0.contains("Đã lưu phiếu chấm của Ủy viên \(member)") }
        }
        #expect(try await Self.eventually { try workspace.replica.fetchAll(CouncilScoreSheet.self).count == 5 })

        // The decision, then the certificate's page, ready to print.
        try await browser.type("125/QĐ-UBND", into: "#decide-number")
        try await camera.shoot(browser, "decide")
        try await browser.click("#decide button[type=submit]")
        let decided = try await browser.source { $0.contains("id=\"certificate-link\"") }
        #expect(decided.contains("Được công nhận") && decided.contains("125/QĐ-UBND"), "\(Self.main(decided))")
        try await browser.click("#certificate-link")
        let certificate = try await browser.source { $0.contains("id=\"certificate-number\"") }
        #expect(certificate.contains("★★★★") && certificate.contains("Còn hiệu lực"))
        try await camera.shoot(browser, "certificate")
        #expect(try await Self.eventually { try workspace.replica.fetchAll(Certificate.self).map(\.stars) == [4] })
    }

    @Test("a CSV with bad rows: the errors line by line; the fixed file previewed and imported", arguments: Width.allCases)
    func importCSV(width: Width) async throws {
        let workspace = try await WorkspaceHarness.start()
        defer { Task { await workspace.stop() } }
        let browser = try await WebDriver(width: width.size.width, height: width.size.height)
        defer { Task { await browser.quit() } }
        var camera = Camera(width: width)
        try await Self.createFirstAccount(in: browser, at: workspace.base)

        let bad = workspace.directory.appendingPathComponent("chủ thể.csv")
        try Data(WorkspaceImportTests.badProducers.utf8).write(to: bad)
        let good = workspace.directory.appendingPathComponent("chủ thể đã sửa.csv")
        try Data(WorkspaceImportTests.goodProducers.utf8).write(to: good)

        try await browser.click("a[href='/import']")
        _ = try await browser.source { $0.contains("id=\"upload\"") }
        try await browser.type(bad.path, into: "#file")
        try await browser.click("#upload button[type=submit]")
        let refused = try await browser.source { $0.contains("import-error-list") }
        #expect(refused.contains("<td>3</td><td>name</td>") && refused.contains("<td>5</td><td>type</td>"), "\(Self.main(refused))")
        try await camera.shoot(browser, "import-errors")
        #expect(try workspace.replica.fetchAll(Producer.self).isEmpty)

        try await browser.type(good.path, into: "#file")
        try await browser.click("#upload button[type=submit]")
        let preview = try await browser.source { $0.contains("confirm-import") }
        #expect(preview.contains("sẽ thêm 3"), "\(Self.main(preview))")
        try await camera.shoot(browser, "import-preview")
        try await browser.click("#confirm-import button[type=submit]")
        #expect(try await browser.source { $0.contains("Đã nhập 3") }.contains("Đã nhập 3"))
        #expect(try await Self.eventually { try workspace.replica.fetchAll(Producer.self).count == 3 })
        try await browser.click("main a.button[href='/producers']")
        #expect(try await browser.source { $0.contains("3 kết quả") }.contains("Hộ kinh doanh Lò Văn Páo"))
        try await camera.shoot(browser, "import-done")
    }

    @Test("sync with a running daemon from the page; fix the change it refused; settle a conflict with the central office",
          arguments: Width.allCases)
    func syncFixAndSettle(width: Width) async throws {
        let daemon = try await LocalDaemon.start("browser-\(width.rawValue)")
        defer { daemon.stop() }
        let store = daemon.store
        let setting = try await daemon.provinceWithConflict()
        let (replica, provinceSync, producer, tenant, scratch) = (setting.replica, setting.provinceSync, setting.producer, setting.tenant, daemon.scratch)
        // And a product another tool wrote that the server will refuse: its producer is unknown.
        let orphan = Product(tenantID: tenant, producerID: UUID(), classificationCode: "1.2.b", nameVi: "Mật ong không chủ")
        try replica.write { db in try orphan.insert(db) }

        let workspace = try await WorkspaceHarness.start(sync: provinceSync, replica: (replica, scratch))
        defer { Task { await workspace.stop() } }
        let browser = try await WebDriver(width: width.size.width, height: width.size.height)
        defer { Task { await browser.quit() } }
        var camera = Camera(width: width)
        try await Self.createFirstAccount(in: browser, at: workspace.base)

        // Đồng bộ ngay: the page refreshes itself until the sync is done, then says what happened.
        try await browser.click("a[href='/sync']")
        try await browser.click("form[action='/sync'] button")
        let synced = try await browser.source { $0.contains("Đồng bộ xong") }
        #expect(synced.contains("Thay đổi bị máy chủ từ chối (1)") && synced.contains("Xung đột (1)"), "\(Self.main(synced))")
        try await camera.shoot(browser, "sync-result")

        // The refused product: open it from the list, give it its producer, sync again.
        try await browser.click("a[href='/products/\(orphan.id.uuidString.lowercased())']")
        #expect(try await browser.source { $0.contains("id=\"refusal\"") }.contains("Máy chủ đã từ chối"))
        try await browser.click("#producer_id option[value='\(producer.id.uuidString.lowercased())']")
        try await camera.shoot(browser, "refused-fix")
        try await browser.click("main form.card button[type=submit]")
        _ = try await browser.source { $0.contains("Lịch sử thay đổi") }
        try await browser.click("a[href='/sync']")
        try await browser.click("form[action='/sync'] button")
        let again = try await browser.source { $0.contains("Đồng bộ xong") && $0.contains("Thay đổi bị máy chủ từ chối (0)") }
        #expect(again.contains("Thay đổi bị máy chủ từ chối (0)"), "\(Self.main(again))")
        #expect(try await Self.eventually { try store.replica.fetch(Product.self, id: orphan.id) != nil })

        // The conflict, both values side by side: take the other one back.
        let current = try #require(try replica.fetch(Producer.self, id: producer.id)?.commune)
        let other = current == "Phường Thuận Hòa" ? "Phường Phú Nhuận" : "Phường Thuận Hòa"
        try await camera.shoot(browser, "conflict")
        try await browser.click("td.settle input[value=take] ~ button")
        #expect(try await browser.source { $0.contains("Xung đột (0)") }.contains("Xung đột (0)"))
        #expect(try await Self.eventually { try replica.fetch(Producer.self, id: producer.id)?.commune == other })
        try await browser.click("form[action='/sync'] button")
        #expect(try await Self.eventually { try store.replica.fetch(Producer.self, id: producer.id)?.commune == other })
    }
}
