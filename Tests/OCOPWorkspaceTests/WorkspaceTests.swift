import Foundation
import OCOPModel
import OCOPReplica
import OCOPWorkspace
import Testing

/// The province workspace over real HTTP on loopback: accounts and sessions, forms that refuse
/// bad input and keep what was typed, CSRF, roles, escaping, Vietnamese search and paging.
@Suite("Province workspace")
struct WorkspaceTests {
    @Test("a new machine asks for its first account, which is logged in; then pages need a login")
    func firstAccountThenLogin() async throws {
        let workspace = try await WorkspaceHarness.start()
        defer { Task { await workspace.stop() } }
        let visitor = workspace.browser()
        #expect(try await visitor.get("/").location == "/setup")
        #expect(try await visitor.get("/login").location == "/setup")
        // A password too short and two that differ: refused, the name kept, no password sent back.
        let bad = try await visitor.post("/setup", [("name", "lan"), ("display_name", "Nguyễn Thị Lan"), ("password", "ngắn"), ("password_again", "khác")])
        #expect(bad.status == 422)
        #expect(bad.body.contains("value=\"lan\"") && bad.body.contains("Mật khẩu cần ít nhất 10 ký tự") && bad.body.contains("Hai mật khẩu không giống nhau"))
        #expect(!bad.body.contains("ngắn"))
        try await visitor.setUp()
        let home = try await visitor.get("/")
        #expect(home.status == 200 && home.body.contains("Nguyễn Thị Lan") && home.body.contains("<html lang=\"vi\">"))
        // The setup page is closed once an account exists.
        #expect(try await visitor.get("/setup").location == "/login")
        let other = workspace.browser()
        #expect(try await other.get("/producers").location == "/login")
        let wrong = try await other.logIn("lan", "sai mật khẩu rồi")
        #expect(wrong.status == 401 && wrong.body.contains("Tên đăng nhập hoặc mật khẩu không đúng"))
        #expect(try await other.logIn("lan", "mật-khẩu-đủ-dài").location == "/")
        #expect(try await other.get("/producers").status == 200)
        // Logging out ends the session.
        let home2 = try await other.get("/")
        _ = try await other.post("/logout", [], csrf: home2.csrf)
        #expect(try await other.get("/producers").location == "/login")
    }

    @Test("a producer added through the form is saved with who added it; search finds it without tone marks")
    func addProducer() async throws {
        let workspace = try await WorkspaceHarness.start()
        defer { Task { await workspace.stop() } }
        let officer = workspace.browser()
        try await officer.setUp()
        let saved = try await officer.post("/producers/new", [
            ("name", "Hợp tác xã Chè Shan tuyết Suối Giàng"), ("type", "cooperative"), ("tax_code", "5200123456"), ("commune", "Xã Suối Giàng"),
            ("representative", ""), ("national_id", ""), ("phone", ""), ("address", ""),
        ])
        #expect(saved.status == 303, "\(saved.body.prefix(3000))")
        let producer = try #require(try workspace.replica.fetchAll(Producer.self).first)
        #expect(producer.name == "Hợp tác xã Chè Shan tuyết Suối Giàng" && producer.taxCode == "5200123456" && producer.tenantID == workspace.tenant)
        #expect(saved.location == "/producers/\(producer.id.uuidString.lowercased())")
        let page = try await officer.get(saved.location ?? "")
        #expect(page.body.contains("Lịch sử thay đổi") && page.body.contains("lan") && page.body.contains("tạo"))
        // A creation names no fields: no empty brackets after it (an outsider saw "tạo ()").
        #expect(!page.body.contains("()"))
        let search = try await officer.get("/producers?q=suoi%20giang")
        #expect(search.body.contains("Hợp tác xã Chè Shan tuyết Suối Giàng") && search.body.contains("1 kết quả"))
        #expect(try await officer.get("/producers?q=khong-co").body.contains("Không tìm thấy kết quả nào"))
        // Words in any order, each somewhere in the name, tax code or commune.
        #expect(try await officer.get("/producers?q=suoi+giang+che+5200").body.contains("1 kết quả"))
        #expect(try await officer.get("/producers?q=suoi+giang+mat+ong").body.contains("0 kết quả"))
        // An edit records the columns it changed.
        let edited = try await officer.post(saved.location ?? "", [
            ("name", "Hợp tác xã Chè Shan tuyết Suối Giàng"), ("type", "cooperative"), ("tax_code", "5200123456"), ("commune", "Xã Suối Giàng, Văn Chấn"),
            ("representative", ""), ("national_id", ""), ("phone", ""), ("address", ""),
        ])
        #expect(edited.status == 303)
        #expect(try workspace.replica.workspaceWrites(of: "producers", key: producer.id).map(\.fields) == [["commune"], []])
    }

