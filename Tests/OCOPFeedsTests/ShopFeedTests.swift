import Foundation
import OCOPFeeds
import OCOPModel
import OCOPReplica
import OCOPStore
import OCOPTestSupport
import Testing

/// What a shop or a marketplace reads: photos, an offer in đồng, a page, a brand, net content,
/// the GTIN as a Digital Link, the province as ISO 3166-2:VN, the growing-area code; checked
/// against schema.org's published vocabulary and read by CSV readers no one here wrote.
@Suite struct ShopFeedTests {
    static let base = "https://ocop.example.gov.vn"
    static let links = FeedLinks(base: base + "/")
    static let day = date("2025-10-01")

    /// A cooperative's honey with everything a shop needs, and a household's tea.
    struct Shop {
        let data: Dataset
        let honey: Product
        let tea: Product
        let photo: FileAttachment
        let cooperativeScan: FileAttachment
        let householdScan: FileAttachment
        let household: Producer
    }

    static func shop() throws -> Shop {
        let data = try Dataset()
        var rng = SplitMix64(state: 5)
        let hanoi = data.tenants[0]
        let cooperative = try data.addProducer(type: .cooperative, tenant: hanoi, serial: 1, rng: &rng)
        let area = MaterialArea(tenantID: hanoi, name: "Vùng chè Ba Vì", growingAreaCode: "VN-HNOR-0012")
        try data.store.replica.save(area)
        var honey = try data.addProduct(producer: cooperative, serial: 1, code: "1.2.b")
        honey.materialAreaID = area.id
        try data.store.replica.save(honey)
        let honeyCertificate = try data.certify(honey, stars: 4, issuedOn: date("2024-05-02"))
        try data.store.replica.save(ProductOffer(product: honey, priceVND: 250_000, availability: .inStock, netQuantity: 500, netUnit: .gram,
                                                 recordedOn: date("2024-06-01")))
        func attach(_ table: String, _ owner: Product, id: UUID, role: FileAttachment.Role, type: AttachmentMediaType, seed: UInt8) -> FileAttachment {
            FileAttachment(tenantID: owner.tenantID, ownerTable: table, ownerID: id, role: role,
                           sha256: String(repeating: String(format: "%02x", seed), count: 32), mediaType: type, byteCount: 4096,
                           recordedOn: date("2024-06-01"), recordedBy: "Nguyễn Thị Lan")
        }
        let photo = attach("products", honey, id: honey.id, role: .photo, type: .jpeg, seed: 0xa1)
        let cooperativeScan = attach("certificates", honey, id: honeyCertificate.id, role: .certificateScan, type: .pdf, seed: 0xb2)
        // Not published: a lab report of the product, an identity document of the producer.
        let lab = attach("products", honey, id: honey.id, role: .labReport, type: .pdf, seed: 0xc3)
        try data.store.replica.saveAll([photo, cooperativeScan, lab])

        let household = try data.addProducer(type: .household, tenant: hanoi, serial: 2, rng: &rng)
        let tea = try data.addProduct(producer: household, serial: 2, code: "1.5.a")
        let teaCertificate = try data.certify(tea, stars: 3, issuedOn: date("2024-05-02"))
        let householdScan = attach("certificates", tea, id: teaCertificate.id, role: .certificateScan, type: .pdf, seed: 0xd4)
        let idCard = FileAttachment(tenantID: hanoi, ownerTable: "producers", ownerID: household.id, role: .identityDocument,
                                    sha256: String(repeating: "e5", count: 32), mediaType: .jpeg, byteCount: 4096,
                                    recordedOn: date("2024-06-01"), recordedBy: "Nguyễn Thị Lan")
        try data.store.replica.saveAll([householdScan, idCard])
        return Shop(data: data, honey: honey, tea: tea, photo: photo, cooperativeScan: cooperativeScan, householdScan: householdScan,
                    household: household)
    }

