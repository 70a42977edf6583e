import Crypto
import Foundation
import OCOPFeeds
import OCOPModel
import OCOPReplica
import OCOPStore
import OCOPSync
import OCOPTestSupport
import Testing

@Suite struct FeedTests {
    @Test func documentsValidateAgainstTheirSchemas() async throws {
        let scratch = Scratch()
        var rng = SplitMix64(state: 11)
        let data = try Dataset()
        try data.fill(count: 40, rng: &rng)
        var profile = FeedProfile.asean
        profile.pageSize = 9
        let full = scratch.make()
        let first = try await FeedExporter.export(store: data.store, profile: profile, format: .jsonld, to: full, signingKey: testKey, asOf: date("2025-10-01"))
        #expect(first.counts.upserts > 10)
        #expect(try await validateFeedDocuments(full) == "")
        // An incremental export with removals, and the iOCOP profile, and a CSV export (catalogue, manifest).
        try data.revoke(data.certificates[0])
        let delta = scratch.make()
        let second = try await FeedExporter.export(store: data.store, profile: profile, format: .jsonld, since: first.nextCursor, to: delta,
                                             signingKey: testKey, asOf: date("2026-06-01"))
        #expect(second.counts.removals > 0)
        #expect(try await validateFeedDocuments(delta) == "")
        let iocop = scratch.make()
        try await FeedExporter.export(store: data.store, profile: .iocop, format: .jsonld, to: iocop, signingKey: testKey, asOf: date("2025-10-01"))
        #expect(try await validateFeedDocuments(iocop) == "")
        // English only: products without an English name keep their Vietnamese one.
        var english = FeedProfile.asean
        english.id = "asean-en"
        english.languages = [.en]
        let englishOnly = scratch.make()
        try await FeedExporter.export(store: data.store, profile: english, format: .jsonld, to: englishOnly, signingKey: testKey, asOf: date("2025-10-01"))
        #expect(try await validateFeedDocuments(englishOnly) == "")
        let csv = scratch.make()
        try await FeedExporter.export(store: data.store, profile: .asean, format: .csv, to: csv, signingKey: testKey, asOf: date("2025-10-01"))
        #expect(try await validateFeedDocuments(csv) == "")
    }