    @Test("bad input is refused field by field, what was typed is kept, nothing is saved", arguments: [
        ("name", String(repeating: "Chè ", count: 25_000), "Quá dài"),
        ("name", "<script>alert(1)</script>", "Không được chứa các ký tự"),
        ("name", "   ", "Không được để trống"),
        ("type", "pirate", "Lựa chọn không hợp lệ"),
        ("tax_code", "12AB", "id=\"tax_code-error\""),
    ])
    func badProducerInput(field: String, value: String, message: String) async throws {
        let workspace = try await WorkspaceHarness.start()
        defer { Task { await workspace.stop() } }
        let officer = workspace.browser()
        try await officer.setUp()
        var fields: [String: String] = ["name": "Hộ kinh doanh Nguyễn Văn An", "type": "household", "tax_code": "", "commune": "Xã Tân Lập",
                                        "representative": "Nguyễn Văn An", "national_id": "", "phone": "0912 345 678", "address": ""]
        fields[field] = value
        let page = try await officer.post("/producers/new", fields.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        #expect(page.status == 422)
        #expect(page.body.contains("aria-invalid=\"true\""))
        #expect(page.body.localizedCaseInsensitiveContains(message), "\(page.body.prefix(4000))")
        #expect(page.body.contains("0912 345 678"), "what was typed is kept")
        #expect(!page.body.contains("<script>alert"), "text is escaped")
        #expect(try workspace.replica.fetchAll(Producer.self).isEmpty)
    }

    @Test("text typed in decomposed form (NFD, as some keyboards send it) is stored in NFC and found by a search in NFC")
    func decomposedTextIsNormalised() async throws {
        let workspace = try await WorkspaceHarness.start()
        defer { Task { await workspace.stop() } }
        let officer = workspace.browser()
        try await officer.setUp()
        let name = "Hợp tác xã Chè Shan tuyết Suối Giàng"
        let decomposed = name.decomposedStringWithCanonicalMapping
        #expect(decomposed.unicodeScalars.count > name.unicodeScalars.count)
        let saved = try await officer.post("/producers/new", [("name", decomposed), ("type", "cooperative"), ("tax_code", ""), ("commune", ""),
                                                              ("representative", ""), ("national_id", ""), ("phone", ""), ("address", "")])
        #expect(saved.status == 303)
        let stored = try #require(try workspace.replica.fetchAll(Producer.self).first?.name)
        #expect(Array(stored.unicodeScalars) == Array(name.unicodeScalars))
        #expect(try await officer.get("/producers?q=" + FormDataEncoding.encode("Suối Giàng")).body.contains("1 kết quả"))
    }

    @Test("a household must name its head: the model's rule, shown at its field")
    func householdNeedsItsHead() async throws {
        let workspace = try await WorkspaceHarness.start()
        defer { Task { await workspace.stop() } }
        let officer = workspace.browser()
        try await officer.setUp()
        let page = try await officer.post("/producers/new", [("name", "Hộ kinh doanh Trần Thị Bình"), ("type", "household"), ("tax_code", ""),
                                                             ("commune", ""), ("representative", ""), ("national_id", ""), ("phone", ""), ("address", "")])
        #expect(page.status == 422)
        #expect(page.body.contains("id=\"representative-error\""), "\(page.body.prefix(4000))")
        #expect(try workspace.replica.fetchAll(Producer.self).isEmpty)
    }

    @Test("a forged post (no token, a wrong token, another origin) and a viewer's write are refused")
    func forgedPostsAndViewers() async throws {
        let workspace = try await WorkspaceHarness.start()
        defer { Task { await workspace.stop() } }
        let officer = workspace.browser()
        try await officer.setUp()
        let fields = [("name", "Công ty TNHH Nước mắm Thanh Hà"), ("type", "enterprise"), ("tax_code", ""), ("commune", ""),
                      ("representative", ""), ("national_id", ""), ("phone", ""), ("address", "")]
        #expect(try await officer.post("/producers/new", fields, csrf: "").status == 403)
        #expect(try await officer.post("/producers/new", fields, csrf: "bịa-đặt").status == 403)
        let forged = try await officer.post("/producers/new", fields, headers: ["Origin": "https://evil.example"])
        #expect(forged.status == 403 && forged.body.contains("Biểu mẫu đã hết hạn"))
        #expect(try workspace.replica.fetchAll(Producer.self).isEmpty)

        // An approver adds a viewer, who may read but not write.
        let added = try await officer.post("/accounts", [("name", "binh"), ("display_name", "Trần Thị Bình"), ("password", "mật khẩu của Bình"),
                                                         ("password_again", "mật khẩu của Bình"), ("role", "viewer")])
        #expect(added.status == 303, "\(added.body.prefix(3000))")
        let viewer = workspace.browser()
        #expect(try await viewer.logIn("binh", "mật khẩu của Bình").status == 303)
        #expect(try await viewer.get("/producers").status == 200)
        #expect(try await viewer.get("/producers/new").status == 403)
        #expect(try await viewer.post("/producers/new", fields, csrf: try await viewer.get("/producers").csrf).status == 403)
        #expect(try await viewer.get("/accounts").status == 403)
        #expect(try workspace.replica.fetchAll(Producer.self).isEmpty)
    }

    @Test("names are escaped on every page; pages carry headers that stop framing and sniffing")
    func escapingAndHeaders() async throws {
        let workspace = try await WorkspaceHarness.start()
        defer { Task { await workspace.stop() } }
        // A name written by another tool (or synced from elsewhere) with characters HTML cares about.
        try workspace.replica.save(Producer(tenantID: workspace.tenant, name: "Công ty \"Sao & Trăng\" 'Hà Giang'", type: .enterprise))
        let officer = workspace.browser()
        try await officer.setUp()
        let page = try await officer.get("/producers")
        #expect(page.body.contains("Công ty &quot;Sao &amp; Trăng&quot; &#39;Hà Giang&#39;") || page.body.contains("Công ty &quot;Sao &amp; Trăng&quot; &#x27;Hà Giang&#x27;"),
                "\(page.body)")
        #expect(page.headers["content-security-policy"]?.contains("frame-ancestors 'none'") == true)
        #expect(page.headers["x-content-type-options"] == "nosniff")
        #expect(page.headers["set-cookie"] == nil || page.headers["set-cookie"]?.lowercased().contains("httponly") == true)
    }

