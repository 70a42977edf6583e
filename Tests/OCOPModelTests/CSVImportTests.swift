import Foundation
import Testing
import OCOPModel

@Suite("CSV import of producers and products")
struct CSVImportTests {
    let importer = CSVImport(tenantID: Sample.tenantID)

    func importedProducers() throws -> [Producer] {
        try importer.producers(from: try Fixture.data("producers.csv"))
    }

    var area: MaterialArea { Sample.area }
    let riceArea = MaterialArea(tenantID: Sample.tenantID, name: "Vùng lúa nếp Tú Lệ", commune: "Xã Tú Lệ")

    @Test func producersFixtureImports() throws {
        let producers = try importedProducers()
        #expect(producers.count == 4)
        #expect(producers.map(\.type) == [.cooperative, .enterprise, .household, .cooperativeGroup])
        #expect(producers[0].name == "Hợp tác xã Chè Shan tuyết Suối Giàng")
        #expect(producers[0].address == "Thôn Pang Cáng, xã Suối Giàng")
        #expect(producers[1].taxCode == "1700234567-001")
        #expect(producers[2].name.unicodeScalars.elementsEqual("Hộ kinh doanh Lò Văn Minh".precomposedStringWithCanonicalMapping.unicodeScalars), "NFD input is stored NFC")
        #expect(producers[2].isNaturalPerson && producers[2].nationalID == "011089004567")
        #expect(producers[3].address == "Thôn Lùng Tám Cao, \"làng lanh\"")
        #expect(producers[3].phone == nil)
        #expect(producers.allSatisfy { $0.tenantID == Sample.tenantID && $0.isValid() })
        #expect(Set(producers.map(\.id)).count == 4)
    }

    @Test func productsFixtureImports() throws {
        let producers = try importedProducers()
        let products = try importer.products(from: try Fixture.data("products.csv"), producers: producers, materialAreas: [area, riceArea])
        #expect(products.map(\.nameVi) == ["Chè Shan tuyết Suối Giàng", "Nước mắm Thanh Hà 40 độ đạm", "Khăn thổ cẩm Lùng Tám", "Gạo nếp Tú Lệ"])
        #expect(products.map(\.producerID) == [producers[0].id, producers[1].id, producers[3].id, producers[2].id])
        #expect(products[0].descriptionVi == "Chè cổ thụ, hái từ cây hàng trăm năm tuổi.\nSao thủ công trên chảo gang.")
        #expect(products[0].materialAreaID == area.id && products[3].materialAreaID == riceArea.id)
        #expect(products[0].gtin == "8934567890120")
        #expect(products[1].classificationVersion == "QD148-2023", "default version")
        #expect(products[2].status == .draft && products[1].status == .registered)
        #expect(products[3].descriptionVi == "Nếp \"Tan\" Tú Lệ, thơm dẻo.")
        #expect(products.allSatisfy { $0.isValid() })
    }

