import Foundation
@testable import OCOPHTTP
import OCOPImages
import OCOPModel
import OCOPReplica
import OCOPStore
import OCOPTestSupport
import Testing

/// Web-sized copies made by libvips, and pictures that must not be decoded.
@Suite("Web copies of photos")
struct WebImageTests {
    /// A PNG made by Python's zlib: `width` × `height`, RGBA, a horizontal gradient; with `rows`,
    /// only that many rows of pixel data (a header that promises more than the file holds).
    static func png(width: Int, height: Int, rows: Int? = nil) async throws -> Data {
        let script = """
            import struct, sys, zlib
            w, h, rows, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
            def chunk(kind, data): return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)
            row = b'\\x00' + b''.join(bytes((x * 255 // max(w - 1, 1), 90, 120, 200)) for x in range(w))
            png = b'\\x89PNG\\r\\n\\x1a\\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 6, 0, 0, 0))
            png += chunk(b'IDAT', zlib.compress(row * rows, 9)) + chunk(b'IEND', b'')
            open(out, 'wb').write(png)
            """
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-png-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try await ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"),
                                             ["python3", "-c", script, String(width), String(height), String(rows ?? height), file.path])
        try #require(run.status == 0, "\(run.errors)")
        return try Data(contentsOf: file)
    }

    /// Width and height from a JPEG's start-of-frame marker.
    static func jpegSize(_ data: Data) -> (width: Int, height: Int)? {
        let bytes = [UInt8](data)
        var index = 2
        while index + 9 < bytes.count, bytes[index] == 0xFF {
            let marker = bytes[index + 1]
            let length = Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
            if (0xC0...0xC3).contains(marker) || (0xC5...0xC7).contains(marker) {
                return (Int(bytes[index + 7]) << 8 | Int(bytes[index + 8]), Int(bytes[index + 5]) << 8 | Int(bytes[index + 6]))
            }
            index += 2 + length
        }
        return nil
    }

    @Test func aLargePictureBecomesAWebSizedJPEG() async throws {
        let original = try await Self.png(width: 2400, height: 1600)
        let web = try WebImage.jpeg(of: original)
        #expect(Array(web.prefix(3)) == [0xFF, 0xD8, 0xFF])
        let size = try #require(Self.jpegSize(web))
        #expect(size.width == 1024 && size.height == 683, "\(size)")
        // A small picture is not enlarged.
        let small = try #require(Self.jpegSize(try WebImage.jpeg(of: try await Self.png(width: 300, height: 200))))
        #expect(small.width == 300 && small.height == 200)
    }

    @Test func bombsAndBrokenFilesAreRefusedWithoutDecoding() async throws {
        // 50,000 × 50,000 declared, a few rows of data: 2.5 gigapixels if decoded.
        let bomb = try await Self.png(width: 50_000, height: 50_000, rows: 2)
        #expect(bomb.count < 100_000)
        #expect(throws: WebImage.Failure.tooLarge(width: 50_000, height: 50_000)) { try WebImage.jpeg(of: bomb) }
        let picture = try await Self.png(width: 400, height: 300)
        let cases: [(String, Data)] = [
            ("truncated PNG", Data(picture.prefix(picture.count / 2))), ("JPEG header only", Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 16])),
            ("WebP header only", Data("RIFF\0\0\0\0WEBPVP8 ".utf8)), ("empty", Data()),
        ]
        for (name, broken) in cases {
            #expect(throws: (any Error).self, "\(name)") { try WebImage.jpeg(of: broken) }
        }
    }

    @Test("GET /files/{sha256}/web: made once, kept, immutable; a bomb is 422 and the daemon goes on")
    func overHTTP() async throws {
        let seed = try await Seed()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-web-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = AttachmentFiles(directory: directory)
        let photo = try files.add(try await Self.png(width: 2000, height: 1000), named: "anh.png")
        let bomb = try files.add(try await Self.png(width: 40_000, height: 40_000, rows: 1), named: "bom.png")
        let scan = try files.add(Data("%PDF-1.7\n".utf8), named: "qd.pdf")
        let tea = seed.products["A"]!
        let rows = [(photo, FileAttachment.Role.photo, "products", tea.id), (bomb, .photo, "products", tea.id),
                    (scan, .certificateScan, "certificates", seed.certificates["A"]!.id)].map { file, role, table, owner in
            FileAttachment(tenantID: tea.tenantID, ownerTable: table, ownerID: owner, role: role, sha256: file.sha256,
                           mediaType: file.mediaType, byteCount: file.byteCount, recordedOn: LocalDate("2026-05-01")!, recordedBy: "Lan")
        }
        try seed.harness.replica("01").saveAll(rows)
        try await seed.harness.sync("01")
        try await withLiveServer(seed: seed, filesDirectory: directory.path) { server in
            let web = try await server.client.request("/files/\(photo.sha256)/web")
            #expect(web.status == 200 && web.header("Content-Type") == "image/jpeg")
            #expect(web.header("Cache-Control") == "public, max-age=31536000, immutable")
            #expect(Self.jpegSize(web.body).map { [$0.width, $0.height] } == [1024, 512])
            let kept = NationalFileDirectory(path: directory.path).derivedPath(of: photo.sha256, variant: FileRoutes.webVariant)
            #expect(FileManager.default.fileExists(atPath: kept))
            #expect(try await server.client.request("/files/\(photo.sha256)/web").body == web.body, "served from the kept copy")

            let refused = try await server.client.request("/files/\(bomb.sha256)/web")
            #expect(refused.status == 422 && refused.errorCode == "bad_image" && refused.text.contains("megapixels"))
            #expect(try await server.client.request("/files/\(scan.sha256)/web").status == 404, "no web copy of a PDF")
            #expect(try await server.client.request("/healthz").status == 200)
        }
    }
}