    /// Several daemons serve one national dataset behind a load balancer: a partner must get
    /// the same bytes (and so the same ETag) whichever answers, whenever it renders.
    @Test func renderingsOfOneSnapshotAreTheSameBytesWhenAndWhereverMade() async throws {
        var rng = SplitMix64(state: 17)
        let data = try Dataset()
        try data.fill(count: 12, rng: &rng)
        for format in [FeedFormat.jsonld, .csv] {
            let snapshot = try await FeedSnapshot.read(store: data.store, profile: .asean, since: nil, asOf: date("2025-10-01"))
            let first = try FeedExporter.render(snapshot, format: format, signingKey: testKey)
            try await Task.sleep(for: .milliseconds(30))
            let again = try await FeedSnapshot.read(store: data.store, profile: .asean, since: nil, asOf: date("2025-10-01"))
            let second = try FeedExporter.render(again, format: format, signingKey: testKey)
            #expect(first.files.map(\.path) == second.files.map(\.path))
            for (a, b) in zip(first.files, second.files) { #expect(a.data == b.data, "\(format) \(a.path) differs between renderings") }
        }
    }

    @Test func contentOfAProduct() async throws {
        let data = try Dataset()
        var rng = SplitMix64(state: 5)
        let coop = try data.addProducer(type: .cooperative, tenant: data.tenants[1], serial: 1, rng: &rng)
        let product = try data.addProduct(producer: coop, serial: 1, code: "1.4.a")
        let certificate = try data.certify(product, stars: 4, issuedOn: date("2025-03-01"))
        let snapshot = try await FeedSnapshot.read(store: data.store, profile: .asean, since: nil, asOf: date("2025-10-01"))
        #expect(snapshot.entries.count == 1)
        guard case .upsert(let item) = snapshot.entries.first else { Issue.record("no product"); return }
        #expect(item.certificate.id == certificate.id)
        #expect(item.provinceCode == "15" && item.provinceName == "Lào Cai")
        #expect(item.classificationLabelEn != nil && item.classificationLabelVi != nil)
        #expect(item.producer.id == coop.id && item.producer.taxID == coop.taxCode)
        let json = FeedDocuments.product(item, profile: .asean).serialized()
        #expect(json.contains("\"@id\":\"urn:uuid:\(product.id.uuidString.lowercased())\""))
        #expect(json.contains("\"validFrom\":\"2025-03-01\"") && json.contains("\"expires\":\"2028-03-01\""))
        #expect(json.contains("One Country One Priority Product"))
        #expect(json.contains("{\"@language\":\"vi\",\"@value\":\"Sản phẩm 1 \\\"đặc sản\\\"\"}"))
        // iOCOP publishes 4★ and up, without tax codes.
        let iocop = try await FeedSnapshot.read(store: data.store, profile: .iocop, since: nil, asOf: date("2025-10-01"))
        guard case .upsert(let other) = iocop.entries.first else { Issue.record("no product for iocop"); return }
        #expect(other.producer.taxID == nil)
    }

    /// Property: over random datasets with household producers full of personal data, named
    /// after their owners as real households are (Kinh and ethnic-minority names, with and
    /// without diacritics, also inside product names and descriptions), no personal value and
    /// no form of an owner's name ever appears in any output file of any format, full or
    /// incremental.
    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func noPersonalDataInAnyOutput(seed: UInt64) async throws {
        let scratch = Scratch()
        var rng = SplitMix64(state: seed)
        let data = try Dataset()
        try data.fill(count: 30, rng: &rng)
        var outputs: [URL] = []
        var cursors: [FeedFormat: FeedCursor] = [:]
        for round in 0..<3 {
            for format in FeedFormat.allCases {
                for profile in FeedProfile.builtIn {
                    let directory = scratch.make()
                    let result = try await FeedExporter.export(
                        store: data.store, profile: profile, format: format, since: profile.id == "asean" ? cursors[format] : nil,
                        to: directory, signingKey: testKey, asOf: try date("2025-09-01").adding(days: round * 200)
                    )
                    if profile.id == "asean" { cursors[format] = result.nextCursor }
                    outputs.append(directory)
                }
            }
            // Change things: new households, edited personal data, new certificates.
            for serial in 0..<5 {
                let producer = try data.addProducer(type: .household, tenant: data.tenants[serial % 3], serial: 100 * (round + 1) + serial, rng: &rng)
                let product = try data.addProduct(producer: producer, serial: 100 * (round + 1) + serial, code: leafCodes.randomElement(using: &rng)!)
                try data.certify(product, stars: 3, issuedOn: date("2025-06-01"))
            }
        }
        var householdEntries = 0
        for directory in outputs {
            for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
                let bytes = try Data(contentsOf: directory.appendingPathComponent(file))
                let text = String(decoding: bytes, as: UTF8.self)
                householdEntries += text.components(separatedBy: "household business").count - 1
                for value in data.personalValues {
                    #expect(!text.contains(value), "personal value \"\(value)\" found in \(directory.lastPathComponent)/\(file)")
                }
                for household in data.households.values {
                    #expect(!household.isNamed(in: text), "the owner of \"\(household.name)\" is named in \(directory.lastPathComponent)/\(file)")
                }
            }
        }
        #expect(householdEntries > 0, "the property needs household products in the feeds")
    }

