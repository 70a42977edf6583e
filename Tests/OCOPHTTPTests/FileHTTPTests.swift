import Foundation
@testable import OCOPHTTP
import OCOPModel
import OCOPReplica
import OCOPStore
import OCOPTestSupport
import Testing

/// Attachments' files over HTTP: public only when a row may publish them, immutable, ranges.
@Suite("Attachment files over HTTP")
struct FileHTTPTests {
    struct Files {
        let directory: URL
        let photo: FileAttachment
        let photoBytes: Data
        let householdScan: FileAttachment
        let identityCard: FileAttachment
        let notUploaded: FileAttachment
    }

    /// Hà Nội attaches a photo of the cooperative's tea, a scan of the household's certificate,
    /// the household head's identity card, and one more photo whose file never arrives; the
    /// first three files are in the national store's directory.
    static func attach(_ seed: Seed) async throws -> Files {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-files-http-\(UUID().uuidString)")
        let files = AttachmentFiles(directory: directory)
        let hanoi = seed.harness.replica("01")
        let photoBytes = Data([0xFF, 0xD8, 0xFF, 0xE0] + (0..<3000).map { UInt8($0 % 251) })
        let photoFile = try files.add(photoBytes, named: "che.jpg")
        let scanFile = try files.add(Data("%PDF-1.7 Quyết định công nhận OCOP hộ Nguyễn Văn A".utf8), named: "qd.pdf")
        let cardFile = try files.add(Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]), named: "cccd.png")
        let day = LocalDate("2026-05-01")!
        let tea = seed.products["A"]!, honey = seed.products["B"]!
        func row(_ table: String, _ owner: UUID, _ role: FileAttachment.Role, _ file: AttachmentFiles.StoredFile) -> FileAttachment {
            FileAttachment(tenantID: tea.tenantID, ownerTable: table, ownerID: owner, role: role, sha256: file.sha256,
                           mediaType: file.mediaType, byteCount: file.byteCount, recordedOn: day, recordedBy: "Nguyễn Thị Lan")
        }
        let photo = row("products", tea.id, .photo, photoFile)
        let householdScan = row("certificates", seed.certificates["B"]!.id, .certificateScan, scanFile)
        let identityCard = row("producers", honey.producerID, .identityDocument, cardFile)
        let notUploaded = FileAttachment(tenantID: tea.tenantID, ownerTable: "products", ownerID: tea.id, role: .photo,
                                         sha256: String(repeating: "7a", count: 32), mediaType: .webp, byteCount: 10, recordedOn: day,
                                         recordedBy: "Nguyễn Thị Lan")
        try hanoi.saveAll([photo, householdScan, identityCard, notUploaded])
        try await seed.harness.sync("01")
        return Files(directory: directory, photo: photo, photoBytes: photoBytes, householdScan: householdScan,
                     identityCard: identityCard, notUploaded: notUploaded)
    }

    @Test("a published photo is served immutable, by range, with its hash as ETag")
    func publishedPhoto() async throws {
        let seed = try await Seed()
        let files = try await Self.attach(seed)
        defer { try? FileManager.default.removeItem(at: files.directory) }
        try await withLiveServer(seed: seed, filesDirectory: files.directory.path) { server in
            let path = "/files/\(files.photo.sha256)"
            let whole = try await server.client.request(path)
            #expect(whole.status == 200 && whole.body == files.photoBytes)
            #expect(whole.header("Content-Type") == "image/jpeg")
            #expect(whole.header("Cache-Control") == "public, max-age=31536000, immutable")
            #expect(whole.header("ETag") == "\"\(files.photo.sha256)\"" && whole.header("Accept-Ranges") == "bytes")
            #expect(whole.header("X-Content-Type-Options") == "nosniff")

            let part = try await server.client.request(path, headers: ["Range": "bytes=10-19"])
            #expect(part.status == 206 && part.body == files.photoBytes[10...19])
            #expect(part.header("Content-Range") == "bytes 10-19/\(files.photoBytes.count)")
            let tail = try await server.client.request(path, headers: ["Range": "bytes=-5"])
            #expect(tail.status == 206 && tail.body == files.photoBytes.suffix(5))
            let rest = try await server.client.request(path, headers: ["Range": "bytes=3000-"])
            #expect(rest.status == 206 && rest.body == files.photoBytes[3000...])
            let beyond = try await server.client.request(path, headers: ["Range": "bytes=99999-"])
            #expect(beyond.status == 416 && beyond.header("Content-Range") == "bytes */\(files.photoBytes.count)")
            let several = try await server.client.request(path, headers: ["Range": "bytes=0-1,5-6"])
            #expect(several.status == 200 && several.body == files.photoBytes, "several ranges: the whole file")
            let cached = try await server.client.request(path, headers: ["If-None-Match": "\"\(files.photo.sha256)\""])
            #expect(cached.status == 304 && cached.body.isEmpty)
        }
    }

    @Test("files that name a person, and files not published, are not served publicly; the central office gets them")
    func privateFiles() async throws {
        let seed = try await Seed()
        let files = try await Self.attach(seed)
        defer { try? FileManager.default.removeItem(at: files.directory) }
        try await withLiveServer(seed: seed, filesDirectory: files.directory.path) { server in
            for hidden in [files.householdScan, files.identityCard] {
                let anonymous = try await server.client.request("/files/\(hidden.sha256)")
                #expect(anonymous.status == 404, "\(hidden.role)")
                #expect(!anonymous.text.contains("Nguyễn"))
                let central = try await server.get("/api/v1/files/\(hidden.sha256)")
                #expect(central.status == 200 && central.header("Content-Type") == hidden.mediaType.rawValue, "\(hidden.role)")
                #expect(central.header("Cache-Control")?.hasPrefix("private") == true)
            }
            #expect(try await server.client.request("/api/v1/files/\(files.identityCard.sha256)").status == 401, "a token is needed")
            for path in ["/files/abc", "/files/\(String(repeating: "0", count: 64))", "/files/\(String(repeating: "A", count: 64))",
                         "/files/..%2F..%2Fetc%2Fpasswd"] {
                #expect(try await server.client.request(path).status == 404, "\(path)")
            }
            let missing = try await server.client.request("/files/\(files.notUploaded.sha256)")
            #expect(missing.status == 404 && missing.errorCode == "not_uploaded")

            let listed = try await server.get("/api/v1/attachments?owner_table=products&owner_id=\(seed.products["A"]!.id.uuidString.lowercased())")
            #expect(listed.status == 200)
            let items = try #require(listed.json?["attachments"] as? [[String: Any]])
            #expect(Set(items.compactMap { $0["sha256"] as? String }) == [files.photo.sha256, files.notUploaded.sha256])
            #expect(items.first { $0["sha256"] as? String == files.photo.sha256 }?["stored"] as? Bool == true)
            #expect(items.first { $0["sha256"] as? String == files.notUploaded.sha256 }?["stored"] as? Bool == false)
            #expect(try await server.get("/api/v1/attachments?owner_table=tenants&owner_id=x").status == 400)
        }
    }

    @Test(arguments: [
        ("bytes=0-0", 100, ByteRange.part(0...0)), ("bytes=5-", 100, .part(5...99)), ("bytes=-10", 100, .part(90...99)),
        ("bytes=-1000", 100, .part(0...99)), ("bytes=90-1000", 100, .part(90...99)), ("bytes=100-", 100, .unsatisfiable),
        ("bytes=-0", 100, .unsatisfiable), ("bytes=9-5", 100, .whole), ("bytes=a-b", 100, .whole), ("items=0-5", 100, .whole),
        ("bytes=0-1,3-4", 100, .whole), ("bytes=99999999999999999999-", 100, .whole), ("bytes=0-", 0, .unsatisfiable),
    ])
    func rangeHeaders(_ header: String, _ size: Int, _ expected: ByteRange) {
        #expect(ByteRange(header: header, size: size) == expected, "\(header) of \(size)")
    }
}