    @Test("3,000 products: Vietnamese order, pages of 50, tone-insensitive search, CSV with a byte-order mark")
    func productList() async throws {
        let workspace = try await WorkspaceHarness.start()
        defer { Task { await workspace.stop() } }
        let producer = Producer(tenantID: workspace.tenant, name: "Hợp tác xã Mật ong Bạc hà Mèo Vạc", type: .cooperative)
        try workspace.replica.save(producer)
        let names = ["Đường phèn", "Dưa hấu", "Ớt tương", "Ô mai", "Ốc nhồi", "An", "Ấm trà", "Ăn liền"]
        var products = (0..<3_000).map { index in
            Product(tenantID: workspace.tenant, producerID: producer.id, classificationCode: "1.2.b",
                    nameVi: "Sản phẩm \(String(format: "%04d", index))")
        }
        products += names.map { Product(tenantID: workspace.tenant, producerID: producer.id, classificationCode: "1.2.b", nameVi: $0) }
        try workspace.replica.saveAll(products)
        let officer = workspace.browser()
        try await officer.setUp()
        let first = try await officer.get("/products")
        #expect(first.body.contains("3008 kết quả") && first.body.contains("Trang 1 / 61"))
        // Vietnamese order: A, Ă, Â, D, Đ, O, Ô, Ơ (not code-point order).
        let order = ["An", "Ăn liền", "Ấm trà", "Dưa hấu", "Đường phèn", "Ô mai", "Ốc nhồi", "Ớt tương"]
        let positions = order.map { first.body.range(of: ">\($0)<")?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil }, "the first page holds the letters before S")
        #expect(positions.compactMap { $0 }.sorted() == positions.compactMap { $0 })
        let last = try await officer.get("/products?page=61")
        #expect(last.body.contains("Trang 61 / 61") && last.body.contains("rel=\"prev\"") && !last.body.contains("rel=\"next\""))
        let search = try await officer.get("/products?q=duong%20phen")
        #expect(search.body.contains("1 kết quả") && search.body.contains("Đường phèn"))
        // As a browser sends a search box: spaces as '+', a real '+' as %2B.
        #expect(try await officer.get("/products?q=duong+phen").body.contains("1 kết quả"))
        #expect(try await officer.get("/products?q=%2B").body.contains("0 kết quả"))
        let csv = try await officer.get("/products.csv?q=an")
        #expect(csv.headers["content-type"]?.hasPrefix("text/csv") == true)
        #expect(csv.body.hasPrefix("\u{FEFF}") && csv.body.contains("Ăn liền"))
    }

    @Test("a product added through the form; a GTIN with a wrong check digit is refused at its field")
    func addProduct() async throws {
        let workspace = try await WorkspaceHarness.start()
        defer { Task { await workspace.stop() } }
        let producer = Producer(tenantID: workspace.tenant, name: "Hợp tác xã Chè Shan tuyết Suối Giàng", type: .cooperative)
        try workspace.replica.save(producer)
        let officer = workspace.browser()
        try await officer.setUp()
        func fields(_ gtin: String) -> [(String, String)] {
            [("name_vi", "Chè Shan tuyết Suối Giàng"), ("name_en", "Suoi Giang Shan Tuyet tea"), ("producer_id", producer.id.uuidString.lowercased()),
             ("classification_code", "1.5.a"), ("gtin", gtin), ("status", "registered"), ("description_vi", "Chè búp cổ thụ"), ("description_en", "")]
        }
        let wrong = try await officer.post("/products/new", fields("8934567890121"))
        #expect(wrong.status == 422 && wrong.body.contains("id=\"gtin-error\""), "\(wrong.body.prefix(3000))")
        #expect(wrong.body.contains("Chè búp cổ thụ"))
        let saved = try await officer.post("/products/new", fields("8934567890120"))
        #expect(saved.status == 303, "\(saved.body.prefix(3000))")
        let product = try #require(try workspace.replica.fetchAll(Product.self).first)
        #expect(product.gtin == "8934567890120" && product.classificationCode == "1.5.a" && product.tenantID == workspace.tenant)
    }

    @Test("the language switch: English on request, Vietnamese by default")
    func language() async throws {
        let workspace = try await WorkspaceHarness.start()
        defer { Task { await workspace.stop() } }
        let officer = workspace.browser()
        try await officer.setUp()
        #expect(try await officer.get("/producers").body.contains("Chủ thể"))
        let switched = try await officer.get("/language/en?back=/producers")
        #expect(switched.location == "/producers")
        let page = try await officer.get("/producers")
        #expect(page.body.contains("<html lang=\"en\">") && page.body.contains("Producers"))
        // Never a redirect off the site.
        #expect(try await officer.get("/language/vi?back=//evil.example/").location == "/")
    }

    @Test("the workspace refuses to listen beyond this machine without TLS")
    func noPlainLAN() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-workspace-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let replica = try Replica.create(at: directory.appendingPathComponent("p.ocop").path, role: .province, tenantID: UUID())
        await #expect(throws: WorkspaceSetupError.self) {
            _ = try await WorkspaceServer(replica: replica, configuration: WorkspaceConfiguration(host: "0.0.0.0", port: 0))
        }
    }
}