    @Test func expiredAndRevokedDropOutAndRecertifiedComesBack() async throws {
        let scratch = Scratch()
        let data = try Dataset()
        var rng = SplitMix64(state: 7)
        let expiring = try data.addProduct(producer: data.addProducer(type: .household, tenant: data.tenants[0], serial: 1, rng: &rng), serial: 1, code: "1.1.a")
        let oldCertificate = try data.certify(expiring, stars: 3, issuedOn: date("2023-01-10"))  // expires 2026-01-10
        let revoked = try data.addProduct(producer: data.addProducer(type: .enterprise, tenant: data.tenants[1], serial: 2, rng: &rng), serial: 2, code: "2.1.a")
        let toRevoke = try data.certify(revoked, stars: 4, issuedOn: date("2025-02-01"))
        let steady = try data.addProduct(producer: data.addProducer(type: .cooperative, tenant: data.tenants[2], serial: 3, rng: &rng), serial: 3, code: "4.1")
        try data.certify(steady, stars: 4, issuedOn: date("2025-02-01"))

        func export(since: FeedCursor?, on day: String) async throws -> (ExportResult, [String: String?]) {
            let directory = scratch.make()
            let result = try await FeedExporter.export(store: data.store, profile: .asean, format: .jsonld, since: since, to: directory,
                                                 signingKey: testKey, asOf: date(day))
            return (result, try jsonEntries(in: directory))
        }
        let urn = { (product: Product) in "urn:uuid:" + product.id.uuidString.lowercased() }
        let (first, all) = try await export(since: nil, on: "2025-12-01")
        #expect(Set(all.keys) == [urn(expiring), urn(revoked), urn(steady)])

        try data.revoke(toRevoke)
        let (second, afterRevocation) = try await export(since: first.nextCursor, on: "2025-12-01")
        #expect(afterRevocation.count == 1)
        #expect(afterRevocation[urn(revoked)] == .some(nil), "a revoked certificate is a removal")

        // No write at all: the certificate lapses on 2026-01-11.
        let (third, afterExpiry) = try await export(since: second.nextCursor, on: "2026-02-01")
        #expect(afterExpiry.count == 1)
        #expect(afterExpiry[urn(expiring)] == .some(nil), "an expired certificate is a removal")
        let (_, full) = try await export(since: nil, on: "2026-02-01")
        #expect(Set(full.keys) == [urn(steady)])

        let renewed = try data.certify(expiring, stars: 4, issuedOn: date("2026-02-15"), replacing: oldCertificate)
        let (_, afterRenewal) = try await export(since: third.nextCursor, on: "2026-03-01")
        #expect(afterRenewal.count == 1)
        let document = try #require(afterRenewal[urn(expiring)] ?? nil)
        #expect(document.contains("urn:uuid:" + renewed.id.uuidString.lowercased()))
        #expect(!document.contains("urn:uuid:" + oldCertificate.id.uuidString.lowercased()))
        #expect(document.contains("\"ratingValue\":4"))
    }

    /// Property: a partner who takes a full export and then resumes from each cursor ends with
    /// exactly the full export of the final day, in both formats; resuming with nothing new
    /// gives nothing.
    @Test(arguments: [21, 22, 23] as [UInt64])
    func incrementalExportsAddUpToAFullExport(seed: UInt64) async throws {
        let scratch = Scratch()
        var rng = SplitMix64(state: seed)
        let data = try Dataset()
        try data.fill(count: 40, rng: &rng)
        var profile = FeedProfile.asean
        profile.pageSize = 7
        var day = date("2025-08-01")
        var copies: [FeedFormat: [String: String]] = [.jsonld: [:], .csv: [:]]
        var cursors: [FeedFormat: FeedCursor] = [:]
        func entries(_ format: FeedFormat, since: FeedCursor?) async throws -> (FeedCursor, [String: String?]) {
            let directory = scratch.make()
            let result = try await FeedExporter.export(store: data.store, profile: profile, format: format, since: since, to: directory,
                                                 signingKey: testKey, asOf: day)
            return (result.nextCursor, format == .jsonld ? try jsonEntries(in: directory) : try csvEntries(in: directory))
        }
        for step in 0..<6 {
            for format in FeedFormat.allCases {
                let (cursor, delta) = try await entries(format, since: cursors[format])
                fold(&copies[format]!, delta)
                cursors[format] = cursor
                // Resuming at once from the new cursor gives nothing: no duplicates.
                let (_, again) = try await entries(format, since: cursor)
                #expect(again.isEmpty, "step \(step): resuming from \(cursor) repeated \(again.count) entries")
            }
            // A night of changes: revocations, renewals, new products, edits, a deletion.
            for _ in 0..<4 {
                switch Int.random(in: 0..<5, using: &rng) {
                case 0:
                    if let certificate = data.certificates.randomElement(using: &rng) { try data.revoke(certificate) }
                case 1:
                    let product = data.products.randomElement(using: &rng)!
                    let previous = data.certificates.last { $0.productID == product.id }
                    try data.certify(product, stars: Int.random(in: 3...4, using: &rng), issuedOn: try day.adding(days: -1), replacing: previous)
                case 2:
                    var product = data.products.randomElement(using: &rng)!
                    product.nameEn = "Renamed \(Int.random(in: 0...1000, using: &rng))"
                    try data.store.replica.save(product)
                case 3:
                    let producer = try data.addProducer(type: .household, tenant: data.tenants[0], serial: 500 + step, rng: &rng)
                    let product = try data.addProduct(producer: producer, serial: 500 + step, code: "1.5.a")
                    try data.certify(product, stars: 3, issuedOn: day)
                default:
                    let product = data.products.randomElement(using: &rng)!
                    for certificate in data.certificates where certificate.productID == product.id {
                        try data.store.replica.delete(Certificate.self, id: certificate.id)
                    }
                    data.certificates.removeAll { $0.productID == product.id }
                    try data.store.replica.delete(Product.self, id: product.id)
                    data.products.removeAll { $0.id == product.id }
                }
            }
            day = try day.adding(days: Int.random(in: 30...200, using: &rng))
        }
        for format in FeedFormat.allCases {
            let (_, delta) = try await entries(format, since: cursors[format])
            fold(&copies[format]!, delta)
            let (_, full) = try await entries(format, since: nil)
            let expected = upserts(full), folded = copies[format]!
            let differing = Set(expected.keys).union(folded.keys).filter { expected[$0] != folded[$0] }
            #expect(differing.isEmpty, "\(format): incremental exports differ from the full export for \(differing.sorted())")
            #expect(!full.isEmpty)
        }
    }

