import Foundation
import OCOPModel
import Testing

/// `ocop import template`, `list --csv` and `ocop import` of what they write.
@Suite("ocop CSV templates, exports and semicolon files")
struct CSVRoundTripCommandTests {
    @Test func templateWritesTheHeaderWithABOM() async throws {
        let workspace = try Workspace()
        let path = workspace.path("producers.csv")
        let result = try await workspace.run(["import", "template", "producers", "--output", path])
        #expect(result.status == 0, "\(result)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(String(decoding: bytes.dropFirst(3), as: UTF8.self) == CSVImport.producerColumns.joined(separator: ",") + "\r\n")
        let products = try await workspace.run(["import", "template", "products"])
        #expect(products.stdout.contains("name_vi,name_en,classification_code"))
    }

    @Test func exportedListsImportIntoAnotherReplica() async throws {
        let source = try await Workspace.province()
        _ = try await EvaluationCommandTests.setUp(source)
        try await source.ok("producer", "add", "--name", "Hộ kinh doanh Lò Văn Minh", "--type", "hộ kinh doanh", "--representative", "Lò Văn Minh")
        try await source.ok("product", "add", "--name-vi", "Chè, \"Shan\" tuyết", "--classification", "1.2.b", "--producer", "Hộ kinh doanh Lò Văn Minh")
        let producersCSV = try source.write("producers.csv", try await source.ok("producer", "list", "--csv") + "\r\n")
        let productsCSV = try source.write("products.csv", try await source.ok("product", "list", "--csv") + "\r\n")

        let target = try await Workspace.province()
        #expect(try await target.ocop("import", "producers", producersCSV).status == 0)
        let imported = try await target.ocop("import", "products", productsCSV)
        #expect(imported.status == 0, "\(imported)")
        #expect(try await target.ok("product", "list", "--csv") == (try await source.ok("product", "list", "--csv")))
        // Importing the same file again reports every row as already registered, and imports nothing.
        let again = try await target.ocop("import", "products", productsCSV)
        #expect(again.status == 1)
        #expect(again.stderr.contains("products.csv:2: ") && again.stderr.contains("products.csv:3: "), "\(again)")
    }

    @Test func aSemicolonFileFromExcelImports() async throws {
        let workspace = try await Workspace.province()
        let file = try workspace.write("producers.csv", "\u{FEFF}name;type;tax_code;address\r\nHTX Chè Suối Giàng;HTX;5200123456;Thôn 1, xã Suối Giàng\r\n")
        let result = try await workspace.ocop("import", "producers", file)
        #expect(result.status == 0, "\(result)")
        #expect(try workspace.openReplica().fetchAll(Producer.self).first?.address == "Thôn 1, xã Suối Giàng")
    }
}
