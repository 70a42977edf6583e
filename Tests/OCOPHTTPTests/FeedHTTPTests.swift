import Crypto
import Foundation
import OCOPStore
import OCOPFeeds
import OCOPModel
import OCOPTestSupport
import Testing

@Suite("Partner feeds over HTTP")
struct FeedHTTPTests {
    /// Downloads every file of an export (pinned to one snapshot) into a new directory.
    func download(_ server: LiveServer, profile: String, format: String, since: String? = nil) async throws
        -> (directory: URL, cursor: String, files: [String]) {
        let sinceQuery = since.map { "since=\($0)" }
        let catalog = try await server.client.request("/feeds/\(profile)/\(format)/catalog.jsonld" + (sinceQuery.map { "?" + $0 } ?? ""))
        #expect(catalog.status == 200, "\(catalog.text)")
        let cursor = try #require(catalog.header("OCOP-Feed-Cursor"))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-http-feed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let query = "?" + ([sinceQuery, "at=\(cursor)"].compactMap { $0 }).joined(separator: "&")
        let manifest = try await server.client.request("/feeds/\(profile)/\(format)/manifest.json\(query)")
        #expect(manifest.status == 200)
        let listed = try #require(try JSONSerialization.jsonObject(with: manifest.body) as? [String: Any])
        let files = (listed["files"] as? [[String: Any]])?.compactMap { $0["path"] as? String } ?? []
        for name in files + ["manifest.json", "manifest.json.sig"] {
            let file = try await server.client.request("/feeds/\(profile)/\(format)/\(name)\(query)")
            #expect(file.status == 200, "\(name): \(file.text)")
            #expect(file.header("OCOP-Feed-Cursor") == cursor)
            try file.body.write(to: directory.appendingPathComponent(name))
        }
        return (directory, cursor, files)
    }

    @Test("served files are a signed export: they verify with the served key and validate against the schemas")
    func servedExportVerifies() async throws {
        try await withLiveServer { server in
            let index = try #require(try await server.client.request("/feeds").json)
            #expect((index["profiles"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["asean", "iocop"])
            #expect((index["programme"] as? String)?.contains("Vietnam") == true)

            let pem = try await server.client.request("/feeds/signing-key.pem")
            let publicKey = try FeedKeys.publicKey(from: pem.body)
            #expect(publicKey.rawRepresentation == server.signingKey.publicKey.rawRepresentation)

            for format in ["jsonld", "csv"] {
                let (directory, _, files) = try await download(server, profile: "asean", format: format)
                defer { try? FileManager.default.removeItem(at: directory) }
                let manifest = try FeedVerifier.verify(directory: directory, publicKey: publicKey)
                // In force today: F (4★, until 2028) and D's second certificate (2026-07-01).
                #expect(manifest.counts.upserts == 2)
                #expect(files.contains(format == "csv" ? "products.csv" : "page-00001.jsonld"))
                #expect(try await validateFeedDocuments(directory) == "")

                // A tampered file no longer verifies.
                let first = directory.appendingPathComponent(files[0])
                var bytes = try Data(contentsOf: first)
                bytes[bytes.count / 2] ^= 0x20
                try bytes.write(to: first)
                #expect(throws: FeedError.self) { try FeedVerifier.verify(directory: directory, publicKey: publicKey) }
            }
        }
    }

    @Test("ETag and If-None-Match on feed files; the pinned snapshot survives a merge; since gives only the change")
    func conditionalAndPinned() async throws {
        try await withLiveServer { server in
            let path = "/feeds/asean/jsonld/page-00001.jsonld"
            let first = try await server.client.request(path)
            #expect(first.status == 200)
            #expect(first.header("Content-Type") == "application/ld+json; charset=utf-8")
            let tag = try #require(first.header("ETag"))
            let cursor = try #require(first.header("OCOP-Feed-Cursor"))
            #expect(first.header("Link")?.contains("manifest.json?at=\(cursor)>; rel=\"describedby\"") == true)
            let again = try await server.client.request(path, headers: ["If-None-Match": tag])
            #expect(again.status == 304)
            #expect(again.body.isEmpty)
            #expect(again.header("ETag") == tag)

            // A night's merge: product E is certified again (3★, today).
            let replica = server.seed.harness.replica("01")
            try replica.save(certificate(server.seed.products["E"]!, stars: 3, issued: LocalDate(Date()).description, number: "E3/QĐ"))
            try await server.seed.harness.sync("01")

            // The old snapshot is still served whole to whoever is paging through it...
            let pinned = try await server.client.request(path + "?at=\(cursor)", headers: ["If-None-Match": tag])
            #expect(pinned.status == 304)
            // ...while the current feed has moved on.
            let current = try await server.client.request(path, headers: ["If-None-Match": tag])
            #expect(current.status == 200)
            let newCursor = try #require(current.header("OCOP-Feed-Cursor"))
            #expect(newCursor != cursor)
            #expect(current.text.contains("Bánh E"))
            #expect(!first.text.contains("Bánh E"))

            // From the old cursor, only the change.
            let (directory, _, _) = try await download(server, profile: "asean", format: "jsonld", since: cursor)
            defer { try? FileManager.default.removeItem(at: directory) }
            let manifest = try FeedVerifier.verify(directory: directory, publicKey: server.signingKey.publicKey)
            #expect(manifest.counts.upserts == 1)
            #expect(manifest.counts.removals == 0)
            #expect(manifest.since?.description == cursor)
        }
    }

    @Test("gzip for clients that accept it: its own ETag, Vary, and the same bytes once decompressed")
    func gzip() async throws {
        try await withLiveServer { server in
            let path = "/feeds/asean/jsonld/page-00001.jsonld"
            let plain = try await server.client.request(path, headers: ["Accept-Encoding": "identity"])
            #expect(plain.header("Content-Encoding") == nil)
            #expect(plain.header("Vary") == "Accept-Encoding")
            let compressed = try await server.client.request(path, headers: ["Accept-Encoding": "gzip"])
            #expect(compressed.header("Content-Encoding") == "gzip")
            let tag = try #require(compressed.header("ETag"))
            #expect(tag == String(try #require(plain.header("ETag")).dropLast()) + "-gzip\"")
            let body = compressed.body.starts(with: [0x1F, 0x8B])
                ? try await gunzip(compressed.body) : compressed.body // URLSession may decode it itself
            #expect(body == plain.body)
            #expect(try await server.client.request(path, headers: ["Accept-Encoding": "gzip", "If-None-Match": tag]).status == 304)
            #expect(try await server.client.request(path, headers: ["Accept-Encoding": "gzip;q=0, identity"]).header("Content-Encoding") == nil)
            // Small bodies are not worth it.
            #expect(try await server.client.request("/healthz", headers: ["Accept-Encoding": "gzip"]).header("Content-Encoding") == nil)
        }
    }

    func gunzip(_ data: Data) async throws -> Data {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-\(UUID().uuidString).gz")
        defer { try? FileManager.default.removeItem(at: file) }
        try data.write(to: file)
        let run = try await runTool("gzip", ["-dc", file.path])
        #expect(run.status == 0, "\(run.errors)")
        return Data(run.output.utf8)
    }
}