    @Test func verificationCatchesTampering() async throws {
        let scratch = Scratch()
        var rng = SplitMix64(state: 3)
        let data = try Dataset()
        try data.fill(count: 10, rng: &rng)
        for format in FeedFormat.allCases {
            let directory = scratch.make()
            let result = try await FeedExporter.export(store: data.store, profile: .asean, format: format, to: directory, signingKey: testKey, asOf: date("2025-10-01"))
            let manifest = try FeedVerifier.verify(directory: directory, publicKey: testKey.publicKey)
            #expect(manifest.cursor == result.nextCursor)
            #expect(throws: FeedError.self) { try FeedVerifier.verify(directory: directory, publicKey: Curve25519.Signing.PrivateKey().publicKey) }

            let dataFile = directory.appendingPathComponent(result.files[0])
            let original = try Data(contentsOf: dataFile)
            var tampered = original
            tampered[tampered.count / 2] ^= 0x01
            try tampered.write(to: dataFile)
            #expect(throws: FeedError.self) { try FeedVerifier.verify(directory: directory, publicKey: testKey.publicKey) }
            try original.write(to: dataFile)
            try FeedVerifier.verify(directory: directory, publicKey: testKey.publicKey)

            let manifestFile = directory.appendingPathComponent(FeedManifest.fileName)
            let manifestData = try Data(contentsOf: manifestFile)
            try Data(String(decoding: manifestData, as: UTF8.self).replacingOccurrences(of: "\"upserts\": ", with: "\"upserts\": 1").utf8).write(to: manifestFile)
            #expect(throws: FeedError.self) { try FeedVerifier.verify(directory: directory, publicKey: testKey.publicKey) }
            try manifestData.write(to: manifestFile)

            try Data("extra".utf8).write(to: directory.appendingPathComponent("extra.csv"))
            #expect(throws: FeedError.self) { try FeedVerifier.verify(directory: directory, publicKey: testKey.publicKey) }
        }
    }

    /// The README's recipe: `openssl` verifies the manifest signature with the PEM public key.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")))
    func opensslVerifiesTheManifest() async throws {
        let scratch = Scratch()
        let data = try Dataset()
        let directory = scratch.make()
        try await FeedExporter.export(store: data.store, profile: .asean, format: .csv, to: directory, signingKey: testKey, asOf: date("2025-10-01"))
        let keyFile = scratch.make().appendingPathExtension("pem")
        try Data(FeedKeys.pem(testKey.publicKey).utf8).write(to: keyFile)
        func openssl(_ manifest: String) async throws -> Int32 {
            try await ChildProcess.run(URL(fileURLWithPath: "/usr/bin/openssl"), [
                "pkeyutl", "-verify", "-pubin", "-inkey", keyFile.path, "-rawin",
                "-in", directory.appendingPathComponent(manifest).path,
                "-sigfile", directory.appendingPathComponent(FeedManifest.signatureFileName).path,
            ]).status
        }
        #expect(try await openssl(FeedManifest.fileName) == 0)
        #expect(try await openssl("products.csv") != 0)
        // Keys round-trip through PEM.
        let reread = try FeedKeys.signingKey(from: Data(FeedKeys.pem(testKey).utf8))
        #expect(reread.publicKey.rawRepresentation == testKey.publicKey.rawRepresentation)
        #expect(try FeedKeys.publicKey(from: Data(contentsOf: keyFile)).rawRepresentation == testKey.publicKey.rawRepresentation)
    }

