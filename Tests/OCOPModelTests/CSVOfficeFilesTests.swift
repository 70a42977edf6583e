import Foundation
import Testing
import OCOPModel

/// CSV as Vietnamese offices make it: semicolons from Excel in a Vietnamese locale, a BOM,
/// templates and exports that import back, and every problem of a file in one report.
@Suite("CSV from Vietnamese offices")
struct CSVOfficeFilesTests {
    let importer = CSVImport(tenantID: Sample.tenantID)

    @Test func semicolonFilesAreRecognisedFromTheHeader() throws {
        let text = "\u{FEFF}name;type;tax_code;representative;address\r\nHTX Chè Suối Giàng;HTX;5200123456;;\"Thôn Pang Cáng; xã Suối Giàng\"\r\nHộ Lò Văn Minh;hộ kinh doanh;;Lò Văn Minh;Tú Lệ, Văn Chấn\r\n"
        #expect(CSVParser.detectDelimiter(text) == ";")
        let producers = try importer.producers(from: Data(text.utf8))
        #expect(producers.map(\.name) == ["HTX Chè Suối Giàng", "Hộ Lò Văn Minh"])
        #expect(producers[0].address == "Thôn Pang Cáng; xã Suối Giàng")
        #expect(producers[1].address == "Tú Lệ, Văn Chấn", "a comma inside a semicolon file is just text")
    }

    @Test func commaFilesStayCommaFiles() {
        #expect(CSVParser.detectDelimiter("name,type,address\n\"a;b\",HTX,x;y;z\n") == ",")
        #expect(CSVParser.detectDelimiter("\n\nname;type\n") == ";", "blank lines before the header are skipped")
    }

    @Test func everyProblemOfAFileIsReported() throws {
        let existing = Product(tenantID: Sample.tenantID, producerID: Sample.producer.id, classificationCode: "1.2.b", nameVi: "Mật ong", gtin: "8934567890120")
        let text = """
            name_vi;classification_code;producer;gtin;status
            Mật ong;1.2.b;\(Sample.producer.taxCode ?? Sample.producer.name);;registered
            Chè;9.9.z;\(Sample.producer.taxCode ?? Sample.producer.name);8934567890120;hacked
            ;1.2.b;nobody;;

            """
        #expect(throws: CSVImportFailure.self) {
            try importer.products(from: text, producers: [Sample.producer], existing: [existing])
        }
        do {
            _ = try importer.products(from: text, producers: [Sample.producer], existing: [existing])
        } catch {
            let found = error.errors.map { "\($0.line):\($0.column ?? "-")" }
            #expect(found.contains("2:name_vi"), "duplicate of a registered product: \(found)")
            #expect(found.contains("3:gtin") && found.contains("3:status") && found.contains("3:classification_code"), "\(found)")
            #expect(found.contains("4:name_vi") && found.contains("4:producer"), "\(found)")
        }
    }

    @Test func exportImportsBack() throws {
        let producers = [
            Producer(tenantID: Sample.tenantID, name: "HTX \"Suối Giàng\", Yên Bái", type: .cooperative, taxCode: "5200123456", address: "Thôn 1; xã 2"),
            Producer(tenantID: Sample.tenantID, name: "Hộ Lò Văn Minh", type: .household, representative: "Lò Văn Minh", nationalID: "011089004567"),
        ]
        let text = CSVExport.producers(producers)
        #expect(text.hasPrefix(CSVWriter.byteOrderMark + "name,type,tax_code"))
        let back = try importer.producers(from: Data(text.utf8))
        #expect(back.map(\.name) == producers.map(\.name))
        #expect(back.map(\.address) == producers.map(\.address))
        #expect(back.map(\.type) == producers.map(\.type))

        let product = Product(tenantID: Sample.tenantID, producerID: producers[1].id, classificationCode: "1.2.b", nameVi: "Mật ong, hoa rừng",
                              descriptionVi: "Dòng 1\nDòng 2", gtin: "8934567890120")
        let productText = CSVExport.products([product], producers: producers, materialAreas: [])
        let products = try importer.products(from: productText, producers: producers)
        #expect(products.first?.nameVi == product.nameVi && products.first?.producerID == producers[1].id)
        #expect(products.first?.descriptionVi == product.descriptionVi && products.first?.gtin == product.gtin)
    }

    @Test func templateIsTheHeaderWithABOM() throws {
        let template = CSVExport.template(columns: CSVImport.producerColumns)
        #expect(template == "\u{FEFF}name,type,tax_code,commune,representative,national_id,phone,address\r\n")
        #expect(try CSVParser.parse(Data(template.utf8)).first?.fields == CSVImport.producerColumns)
    }
}
