import Foundation
import OCOPModel
import Testing

@Suite("Offers and attachments: the rules every writer applies")
struct OfferAndAttachmentTests {
    static let day = LocalDate("2026-11-30")!
    static let product = Product(tenantID: UUID(), producerID: UUID(), classificationCode: "1.2.b", nameVi: "Mật ong bạc hà Mèo Vạc")

    static func fields(_ errors: [ValidationError]) -> [String] { errors.map(\.field) }

    @Test func anOfferIsItsProductsAndItsPriceIsPlausible() {
        let offer = ProductOffer(product: Self.product, priceVND: 250_000, netQuantity: 500, netUnit: .gram, recordedOn: Self.day)
        #expect(offer.id == Self.product.id && offer.validationErrors(reference: .standard).isEmpty)

        var other = offer
        other.id = UUID()
        #expect(Self.fields(other.validationErrors(reference: .standard)) == ["id"])
        for price: Int64 in [-1, ProductOffer.maximumPriceVND + 1] {
            var bad = offer
            bad.priceVND = price
            #expect(Self.fields(bad.validationErrors(reference: .standard)) == ["price_vnd"], "\(price)")
        }
        var free = offer
        free.priceVND = 0
        #expect(free.validationErrors(reference: .standard).isEmpty, "a free sample is a price")
        var noUnit = offer
        noUnit.netUnit = nil
        #expect(Self.fields(noUnit.validationErrors(reference: .standard)) == ["net_unit"])
        var noQuantity = offer
        noQuantity.netQuantity = nil
        #expect(Self.fields(noQuantity.validationErrors(reference: .standard)) == ["net_quantity"])
        for quantity in [0, -2, Double.nan, .infinity] {
            var bad = offer
            bad.netQuantity = quantity
            #expect(Self.fields(bad.validationErrors(reference: .standard)) == ["net_quantity"], "\(quantity)")
        }
    }

    @Test(arguments: [
        ("500 g", 500.0, ProductOffer.NetUnit.gram), ("500g", 500, .gram), ("1,5 kg", 1.5, .kilogram), ("1.5KG", 1.5, .kilogram),
        (" 750 ml ", 750, .millilitre), ("1 l", 1, .litre), ("6 pieces", 6, .piece), ("6 piece", 6, .piece),
    ])
    func netContentAsPrintedOnPackages(_ text: String, _ quantity: Double, _ unit: ProductOffer.NetUnit) throws {
        let parsed = try #require(ProductOffer.parseNetContent(text))
        #expect(parsed.quantity == quantity && parsed.unit == unit)
    }

    @Test(arguments: ["", "g", "500", "500 gram", "-5 g", "0 g", "abc", "nan g", "1e400 g", "500 g 20"])
    func netContentThatIsNot(_ text: String) {
        #expect(ProductOffer.parseNetContent(text) == nil, "\(text)")
    }

    @Test func typesAreRecognisedFromBytesOnly() {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
        #expect(AttachmentMediaType.sniff(png) == .png)
        #expect(AttachmentMediaType.sniff([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]) == .jpeg)
        #expect(AttachmentMediaType.sniff(Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8)) == .webp)
        #expect(AttachmentMediaType.sniff(Array("%PDF-1.7\n".utf8)) == .pdf)
        // Near misses: a RIFF that is a WAV, a truncated PNG signature, HTML, an empty file.
        #expect(AttachmentMediaType.sniff(Array("RIFF\u{0}\u{0}\u{0}\u{0}WAVEfmt ".utf8)) == nil)
        #expect(AttachmentMediaType.sniff(Array(png.prefix(7))) == nil)
        #expect(AttachmentMediaType.sniff(Array("<html><script>".utf8)) == nil)
        #expect(AttachmentMediaType.sniff([UInt8]()) == nil)
        #expect(AttachmentMediaType.sniff(Array("%PDF".utf8)) == nil)
    }

    static func attachment(_ role: FileAttachment.Role = .photo, table: String = "products", type: AttachmentMediaType = .jpeg,
                           bytes: Int64 = 2048, sha256: String = String(repeating: "0f", count: 32)) -> FileAttachment {
        FileAttachment(tenantID: UUID(), ownerTable: table, ownerID: UUID(), role: role, sha256: sha256, mediaType: type,
                   byteCount: bytes, title: "  Hũ 500 g ".decomposedStringWithCanonicalMapping, recordedOn: day, recordedBy: "Lò Văn Minh")
    }

    @Test func attachmentRowsAreChecked() {
        let good = Self.attachment()
        #expect(good.title == "Hũ 500 g".precomposedStringWithCanonicalMapping)
        #expect(good.validationErrors(reference: .standard).isEmpty)
        #expect(Self.attachment(sha256: String(repeating: "0F", count: 32)).sha256 == String(repeating: "0f", count: 32), "kept in lower case")
        #expect(Self.fields(Self.attachment(table: "tenants").validationErrors(reference: .standard)) == ["owner_table"])
        #expect(Self.fields(Self.attachment(sha256: "abc").validationErrors(reference: .standard)) == ["sha256"])
        #expect(Self.fields(Self.attachment(sha256: String(repeating: "g", count: 64)).validationErrors(reference: .standard)) == ["sha256"])
        #expect(Self.fields(Self.attachment(bytes: 0).validationErrors(reference: .standard)) == ["byte_count"])
        #expect(Self.fields(Self.attachment(bytes: FileAttachment.maximumBytes + 1).validationErrors(reference: .standard)) == ["byte_count"])
        #expect(Self.attachment(bytes: FileAttachment.maximumBytes).validationErrors(reference: .standard).isEmpty)
        #expect(Self.fields(Self.attachment(type: .pdf).validationErrors(reference: .standard)) == ["media_type"], "a photo is a picture")
        #expect(Self.attachment(.labReport, type: .pdf).validationErrors(reference: .standard).isEmpty)
    }

    @Test func whatMayBePublished() {
        // Pictures of products and lots: always. Certificates: only an organisation's (a
        // household's names its owner). Everything else, and anything on a producer: never.
        let cases: [(FileAttachment.Role, String, household: Bool, expected: Bool)] = [
            (.photo, "products", false, true), (.photo, "products", true, true), (.photo, "batches", true, true),
            (.photo, "producers", false, false), (.photo, "producers", true, false),
            (.certificateScan, "certificates", false, true), (.certificateScan, "certificates", true, false),
            (.photo, "certificates", true, false), (.certificateScan, "products", false, false),
            (.identityDocument, "producers", true, false), (.identityDocument, "products", false, false),
            (.dossierDocument, "dossiers", false, false), (.labReport, "inspections", false, false), (.other, "products", false, false),
        ]
        for (role, table, household, expected) in cases {
            #expect(Self.attachment(role, table: table).isPublic(ownerIsHousehold: household) == expected, "\(role) on \(table), household \(household)")
        }
    }
}
