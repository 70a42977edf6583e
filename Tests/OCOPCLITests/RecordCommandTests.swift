import Foundation
import OCOPModel
import OCOPReplica
import Testing

@Suite("ocop producer / product / material-area")
struct RecordCommandTests {
    @Test func producerAddShowEditDeleteWithVietnameseText() async throws {
        let workspace = try await Workspace.province()
        let decomposed = "Hợp tác xã Chè Shan tuyết Suối Giàng".decomposedStringWithCanonicalMapping
        let composed = "Hợp tác xã Chè Shan tuyết Suối Giàng".precomposedStringWithCanonicalMapping
        #expect(!decomposed.unicodeScalars.elementsEqual(composed.unicodeScalars))

        let id = try await workspace.ok("producer", "add", "--name", "  " + decomposed, "--type", "HTX", "--tax-code", "5200123456",
                                  "--commune", "Xã Suối Giàng".decomposedStringWithCanonicalMapping, "--phone", "0912 345 678")
        let uuid = try #require(UUID(uuidString: id), "add prints the new id: \(id)")
        #expect(id == id.lowercased())

        // Stored NFC and trimmed, as the library sees it.
        let stored = try #require(try workspace.openReplica().fetch(Producer.self, id: uuid))
        #expect(stored.name.unicodeScalars.elementsEqual(composed.unicodeScalars))
        #expect(stored.commune.map { Array($0.unicodeScalars) } == Array("Xã Suối Giàng".precomposedStringWithCanonicalMapping.unicodeScalars))
        #expect(stored.type == .cooperative && stored.tenantID == Workspace.laoCai)

        // show --json: the full record, every column, ids as UUID strings.
        let json = try await workspace.ocop("producer", "show", id, "--json").object()
        #expect(json["id"] as? String == id)
        #expect(json["tenant_id"] as? String == Workspace.laoCai.uuidString.lowercased())
        #expect((json["name"] as? String).map { Array($0.unicodeScalars) } == Array(composed.unicodeScalars))
        #expect(json["type"] as? String == "cooperative")
        #expect(json["address"] is NSNull)
        #expect(Set(json.keys) == Set(["id"] + OCOPSchema.producers.columnNames))

        // Found by tax code and by name (any Unicode form, any case) too.
        #expect(try await workspace.ocop("producer", "show", "5200123456", "--json").object()["id"] as? String == id)
        #expect(try await workspace.ocop("producer", "show", decomposed.lowercased(), "--json").object()["id"] as? String == id)
        let text = try await workspace.ok("producer", "show", id)
        #expect(text.contains("name:") && text.contains(composed) && text.contains("Hợp tác xã"))

        // edit changes only what is given; "" clears an optional field.
        let edited = try await workspace.ok("producer", "edit", "5200123456", "--phone", "", "--address",
                                      "Thôn Pang Cáng, xã Suối Giàng".decomposedStringWithCanonicalMapping)
        #expect(edited.contains("address") && edited.contains("phone"))
        let after = try #require(try workspace.openReplica().fetch(Producer.self, id: uuid))
        #expect(after.phone == nil)
        #expect(after.address.map { Array($0.unicodeScalars) } == Array("Thôn Pang Cáng, xã Suối Giàng".precomposedStringWithCanonicalMapping.unicodeScalars))
        #expect(after.name == stored.name && after.taxCode == "5200123456" && after.commune == stored.commune)

        // A bad edit names the field and changes nothing.
        let bad = try await workspace.ocop("producer", "edit", id, "--tax-code", "52001")
        #expect(bad.status == 1)
        #expect(bad.stderrLines.count == 1 && bad.stderr.hasPrefix("error: producers.tax_code: \"52001\" is not a tax code"))
        #expect(try workspace.openReplica().fetch(Producer.self, id: uuid) == after)

        #expect(try await workspace.ok("producer", "delete", id).contains("Deleted producer \(id)"))
        #expect(try await workspace.ocop("producer", "show", id).status == 2)
    }

