import Foundation
import OCOPModel
import OCOPReplica
import OCOPWorkspace
import Testing

/// CSV import in the workspace over HTTP: a file with bad rows is listed line by line and
/// nothing saved; a good file is previewed, then imported all at once with who imported it;
/// tokens are single-use and per officer; malformed uploads are refused, never fatal.
@Suite("Province workspace: CSV import")
struct WorkspaceImportTests {
    static let goodProducers = """
        name;type;tax_code;commune;representative;national_id;phone;address
        Hợp tác xã Chè Shan tuyết Suối Giàng;HTX;5200123456;Xã Suối Giàng;;;;
        Hộ kinh doanh Lò Văn Páo;hộ kinh doanh;;Xã Sín Chéng;Lò Văn Páo;;0912 345 678;
        Công ty TNHH Nước mắm Thanh Hà;doanh nghiệp;0101234567;;;;;

        """

    static let badProducers = """
        name,type,tax_code,commune,representative,national_id,phone,address
        Hợp tác xã Chè Shan tuyết Suối Giàng,HTX,5200123456,Xã Suối Giàng,,,,
        ,cooperative,,,,,,
        Hộ kinh doanh Trần Thị Bình,hộ kinh doanh,,,,,,
        Công ty Mật ong,pirate,5200123456,,,,,

        """

    @Test("a file with bad rows: every problem by line and column, nothing saved")
    func badRows() async throws {
        let workspace = try await WorkspaceHarness.start()
        defer { Task { await workspace.stop() } }
        let officer = workspace.browser()
        try await officer.setUp()
        let page = try await officer.upload("/import", [("kind", "producers")], file: ("file", "chủ thể.csv", Data(Self.badProducers.utf8)))
        #expect(page.status == 422, "\(page.body.prefix(3000))")
        #expect(page.body.contains("id=\"import-error-list\""))
        // Line 3: no name; line 4: a household without its head; line 5: a bad type and a tax code used on line 2.
        for line in ["<td>3</td><td>name</td>", "<td>4</td>", "<td>5</td><td>type</td>", "<td>5</td><td>tax_code</td>"] {
            #expect(page.body.contains(line), "\(line) in \(page.body.prefix(6000))")
        }
        #expect(page.body.contains("chủ thể.csv") && page.body.contains("chưa nhập gì"))
        #expect(try workspace.replica.fetchAll(Producer.self).isEmpty)
    }

    @Test("a good file is previewed, then imported all at once; the token is single-use and the officer's own")
    func previewThenImport() async throws {
        let workspace = try await WorkspaceHarness.start()
        defer { Task { await workspace.stop() } }
        let officer = workspace.browser()
        try await officer.setUp()
        let template = try await officer.get("/import/template/producers.csv").body
        #expect(template == CSVExport.template(columns: CSVImport.producerColumns) && template.hasPrefix("\u{FEFF}name,type,"))
        let preview = try await officer.upload("/import", [("kind", "producers")], file: ("file", "producers.csv", Data(("\u{FEFF}" + Self.goodProducers).utf8)))
        #expect(preview.status == 200 && preview.body.contains("sẽ thêm 3"), "\(preview.body.prefix(3000))")
        #expect(preview.body.contains("Hộ kinh doanh Lò Văn Páo") && preview.body.contains("id=\"confirm-import\""))
        #expect(try workspace.replica.fetchAll(Producer.self).isEmpty, "a preview saves nothing")
        let token = try #require(Browser.Page.field("token", in: preview.body))

        // Another officer cannot confirm it.
        _ = try await officer.post("/accounts", [("name", "chi"), ("display_name", "Chi"), ("password", "mật khẩu dài đủ"),
                                                 ("password_again", "mật khẩu dài đủ"), ("role", "editor")])
        let other = workspace.browser()
        #expect(try await other.logIn("chi", "mật khẩu dài đủ").status == 303)
        let stolen = try await other.post("/import/confirm", [("token", token)], csrf: try await other.get("/import").csrf)
        #expect(stolen.status == 422 && stolen.body.contains("đã hết hạn"))

        let done = try await officer.post("/import/confirm", [("token", token)], csrf: preview.csrf)
        #expect(done.status == 200 && done.body.contains("Đã nhập 3"), "\(done.body.prefix(3000))")
        let producers = try workspace.replica.fetchAll(Producer.self)
        #expect(Set(producers.map(\.name)) == ["Hợp tác xã Chè Shan tuyết Suối Giàng", "Hộ kinh doanh Lò Văn Páo", "Công ty TNHH Nước mắm Thanh Hà"])
        #expect(producers.allSatisfy { $0.tenantID == workspace.tenant })
        for producer in producers {
            #expect(try workspace.replica.workspaceWrites(of: "producers", key: producer.id).map(\.action) == ["imported"])
        }
        // Once only.
        let again = try await officer.post("/import/confirm", [("token", token)], csrf: preview.csrf)
        #expect(again.status == 422)
        #expect(try workspace.replica.fetchAll(Producer.self).count == 3)
        // The same file again: every tax code is now taken, so it is refused whole.
        let twice = try await officer.upload("/import", [("kind", "producers")], file: ("file", "producers.csv", Data(Self.goodProducers.utf8)))
        #expect(twice.status == 422 && twice.body.contains("<td>tax_code</td>"))
    }

