import Foundation
import OCOPModel
import OCOPReplica
import Testing

@Suite("ocop import")
struct ImportCommandTests {
    @Test func goodFilesImportEverything() async throws {
        let workspace = try await Workspace.province()
        let producers = try workspace.write("chu-the.csv", SampleFiles.producers)
        let products = try workspace.write("san-pham.csv", SampleFiles.products)

        let dryRun = try await workspace.ok("import", "producers", producers, "--dry-run")
        #expect(dryRun == "\(producers): 4 producer(s) would be imported (dry run: nothing changed).")
        #expect(try workspace.openReplica().fetchAll(Producer.self).isEmpty)

        #expect(try await workspace.ok("import", "producers", producers) == "Imported 4 producer(s) from \(producers).")
        let stored = try workspace.openReplica().fetchAll(Producer.self)
        #expect(stored.count == 4)
        let household = try #require(stored.first { $0.type == .household })
        #expect(household.name.unicodeScalars.elementsEqual("Hộ kinh doanh Lò Văn Minh".precomposedStringWithCanonicalMapping.unicodeScalars),
                "NFD in the file is stored NFC")

        try await workspace.ok("material-area", "add", "--name", "Vùng chè Shan tuyết Suối Giàng", "--code", "VN-YBOR-0021")
        let result = try await workspace.ocop("import", "products", products, "--json")
        #expect(result.status == 0, "\(result)")
        let json = try result.object()
        #expect(json["imported"] as? Int == 4 && json["table"] as? String == "products" && json["dry_run"] as? Bool == false)
        let ids = try #require(json["ids"] as? [String])
        #expect(ids.count == 4 && ids.allSatisfy { UUID(uuidString: $0) != nil && $0 == $0.lowercased() })
        let names = try await workspace.ocop("product", "list", "--json").array().compactMap { $0["name_vi"] as? String }
        #expect(names == ["Chè Shan tuyết Suối Giàng", "Gạo nếp Tú Lệ", "Khăn thổ cẩm Lùng Tám", "Nước mắm Thanh Hà 40 độ đạm"])
        let tea = try await workspace.ocop("product", "show", "8934567890120", "--json").object()
        #expect(tea["description_vi"] as? String == "Chè cổ thụ, hái từ cây hàng trăm năm tuổi.\nSao thủ công trên chảo gang.")
        #expect(tea["material_area_id"] as? String != nil)

        // Importing the same files again would duplicate every row: refused, line by line.
        let again = try await workspace.ocop("import", "products", products)
        #expect(again.status == 1)
        #expect(again.stderrLines.first == "\(products):2: gtin: GTIN 8934567890120 is already used by Chè Shan tuyết Suối Giàng (\(tea["id"] as? String ?? ""))")
        #expect(again.stderrLines.contains { $0.hasPrefix("\(products):5: name_vi: the producer already has the product Nước mắm Thanh Hà 40 độ đạm") })
        let producersAgain = try await workspace.ocop("import", "producers", producers)
        #expect(producersAgain.status == 1)
        #expect(producersAgain.stderrLines.contains { $0.hasPrefix("\(producers):2: tax_code: tax code 5200123456 is already registered") })
        // Producers without a tax code are recognised by name (checked once the file is otherwise valid).
        let group = try workspace.write("to-hop-tac.csv", "name,type,commune\nTổ hợp tác dệt thổ cẩm Lùng Tám,tổ hợp tác,Xã Lùng Tám\n")
        let groupAgain = try await workspace.ocop("import", "producers", group)
        #expect(groupAgain.status == 1)
        #expect(groupAgain.stderrLines.first?.hasPrefix("\(group):2: name: a producer named Tổ hợp tác Dệt thổ cẩm Lùng Tám is already registered") == true, "\(groupAgain)")
        #expect(try workspace.openReplica().fetchAll(Product.self).count == 4)
        #expect(try workspace.openReplica().fetchAll(Producer.self).count == 4)
    }

    @Test func oneBadRowImportsNothingAndNamesFileLineAndField() async throws {
        let workspace = try await Workspace.province()
        let file = try workspace.write("chu-the-loi.csv", SampleFiles.producersOneBadRow)
        let result = try await workspace.ocop("import", "producers", file)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderrLines == [
            "\(file):3: phone: \"12345\" is not a Vietnamese phone number: expected a mobile (0 and 9 digits) or a landline (02 and 9 digits), optionally with +84 for the 0",
            "error: \(file): 1 problem(s) on 1 line(s); nothing was imported",
        ])
        #expect(try workspace.openReplica().fetchAll(Producer.self).isEmpty)
        #expect(try workspace.openReplica().syncPosition().pendingWrites == 0)

        let json = try await workspace.ocop("import", "producers", file, "--json")
        #expect(json.status == 1)
        let errors = try #require(try json.object()["errors"] as? [[String: Any]])
        #expect(errors.count == 1 && errors[0]["line"] as? Int == 3 && errors[0]["field"] as? String == "phone")
    }

    @Test func everyProblemOfABadProductsFileIsReported() async throws {
        let workspace = try await Workspace.province()
        try await workspace.ok("producer", "add", "--name", "Hợp tác xã Chè Shan tuyết Suối Giàng", "--type", "HTX", "--tax-code", "5200123456")
        let file = try workspace.write("san-pham-loi.csv", SampleFiles.productsBad)
        let result = try await workspace.ocop("import", "products", file, "--dry-run")
        #expect(result.status == 1)
        #expect(result.stderrLines == [
            "\(file):2: producer: no producer has the tax code or name \"Hợp tác xã Mật ong Đồng Văn\"; import the producer first",
            "\(file):2: classification_code: 1.2 has sub-divisions in QD148-2023; choose one of 1.2.a, 1.2.b",
            "\(file):4: gtin: 8934567890123 has check digit 3, expected 0",
            "\(file):5: status: \"sold\" is not a product status: use draft, registered or discontinued",
            "error: \(file): 4 problem(s) on 3 line(s); nothing was imported",
        ])
        #expect(try workspace.openReplica().fetchAll(Product.self).isEmpty)
    }

    @Test func badFilesAndHeaders() async throws {
        let workspace = try await Workspace.province()
        let missing = try await workspace.ocop("import", "producers", workspace.path("khong-co.csv"))
        #expect(missing.status == 2 && missing.stderr.contains("cannot read"))
        let header = try workspace.write("sai-cot.csv", "ten,loai\nHTX A,HTX\n")
        let wrong = try await workspace.ocop("import", "producers", header)
        #expect(wrong.status == 1)
        #expect(wrong.stderrLines.first == "\(header):1: ten: unknown column; expected some of \(CSVImport.producerColumns.joined(separator: ","))")
        #expect(try await workspace.ocop("import", "producers").status == 64, "no file given")
    }
}
