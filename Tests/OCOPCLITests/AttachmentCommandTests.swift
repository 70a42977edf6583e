import Foundation
import OCOPModel
import OCOPReplica
import Testing

@Suite("ocop attach / attachments / product price")
struct AttachmentCommandTests {
    /// A real 2×2 red PNG (made with Python's zlib).
    static let png = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4z8AARAwQCgAf7gP9i18U1AAAAABJRU5ErkJggg==")!

    static func setUp() async throws -> (Workspace, product: String) {
        let workspace = try await Workspace.province()
        try await workspace.ok("producer", "add", "--name", "Hợp tác xã Mật ong Mèo Vạc", "--type", "HTX", "--tax-code", "5200123456")
        let product = try await workspace.ok("product", "add", "--name-vi", "Mật ong bạc hà Mèo Vạc", "--classification", "1.2.b",
                                             "--producer", "5200123456")
        return (workspace, product)
    }

    @Test func attachListGetRemove() async throws {
        let (workspace, product) = try await Self.setUp()
        let photo = workspace.path("ảnh chụp.dat")
        try Self.png.write(to: URL(fileURLWithPath: photo))
        let id = try await workspace.ok("attach", photo, "--product", "mật ong bạc hà mèo vạc", "--role", "photo", "--title", "Hũ 500 g")
        let attachmentID = try #require(UUID(uuidString: id))
        let attachment = try #require(try workspace.openReplica().fetch(FileAttachment.self, id: attachmentID))
        #expect(attachment.ownerTable == "products" && attachment.ownerID.uuidString.lowercased() == product)
        #expect(attachment.mediaType == .png, "judged by the bytes, whatever the name says")
        #expect(attachment.sha256 == AttachmentFiles.sha256Hex(Self.png) && attachment.byteCount == Int64(Self.png.count))
        #expect(attachment.recordedOn == LocalDate(Date()))

        // The same bytes again: a second row, one file.
        let again = try await workspace.ok("attach", photo, "--product", product, "--role", "photo")
        let files = AttachmentFiles.beside(replicaAt: workspace.replica)
        #expect(try files.hashes() == [attachment.sha256])

        let list = try await workspace.ok("attachments", "list", "--product", product)
        #expect(list.contains(id) && list.contains(again) && list.contains("image/png") && list.contains("Hũ 500 g"))
        #expect(try await workspace.ocop("attachments", "list", "--json").array().count == 2)

        let out = try await workspace.ok("attachments", "get", id, "--out", workspace.directory.path)
        #expect(out.hasSuffix("\(id).png"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == Self.png)

        #expect(try await workspace.ok("attachments", "remove", id).contains("still used by another row"))
        #expect(try await workspace.ok("attachments", "remove", again).contains("deleted its file"))
        #expect(try files.hashes().isEmpty)
        #expect(try await workspace.ok("attachments", "list") == "no attachments")
        #expect(try await workspace.ocop("attachments", "get", id, "--out", "x").status == 2)
    }

    @Test func badFilesAndOwnersAreRefusedWithNothingStored() async throws {
        let (workspace, _) = try await Self.setUp()
        let lying = try workspace.write("anh.jpg", "<script>alert(1)</script>")
        let wrongType = try await workspace.ocop("attach", lying, "--product", "Mật ong bạc hà Mèo Vạc", "--role", "photo")
        #expect(wrongType.status == 1)
        #expect(wrongType.stderr.contains("is not a JPEG, PNG, WebP or PDF file (judged by its contents, not its name)"))

        let pdf = try workspace.write("quyet-dinh.pdf", "%PDF-1.7\n1 0 obj\n")
        let pdfAsPhoto = try await workspace.ocop("attach", pdf, "--product", "Mật ong bạc hà Mèo Vạc", "--role", "photo")
        #expect(pdfAsPhoto.status == 1 && pdfAsPhoto.stderr.contains("attachments.media_type: a photo must be JPEG, PNG or WebP"))

        let missing = try await workspace.ocop("attach", workspace.path("khong-co.png"), "--producer", "5200123456", "--role", "other")
        #expect(missing.status == 2)
        let noOwner = try await workspace.ocop("attach", pdf, "--role", "other")
        #expect(noOwner.status == 64)
        let twoOwners = try await workspace.ocop("attach", pdf, "--role", "other", "--producer", "5200123456", "--product", "Mật ong bạc hà Mèo Vạc")
        #expect(twoOwners.status == 64)
        let unknownOwner = try await workspace.ocop("attach", pdf, "--role", "other", "--lot", "KHONG-CO")
        #expect(unknownOwner.status == 2)

        #expect(try workspace.openReplica().fetchAll(FileAttachment.self).isEmpty)
        #expect(try AttachmentFiles.beside(replicaAt: workspace.replica).hashes().isEmpty, "no file is kept without a row")
    }

    @Test func priceAvailabilityAndNetContent() async throws {
        let (workspace, product) = try await Self.setUp()
        #expect(try await workspace.ok("product", "price", product, "--vnd", "250.000", "--net", "500 g")
            == "Mật ong bạc hà Mèo Vạc: 250.000 ₫ for 500 g, in_stock")
        #expect(try await workspace.ok("product", "price", product, "--availability", "out_of_stock")
            == "Mật ong bạc hà Mèo Vạc: 250.000 ₫ for 500 g, out_of_stock", "options not given keep their value")
        let productID = try #require(UUID(uuidString: product))
        let offer = try #require(try workspace.openReplica().fetch(ProductOffer.self, id: productID))
        #expect(offer.priceVND == 250_000 && offer.netQuantity == 500 && offer.netUnit == .gram && offer.availability == .outOfStock)

        for (arguments, status, message) in [
            (["--vnd", "hai trăm"], Int32(1), "product_offers.price_vnd: \"hai trăm\" is not a price in đồng"),
            (["--vnd", "99999999999"], 1, "product_offers.price_vnd: 99999999999 is not a price in đồng from 0 to 10000000000"),
            (["--net", "nửa cân"], 1, "product_offers.net_quantity: \"nửa cân\" is not a net content"),
            (["--availability", "sold"], 64, "Please provide one of 'in_stock'"),
            ([], 64, "say what to set"),
        ] {
            let result = try await workspace.run(["product", "price", product] + arguments + ["--replica", workspace.replica])
            #expect(result.status == status, "\(arguments) → \(result)")
            #expect(result.stderr.contains(message), "\(arguments) → \(result)")
        }
        #expect(try workspace.openReplica().fetch(ProductOffer.self, id: productID) == offer, "nothing changed")
        #expect(try await workspace.ok("product", "price", product, "--no-price") == "Mật ong bạc hà Mèo Vạc: no price for 500 g, out_of_stock")
        #expect(try await workspace.ok("product", "show", product).contains("offer:"))
    }
}