    @Test("products resolve their producer by tax code; an unknown producer is named at its line")
    func products() async throws {
        let workspace = try await WorkspaceHarness.start()
        defer { Task { await workspace.stop() } }
        try workspace.replica.save(Producer(tenantID: workspace.tenant, name: "Hợp tác xã Chè Shan tuyết Suối Giàng", type: .cooperative,
                                            taxCode: "5200123456"))
        let officer = workspace.browser()
        try await officer.setUp()
        let csv = """
            name_vi,classification_code,producer,gtin
            Chè Shan tuyết Suối Giàng,1.5.a,5200123456,8934567890120
            Chè búp tím,1.5.a,9999999999,

            """
        let refused = try await officer.upload("/import", [("kind", "products")], file: ("file", "sp.csv", Data(csv.utf8)))
        #expect(refused.status == 422 && refused.body.contains("<td>3</td><td>producer</td>"), "\(refused.body.prefix(4000))")
        let fixed = csv.replacingOccurrences(of: "9999999999", with: "5200123456")
        let preview = try await officer.upload("/import", [("kind", "products")], file: ("file", "sp.csv", Data(fixed.utf8)))
        #expect(preview.status == 200 && preview.body.contains("sẽ thêm 2"), "\(preview.body.prefix(4000))")
        let token = try #require(Browser.Page.field("token", in: preview.body))
        #expect(try await officer.post("/import/confirm", [("token", token)], csrf: preview.csrf).status == 200)
        #expect(try workspace.replica.fetchAll(Product.self).count == 2)
    }