    /// Once the store forgets deleted rows (tombstone collection), a cursor from before then
    /// could miss a removal: it is refused, and a full export is the way back.
    @Test func cursorsOlderThanCollectedTombstonesAreRefused() async throws {
        var rng = SplitMix64(state: 9)
        let data = try Dataset()
        try data.fill(count: 6, rng: &rng)
        let old = try await FeedSnapshot.read(store: data.store, profile: .asean, since: nil, asOf: date("2025-10-01")).cursor
        let gone = data.products[0]
        for certificate in data.certificates where certificate.productID == gone.id {
            try data.store.replica.delete(Certificate.self, id: certificate.id)
        }
        try data.store.replica.delete(Product.self, id: gone.id)
        // Every replica has pulled everything: the deletions may be collected.
        let account = try #require(try await data.store.account(user: data.tenants[0].uuidString.lowercased()))
        let replica = ReplicaID.random()
        _ = try await data.store.openSession(replica: replica, account: account)
        let principal = Principal(replica: replica, role: .province, tenantID: data.tenants[0])
        let page = try await data.store.pull(after: 0, limit: 100_000, for: principal)
        _ = try await data.store.pull(after: page.nextCursor, limit: 1, for: principal)
        #expect(try await data.store.collectTombstones() > 0)

        await #expect(throws: FeedError.self) {
            try await FeedSnapshot.read(store: data.store, profile: .asean, since: old, asOf: date("2025-10-01"))
        }
        let fresh = try await FeedSnapshot.read(store: data.store, profile: .asean, since: nil, asOf: date("2025-10-01"))
        #expect(!fresh.entries.contains { $0.id == gone.id })
        let resumed = try await FeedSnapshot.read(store: data.store, profile: .asean, since: fresh.cursor, asOf: date("2025-10-01"))
        #expect(resumed.entries.isEmpty)
    }

    @Test func cursorsAndProfilesAreData() async throws {
        #expect(FeedCursor("12@2026-01-02") == FeedCursor(sequence: 12, date: date("2026-01-02")))
        #expect(FeedCursor("12") == nil && FeedCursor("x@2026-01-02") == nil)
        let encoded = try JSONEncoder().encode(FeedProfile.iocop)
        #expect(try JSONDecoder().decode(FeedProfile.self, from: encoded) == .iocop)
        let data = try Dataset()
        await #expect(throws: FeedError.self) {
            try await FeedSnapshot.read(store: data.store, profile: .asean, since: FeedCursor(sequence: 999_999, date: date("2025-01-01")), asOf: date("2025-02-01"))
        }
    }
}

@Suite struct FeedJSONTests {
    @Test("strings with quotes, backslashes, controls, line separators and Vietnamese round-trip through a JSON parser")
    func escaping() throws {
        let texts = ["plain", "Chè \"Shan\" tuyết", "a\\b", "line\nbreak\r\ttab", "\u{01}\u{1F}", "js\u{2028}and\u{2029}", "Đà Lạt ☕️ 🇻🇳", ""]
        for pretty in [false, true] {
            let document = FeedJSON.object(texts.enumerated().map { ("k\($0.offset)", FeedJSON.string($0.element)) })
            let text = document.serialized(pretty: pretty)
            #expect(!text.contains("\u{2028}") && !text.contains("\u{01}"))
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String])
            for (index, value) in texts.enumerated() { #expect(parsed["k\(index)"] == value) }
        }
        #expect(FeedJSON.array([.int(1), .bool(true), .null, .object([])]).serialized() == "[1,true,null,{}]")
        #expect(FeedJSON.object([("a", FeedJSON.array([.int(1)]))]).serialized(pretty: true) == "{\n  \"a\": [\n    1\n  ]\n}")
        #expect(FeedJSON.string("\u{1F}").serialized() == "\"\\u001f\"")
    }
}