    @Test func producerValidationAndDuplicateTaxCodes() async throws {
        let workspace = try await Workspace.province()
        let household = try await workspace.ocop("producer", "add", "--name", "Hộ kinh doanh Lò Văn Minh", "--type", "hộ kinh doanh",
                                           "--phone", "12345")
        #expect(household.status == 1)
        #expect(household.stderrLines == [
            "error: producers.representative: must name the head of the household for a household producer",
            "error: producers.phone: \"12345\" is not a Vietnamese phone number: expected a mobile (0 and 9 digits) or a landline (02 and 9 digits), optionally with +84 for the 0",
        ])
        #expect(try await workspace.ocop("producer", "list", "--json").array().isEmpty, "nothing stored")

        try await workspace.ok("producer", "add", "--name", "Công ty TNHH Nước mắm Thanh Hà", "--type", "enterprise", "--tax-code", "1700234567-001")
        let twin = try await workspace.ocop("producer", "add", "--name", "Công ty khác", "--type", "enterprise", "--tax-code", "1700234567-001")
        #expect(twin.status == 1)
        #expect(twin.stderr.contains("producers.tax_code: tax code 1700234567-001 is already registered to Công ty TNHH Nước mắm Thanh Hà"))
        #expect(try await workspace.ocop("producer", "list", "--json").array().count == 1)
    }

    @Test func producerListIsSortedVietnameseAndAligned() async throws {
        let workspace = try await Workspace.province()
        // Code-point order would put Đ (U+0110) after Z and Ư after Z; Vietnamese order is D < Đ, U < Ư < V.
        for name in ["Công ty Zêta", "Công ty Đông Á", "Công ty Ưu Việt", "Công ty Dương Minh", "Công ty Vạn Xuân", "Công ty Ánh Dương"] {
            try await workspace.ok("producer", "add", "--name", name, "--type", "enterprise")
        }
        let expected = ["Công ty Ánh Dương", "Công ty Dương Minh", "Công ty Đông Á", "Công ty Ưu Việt", "Công ty Vạn Xuân", "Công ty Zêta"]
        let json = try await workspace.ocop("producer", "list", "--json").array()
        #expect(json.compactMap { $0["name"] as? String } == expected)

        let lines = try await workspace.ok("producer", "list").split(separator: "\n").map(String.init)
        #expect(lines.count == 7)
        #expect(lines[0].hasPrefix("ID ") && lines[0].contains("NAME") && lines[0].contains("TAX CODE"))
        let nameColumn = try #require(lines[0].range(of: "NAME")).lowerBound.utf16Offset(in: lines[0])
        for (line, name) in zip(lines.dropFirst(), expected) {
            // Aligned in characters: each name starts under NAME.
            let index = try #require(line.range(of: name))
            #expect(line.distance(from: line.startIndex, to: index.lowerBound) == nameColumn, "\(line)")
        }
    }

    @Test func productAddListShowEditDelete() async throws {
        let workspace = try await Workspace.province()
        let producer = try await workspace.ok("producer", "add", "--name", "Hợp tác xã Chè Shan tuyết Suối Giàng", "--type", "HTX",
                                        "--tax-code", "5200123456")
        let area = try await workspace.ok("material-area", "add", "--name", "Vùng chè Shan tuyết Suối Giàng", "--code", "VN-YBOR-0021",
                                    "--area-ha", "120,5")
        let product = try await workspace.ok(
            "product", "add", "--name-vi", "Chè Shan tuyết Suối Giàng".decomposedStringWithCanonicalMapping,
            "--name-en", "Suoi Giang Shan Tuyet tea", "--classification", "1.5.a", "--producer", "5200123456",
            "--gtin", "8934567890120", "--material-area", "VN-YBOR-0021",
            "--description-vi", "Chè cổ thụ, hái từ cây hàng trăm năm tuổi.")
        let json = try await workspace.ocop("product", "show", product, "--json").object()
        #expect(json["id"] as? String == product)
        #expect(json["producer_id"] as? String == producer)
        #expect(json["material_area_id"] as? String == area)
        #expect(json["classification_version"] as? String == "QD148-2023", "the current version by default")
        #expect(json["status"] as? String == "registered")
        #expect((json["name_vi"] as? String).map { Array($0.unicodeScalars) } == Array("Chè Shan tuyết Suối Giàng".precomposedStringWithCanonicalMapping.unicodeScalars))
        #expect(json["description_en"] is NSNull)
        #expect(Set(json.keys) == Set(["id"] + OCOPSchema.products.columnNames))

        let areas = try await workspace.ocop("material-area", "list", "--json").array()
        #expect(areas.count == 1 && areas[0]["area_ha"] as? Double == 120.5)

        let text = try await workspace.ok("product", "show", "8934567890120")
        #expect(text.contains("1.5.a") && text.contains("Tea") && text.contains("Hợp tác xã Chè Shan tuyết Suối Giàng"))
        #expect(text.contains("VN-YBOR-0021"))

        try await workspace.ok("product", "add", "--name-vi", "Chè xanh Suối Giàng", "--classification", "1.5.a", "--producer", producer,
                         "--status", "draft")
        let list = try await workspace.ok("product", "list")
        #expect(list.contains("Chè Shan tuyết Suối Giàng") && list.contains("draft"))
        let drafts = try await workspace.ocop("product", "list", "--status", "draft", "--json").array()
        #expect(drafts.compactMap { $0["name_vi"] as? String } == ["Chè xanh Suối Giàng"])

        // Validation from the model, naming the field; nothing changed.
        let leaf = try await workspace.ocop("product", "edit", product, "--classification", "1.5")
        #expect(leaf.status == 1)
        #expect(leaf.stderrLines == ["error: products.classification_code: 1.5 has sub-divisions in QD148-2023; choose one of 1.5.a, 1.5.b"])
        let gtin = try await workspace.ocop("product", "add", "--name-vi", "Cà phê", "--classification", "1.6", "--producer", producer,
                                      "--gtin", "8934567890123")
        #expect(gtin.status == 1)
        #expect(gtin.stderrLines == ["error: products.gtin: 8934567890123 has check digit 3, expected 0"])
        let duplicate = try await workspace.ocop("product", "add", "--name-vi", "Chè khác", "--classification", "1.5.a", "--producer", producer,
                                           "--gtin", "8934567890120")
        #expect(duplicate.status == 1 && duplicate.stderr.contains("products.gtin: GTIN 8934567890120 is already used"))
        #expect(try await workspace.ocop("product", "list", "--json").array().count == 2)

        let edited = try await workspace.ok("product", "edit", product, "--name-en", "Suoi Giang ancient tea", "--gtin", "")
        #expect(edited.contains("name_en") && edited.contains("gtin"))
        let after = try await workspace.ocop("product", "show", product, "--json").object()
        #expect(after["name_en"] as? String == "Suoi Giang ancient tea" && after["gtin"] is NSNull)
        #expect(after["name_vi"] as? String == json["name_vi"] as? String)

        // A producer with products cannot be deleted; a product without history can.
        let busy = try await workspace.ocop("producer", "delete", producer)
        #expect(busy.status == 2 && busy.stderr.contains("still has 2 product(s)"))
        try await workspace.ok("product", "delete", product)
        #expect(try await workspace.ocop("product", "show", product).status == 2)
    }
}