    @Test("lots: a production day in the future and an unknown product are named at their lines; the fixed file imports")
    func lots() async throws {
        let workspace = try await WorkspaceHarness.start()
        defer { Task { await workspace.stop() } }
        let product = try WorkspaceDossierTests.product(in: workspace)
        let officer = workspace.browser()
        try await officer.setUp()
        let csv = """
            product,lot_code,produced_on,quantity,unit
            Chè Shan tuyết Suối Giàng,SG-2025-031,2025-11-02,"240,5",kg
            Chè Shan tuyết Suối Giàng,SG-2025-032,2099-01-01,100,kg
            Chè không có,SG-2025-033,2025-11-03,,

            """
        let refused = try await officer.upload("/import", [("kind", "lots")], file: ("file", "lô.csv", Data(csv.utf8)))
        #expect(refused.status == 422 && refused.body.contains("<td>3</td><td>produced_on</td>") && refused.body.contains("<td>4</td><td>product</td>"),
                "\(refused.body.prefix(4000))")
        let fixed = csv.replacingOccurrences(of: "2099-01-01", with: "2025-11-03").replacingOccurrences(of: "Chè không có", with: "Chè Shan tuyết Suối Giàng")
        let preview = try await officer.upload("/import", [("kind", "lots")], file: ("file", "lô.csv", Data(fixed.utf8)))
        #expect(preview.status == 200 && preview.body.contains("sẽ thêm 3"), "\(preview.body.prefix(4000))")
        let token = try #require(Browser.Page.field("token", in: preview.body))
        #expect(try await officer.post("/import/confirm", [("token", token)], csrf: preview.csrf).status == 200)
        let lots = try workspace.replica.fetchAll(Batch.self)
        #expect(lots.count == 3 && lots.allSatisfy { $0.productID == product.id } && lots.contains { $0.quantity == 240.5 })
    }

    @Test("malformed uploads are refused with a clear answer, never a crash", arguments: [
        "empty boundary", "no boundary", "truncated body", "not UTF-8", "no file", "no kind", "no token", "viewer",
    ])
    func malformed(_ case: String) async throws {
        let workspace = try await WorkspaceHarness.start()
        defer { Task { await workspace.stop() } }
        let officer = workspace.browser()
        try await officer.setUp()
        let csrf = try #require(try await officer.get("/import").csrf)
        let csv = Data(Self.goodProducers.utf8)
        let page: Browser.Page
        switch `case` {
        case "empty boundary":
            page = try await officer.raw("POST", "/import", body: Data("--\r\n\r\n".utf8), headers: ["Content-Type": "multipart/form-data; boundary="])
            #expect(page.status == 400)
        case "no boundary":
            page = try await officer.raw("POST", "/import", body: csv, headers: ["Content-Type": "multipart/form-data"])
            #expect(page.status == 400)
        case "truncated body":
            let body = Data("--b\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(csrf)\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nname,type\r\nAn".utf8)
            page = try await officer.raw("POST", "/import", body: body, headers: ["Content-Type": "multipart/form-data; boundary=b"])
            #expect(page.status == 403 || page.status == 422 || page.status == 400, "\(page.status)")
        case "not UTF-8":
            page = try await officer.upload("/import", [("kind", "producers")], file: ("file", "latin1.csv", Data([0x6E, 0x61, 0x6D, 0x65, 0x0A, 0xC0, 0xFF, 0x0A])),
                                            csrf: csrf)
            #expect(page.status == 422 && page.body.contains("import-error-list"), "\(page.body.prefix(3000))")
        case "no file":
            page = try await officer.upload("/import", [("kind", "producers")], file: ("file", "", Data()), csrf: csrf)
            #expect(page.status == 422 && page.body.contains("Hãy chọn một tệp CSV"))
        case "no kind":
            page = try await officer.upload("/import", [("kind", "lots; DROP TABLE")], file: ("file", "a.csv", csv), csrf: csrf)
            #expect(page.status == 422 && page.body.contains("Hãy chọn loại dữ liệu"))
        case "no token":
            page = try await officer.upload("/import", [("kind", "producers")], file: ("file", "a.csv", csv), csrf: "")
            #expect(page.status == 403)
        default:
            _ = try await officer.post("/accounts", [("name", "binh"), ("display_name", "Bình"), ("password", "mật khẩu dài đủ"),
                                                     ("password_again", "mật khẩu dài đủ"), ("role", "viewer")])
            let viewer = workspace.browser()
            _ = try await viewer.logIn("binh", "mật khẩu dài đủ")
            #expect(try await viewer.get("/import").status == 403)
            page = try await viewer.upload("/import", [("kind", "producers")], file: ("file", "a.csv", csv), csrf: try await viewer.get("/").csrf)
            #expect(page.status == 403)
        }
        #expect(try workspace.replica.fetchAll(Producer.self).isEmpty)
        // The workspace still answers.
        #expect(try await officer.get("/import").status == 200)
    }
}