    static func item(_ id: UUID, in directory: URL) throws -> [String: Any] {
        let entries = try jsonEntries(in: directory)
        let json = try #require(entries["urn:uuid:" + id.uuidString.lowercased()] ?? nil, "\(id) is in the feed")
        return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    @Test func productsCarryWhatAShopNeeds() async throws {
        let shop = try Self.shop()
        let scratch = Scratch()
        let out = scratch.make()
        try await FeedExporter.export(store: shop.data.store, profile: .asean, format: .jsonld, to: out, signingKey: testKey,
                                      asOf: Self.day, links: Self.links)
        let honey = try Self.item(shop.honey.id, in: out)
        let gtin14 = "0" + shop.honey.gtin!
        #expect(honey["url"] as? String == "\(Self.base)/01/\(gtin14)")
        #expect(honey["gtin"] as? String == "https://id.gs1.org/01/\(gtin14)" && honey["gtin14"] as? String == gtin14)
        #expect(honey["image"] as? [String] == ["\(Self.base)/files/\(shop.photo.sha256)"], "the photo, not the lab report")
        let offer = try #require(honey["offers"] as? [String: Any])
        #expect(offer["price"] as? Int == 250_000 && offer["priceCurrency"] as? String == "VND")
        #expect((offer["availability"] as? [String: String]) == ["@id": "schema:InStock"])
        #expect(offer["url"] as? String == honey["url"] as? String)
        let size = try #require(honey["size"] as? [String: Any])
        #expect(size["value"] as? Int == 500 && size["unitCode"] as? String == "GRM" && size["unitText"] as? String == "g")
        #expect((honey["brand"] as? [String: Any])?["name"] as? String == "Hợp tác xã Đoàn Kết 1")
        let property = try #require((honey["additionalProperty"] as? [[String: Any]])?.first)
        #expect(property["value"] as? String == "VN-HNOR-0012" && property["propertyID"] as? String == "urn:ocop-vn:vocab:growingAreaCode")
        let manufacturer = try #require(honey["manufacturer"] as? [String: Any])
        #expect((manufacturer["address"] as? [String: Any])?["addressRegion"] as? String == "VN-HN")
        #expect(honey["ocop:province"] == nil, "the province is ISO 3166-2, not an in-house property")
        let certification = try #require(honey["hasCertification"] as? [String: Any])
        #expect((certification["certificationStatus"] as? [String: String]) == ["@id": "schema:CertificationActive"])
        #expect(certification["image"] as? [String] == ["\(Self.base)/files/\(shop.cooperativeScan.sha256)"])
        #expect(honey["dateModified"] == nil, "dateModified is not a property of Product; the feed item carries it")

        // The household: published under its label, as its brand too; its certificate (which
        // names the owner) and its owner's identity card never.
        let tea = try Self.item(shop.tea.id, in: out)
        let brand = try #require((tea["brand"] as? [String: Any])?["name"] as? String)
        #expect(brand.hasPrefix("Hộ sản xuất tại"), "\(brand)")
        #expect((tea["hasCertification"] as? [String: Any])?["image"] == nil)
        #expect(tea["offers"] == nil && tea["image"] == nil, "no offer recorded, no photo")
        let everything = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { !$0.hasSuffix(".sig") }
            .map { try String(contentsOf: out.appendingPathComponent($0), encoding: .utf8) }.joined()
        for hidden in [shop.householdScan.sha256, String(repeating: "e5", count: 32), String(repeating: "c3", count: 32),
                       shop.household.representative!, shop.household.name] {
            #expect(!everything.contains(hidden), "\(hidden) must not leave the national store")
        }

        #expect(try await validateFeedDocuments(out) == "")
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".jsonld") }.sorted()
            .map { out.appendingPathComponent($0) }
        if let complaints = try await checkJSONLDVocabulary(files) {
            #expect(complaints == "", "pages and catalogue against schema.org 30.0 and DCAT")
        } else if ProcessInfo.processInfo.environment["CI"] != nil {
            Issue.record("../shared/standards is missing")
        }
    }

    /// The vocabulary check is only worth something if it fails on the slips it is for.
    @Test func theVocabularyCheckFindsTheSlipsItIsFor() async throws {
        guard sharedStandards != nil else { return }
        let shop = try Self.shop()
        let scratch = Scratch()
        let out = scratch.make()
        try await FeedExporter.export(store: shop.data.store, profile: .asean, format: .jsonld, to: out, signingKey: testKey,
                                      asOf: Self.day, links: Self.links)
        // The page with the slips made by hand: an enumeration member as a string, terms
        // schema.org does not have, and dateModified on the product (typed Date by the context).
        let page = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("page-00001.jsonld"))) as? [String: Any])
        var elements = try #require(page["dataFeedElement"] as? [[String: Any]])
        var item = try #require(elements[0]["item"] as? [String: Any])
        var certification = try #require(item["hasCertification"] as? [String: Any])
        certification["certificationStatus"] = "https://schema.org/CertificationActive"
        item["hasCertification"] = certification
        item["colour"] = "red"
        item["manufacturedBy"] = "x"
        item["dateModified"] = "2026-01-01T00:00:00Z"
        elements[0]["item"] = item
        var mutated = page
        mutated["dataFeedElement"] = elements
        let broken = scratch.make()
        try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: mutated).write(to: broken.appendingPathComponent("page.jsonld"))
        // The catalogue's context has no default vocabulary: a bare term there is dropped.
        let catalog = try String(contentsOf: out.appendingPathComponent("catalog.jsonld"), encoding: .utf8)
            .replacingOccurrences(of: #""dct:title":"#, with: #""title":"x","dct:title":"#)
        try catalog.write(to: broken.appendingPathComponent("catalog.jsonld"), atomically: true, encoding: .utf8)
        let complaints = try #require(try await checkJSONLDVocabulary(["page.jsonld", "catalog.jsonld"].map(broken.appendingPathComponent)))
        #expect(complaints.contains("is a string; schema:certificationStatus takes a member"), "\(complaints)")
        #expect(complaints.contains("property schema:colour is not in schema.org's vocabulary"), "\(complaints)")
        #expect(complaints.contains("property schema:manufacturedBy is not in schema.org's vocabulary"), "\(complaints)")
        #expect(complaints.contains("the term \"title\" is dropped on expansion"), "\(complaints)")
        #expect(complaints.contains("schema:dateModified is not a property of schema:Product"), "\(complaints)")
        #expect(complaints.contains("is typed as a date but is not YYYY-MM-DD"), "\(complaints)")
    }

    @Test func theCSVOpensInSpreadsheetsAndCSVWReaders() async throws {
        let shop = try Self.shop()
        let scratch = Scratch()
        let out = scratch.make()
        let result = try await FeedExporter.export(store: shop.data.store, profile: .asean, format: .csv, to: out, signingKey: testKey,
                                                   asOf: Self.day, links: Self.links)
        #expect(result.files.contains("products.csv-metadata.json"))
        let bytes = try Data(contentsOf: out.appendingPathComponent("products.csv"))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF], "a byte-order mark, or Excel garbles Vietnamese")
        #expect(try await checkCSVFeed(out) == "")
        #expect(try await validateFeedDocuments(out) == "", "catalogue and manifest list the metadata file")
        try FeedVerifier.verify(directory: out, publicKey: testKey.publicKey)
        let line = try #require(try csvEntries(in: out)["urn:uuid:" + shop.honey.id.uuidString.lowercased()] ?? nil)
        for value in ["250000", "in_stock", "500", ",g,", "VN-HNOR-0012", "\(Self.base)/01/0\(shop.honey.gtin!)",
                      "\(Self.base)/files/\(shop.photo.sha256)", "VN-HN", "Hợp tác xã Đoàn Kết 1"] {
            #expect(line.contains(value), "\(value) in \(line)")
        }

        // A value the metadata does not allow is found by the CSVW reader.
        let csv = out.appendingPathComponent("products.csv")
        try Data(try String(contentsOf: csv, encoding: .utf8).replacingOccurrences(of: ",250000,", with: ",250k,").utf8).write(to: csv)
        #expect(try await checkCSVFeed(out).contains("price_vnd"))
    }

    @Test func aNewPriceOrPhotoOrCodeIsInTheNextDelta() async throws {
        let shop = try Self.shop()
        let scratch = Scratch()
        let first = try await FeedExporter.export(store: shop.data.store, profile: .asean, format: .jsonld, to: scratch.make(),
                                                  signingKey: testKey, asOf: Self.day, links: Self.links)
        let replica = shop.data.store.replica
        var offer = try #require(try replica.fetch(ProductOffer.self, id: shop.honey.id))
        offer.priceVND = 265_000
        try replica.save(offer)
        let priced = scratch.make()
        try await FeedExporter.export(store: shop.data.store, profile: .asean, format: .jsonld, since: first.nextCursor, to: priced,
                                      signingKey: testKey, asOf: Self.day, links: Self.links)
        #expect(try jsonEntries(in: priced).keys.sorted() == ["urn:uuid:" + shop.honey.id.uuidString.lowercased()])
        #expect((try Self.item(shop.honey.id, in: priced)["offers"] as? [String: Any])?["price"] as? Int == 265_000)

        let cursor = try await FeedSnapshot.currentCursor(store: shop.data.store, asOf: Self.day)
        let photo = FileAttachment(tenantID: shop.tea.tenantID, ownerTable: "products", ownerID: shop.tea.id, role: .photo,
                                   sha256: String(repeating: "f6", count: 32), mediaType: .png, byteCount: 99, recordedOn: Self.day,
                                   recordedBy: "Lò Văn Minh")
        try replica.save(photo)
        let area = MaterialArea(tenantID: shop.tea.tenantID, name: "Đồi chè Tân Cương")
        try replica.save(area)
        try replica.save(GrowingAreaCode(tenantID: shop.tea.tenantID, materialAreaID: area.id, code: "VN-TNOR-0001", crop: "Chè",
                                         classificationCode: "1.5.a", issuedBy: "Chi cục Trồng trọt", validFrom: date("2025-01-01")))
        var tea = shop.tea
        tea.materialAreaID = area.id
        try replica.save(tea)
        let photographed = scratch.make()
        try await FeedExporter.export(store: shop.data.store, profile: .asean, format: .jsonld, since: cursor, to: photographed,
                                      signingKey: testKey, asOf: Self.day, links: Self.links)
        let item = try Self.item(shop.tea.id, in: photographed)
        #expect(item["image"] as? [String] == ["\(Self.base)/files/\(photo.sha256)"])
        #expect((item["additionalProperty"] as? [[String: Any]])?.first?["value"] as? String == "VN-TNOR-0001", "a code granted later")

        // Removing the photo again is a change too.
        let before = try await FeedSnapshot.currentCursor(store: shop.data.store, asOf: Self.day)
        _ = try replica.delete(FileAttachment.self, id: photo.id)
        let unphotographed = scratch.make()
        try await FeedExporter.export(store: shop.data.store, profile: .asean, format: .jsonld, since: before, to: unphotographed,
                                      signingKey: testKey, asOf: Self.day, links: Self.links)
        #expect(try jsonEntries(in: unphotographed).count == 1)
        #expect(try Self.item(shop.tea.id, in: unphotographed)["image"] == nil)
    }
}