    @Test func badProductsFileYieldsEveryErrorAndNoRecords() throws {
        let producers = try importedProducers()
        let file = try Fixture.data("products-bad.csv")
        do {
            _ = try importer.products(from: file, producers: producers, materialAreas: [area])
            Issue.record("expected the import to fail")
        } catch {
            #expect(error.errors.map(\.description) == [
                "line 2, column producer: no producer has the tax code or name \"Hợp tác xã Mật ong Đồng Văn\"; import the producer first",
                "line 2, column classification_code: 1.2 has sub-divisions in QD148-2023; choose one of 1.2.a, 1.2.b",
                "line 3, column name_vi: must not be empty",
                "line 4, column gtin: 8934567890123 has check digit 3, expected 0",
                "line 5, column classification_version: \"QD2030\" is not a known classification version (known: QD148-2023, QD1048-2019)",
                "line 6, column status: \"sold\" is not a product status: use draft, registered or discontinued",
                "line 7, column material_area: no material area has the growing-area code or name \"Vùng chè không có\"",
                "line 7, column name_vi: the same producer's product \"Chè Shan tuyết Suối Giàng\" is already on line 6",
                "line 8: has 5 fields but the header has 10",
            ])
        }
    }

    @Test func badProducersFile() throws {
        let existing = [Producer(tenantID: Sample.tenantID, name: "Công ty Cổ phần Tam Nông cũ", type: .enterprise, taxCode: "5300999999")]
        let file = try Fixture.text("producers-bad.csv")
        do {
            _ = try importer.producers(from: file, existing: existing)
            Issue.record("expected the import to fail")
        } catch {
            #expect(error.errors.map(\.description) == [
                "line 2, column type: \"hợp tác\" is not a producer type: use cooperative, enterprise, cooperative_group or household (or HTX, doanh nghiệp, tổ hợp tác, hộ kinh doanh)",
                "line 3, column representative: must name the head of the household for a household producer",
                "line 3, column national_id: \"0123\" is not an ID number: expected 12 digits (or 9 for an old ID card)",
                "line 3, column phone: \"12345\" is not a Vietnamese phone number: expected a mobile (0 and 9 digits) or a landline (02 and 9 digits), optionally with +84 for the 0",
                "line 4, column tax_code: tax code 5300111222 is already used on line 2",
                "line 5, column tax_code: tax code 5300111222 is already used on line 2",
            ])
        }
        #expect(throws: CSVImportFailure(errors: [CSVImportError(line: 2, column: "tax_code", reason: "tax code 5300999999 is already registered to Công ty Cổ phần Tam Nông cũ")])) {
            try importer.producers(from: "name,type,tax_code\nCông ty Mới,enterprise,5300999999\n", existing: existing)
        }
    }

    @Test func headerProblems() {
        #expect(throws: CSVImportFailure(errors: [
            CSVImportError(line: 1, column: "email", reason: "unknown column; expected some of name,type,tax_code,commune,representative,national_id,phone,address"),
            CSVImportError(line: 1, column: "name", reason: "the column appears twice"),
            CSVImportError(line: 1, column: "type", reason: "required column is missing"),
        ])) {
            try importer.producers(from: "name,email,name\nA,b,c\n")
        }
        #expect(throws: CSVImportFailure(errors: [CSVImportError(line: 1, column: nil, reason: "the file is empty: expected a header line with the columns name,type,tax_code,commune,representative,national_id,phone,address")])) {
            try importer.producers(from: "\n\n")
        }
    }

    @Test func headerIsCaseInsensitiveInAnyOrderAndBlankLinesAreSkipped() throws {
        let csv = "\n Type ,NAME\n\nenterprise,Công ty TNHH Mây tre đan Phú Vinh\n\n"
        let producers = try importer.producers(from: csv)
        #expect(producers.count == 1 && producers[0].type == .enterprise)
    }

    @Test func headerNotOnTheFirstLineKeepsPhysicalLineNumbers() {
        #expect(throws: CSVImportFailure(errors: [CSVImportError(line: 4, column: "type", reason: "must not be empty")])) {
            try importer.producers(from: "\n\nname,type\nCông ty A,\n")
        }
    }

    @Test func syntaxErrorsBecomeImportErrors() {
        #expect(throws: CSVImportFailure(errors: [CSVImportError(line: 2, column: nil, reason: "a quoted field starting on this line is never closed")])) {
            try importer.producers(from: "name,type\n\"Công ty,enterprise\n")
        }
    }

    @Test func producerReferenceByNameMustBeUnique() throws {
        let twins = [
            Producer(tenantID: Sample.tenantID, name: "Hộ kinh doanh Vàng A Lử", type: .household, taxCode: "015080000001", representative: "Vàng A Lử"),
            Producer(tenantID: Sample.tenantID, name: "Hộ kinh doanh Vàng A Lử", type: .household, taxCode: "015080000002", representative: "Vàng A Lử"),
        ]
        let csv = "name_vi,classification_code,producer\nMận Bắc Hà,1.1.a,hộ kinh doanh vàng a lử\nMận hậu,1.1.a,015080000002\n"
        #expect(throws: CSVImportFailure(errors: [CSVImportError(line: 2, column: "producer", reason: "\"hộ kinh doanh vàng a lử\" names 2 producers; give the tax code instead")])) {
            try importer.products(from: csv, producers: twins)
        }
        let fixed = csv.replacingOccurrences(of: "hộ kinh doanh vàng a lử", with: "015080000001")
        let products = try importer.products(from: fixed, producers: twins)
        #expect(products.map(\.producerID) == [twins[0].id, twins[1].id])
    }

    @Test func deterministicIDs() throws {
        let ids = [UUID(), UUID(), UUID(), UUID()]
        final class Counter: @unchecked Sendable { var next = 0; let lock = NSLock() }
        let counter = Counter()
        let importer = CSVImport(tenantID: Sample.tenantID, makeID: {
            counter.lock.lock(); defer { counter.lock.unlock() }
            defer { counter.next += 1 }
            return ids[counter.next]
        })
        #expect(try importer.producers(from: try Fixture.data("producers.csv")).map(\.id) == ids)
    }
}
