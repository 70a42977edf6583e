import Crypto
import Foundation
import OCOPModel
import OCOPStore

/// The file formats of an export.
public enum FeedFormat: String, Sendable, Hashable, Codable, CaseIterable {
    /// schema.org `DataFeed` pages of `Product`s in JSON-LD (`page-00001.jsonld`, ...).
    case jsonld
    /// One CSV file (`products.csv`, RFC 4180, UTF-8, CRLF).
    case csv
}

/// Progress of an export, for a progress display.
public struct FeedProgress: Sendable, Hashable {
    public var entriesWritten: Int
    public var entriesTotal: Int
}

/// What an export wrote.
public struct ExportResult: Sendable, Hashable {
    /// Every file written, manifest and signature last, as paths relative to the directory.
    public var files: [String]
    /// The cursor to pass as `since` next time.
    public var nextCursor: FeedCursor
    public var counts: FeedCounts
}

/// One file of an export.
public struct FeedFile: Sendable, Hashable {
    /// The file name, e.g. `page-00001.jsonld`.
    public var path: String
    public var mediaType: String
    public var data: Data
}

/// An export rendered in memory, manifest and signature last.
public struct RenderedExport: Sendable, Hashable {
    public var files: [FeedFile]
    public var cursor: FeedCursor
    public var counts: FeedCounts

    /// The file named `path`, if the export has one.
    public func file(named path: String) -> FeedFile? { files.first { $0.path == path } }
}

/// Writes a feed to a directory: pages or CSV, a DCAT catalogue (`catalog.jsonld`), and a
/// manifest of SHA-256 hashes signed with Ed25519.
public enum FeedExporter {
    /// Exports `profile` from `store` into `directory` (created if needed; must not already
    /// hold an export).
    ///
    /// - Parameters:
    ///   - since: the cursor of the partner's previous export; `nil` for everything.
    ///   - date: the day certificates are judged on (default: today in Viet Nam).
    @discardableResult
    public static func export(
        store: any NationalReads, profile: FeedProfile, format: FeedFormat, since: FeedCursor? = nil,
        to directory: URL, signingKey: Curve25519.Signing.PrivateKey, asOf date: LocalDate = LocalDate(Date()),
        links: FeedLinks? = nil, reference: ReferenceData = .standard, progress: (@Sendable (FeedProgress) -> Void)? = nil
    ) async throws -> ExportResult {
        let snapshot = try await FeedSnapshot.read(store: store, profile: profile, since: since, asOf: date, links: links, reference: reference)
        return try write(snapshot, format: format, to: directory, signingKey: signingKey, progress: progress)
    }

    /// Writes an already-read snapshot (see ``FeedSnapshot/read(store:profile:since:asOf:reference:)``).
    @discardableResult
    public static func write(
        _ snapshot: FeedSnapshot, format: FeedFormat, to directory: URL, signingKey: Curve25519.Signing.PrivateKey,
        progress: (@Sendable (FeedProgress) -> Void)? = nil
    ) throws -> ExportResult {
        let manager = FileManager.default
        do {
            try manager.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw FeedError.io("cannot create \(directory.path): \(error.localizedDescription)")
        }
        if manager.fileExists(atPath: directory.appendingPathComponent(FeedManifest.fileName).path) {
            throw FeedError.io("\(directory.path) already holds an export (\(FeedManifest.fileName)); choose an empty directory")
        }
        let export = try render(snapshot, format: format, signingKey: signingKey, progress: progress)
        for file in export.files {
            let url = directory.appendingPathComponent(file.path)
            do { try file.data.write(to: url, options: .atomic) } catch {
                throw FeedError.io("cannot write \(url.path): \(error.localizedDescription)")
            }
        }
        return ExportResult(files: export.files.map(\.path), nextCursor: snapshot.cursor, counts: export.counts)
    }

    /// Renders an export in memory: the same files ``write(_:format:to:signingKey:progress:)``
    /// writes (pages or CSV, catalogue, manifest, signature), byte for byte; the HTTP feed
    /// serves these.
    public static func render(
        _ snapshot: FeedSnapshot, format: FeedFormat, signingKey: Curve25519.Signing.PrivateKey,
        progress: (@Sendable (FeedProgress) -> Void)? = nil
    ) throws -> RenderedExport {
        let generatedAt = snapshot.issued
        var written: [FeedFile] = []
        let total = snapshot.entries.count
        switch format {
        case .jsonld:
            let size = max(snapshot.profile.pageSize, 1)
            let pageCount = max(1, (total + size - 1) / size)
            for number in 1...pageCount {
                let slice = snapshot.entries[min((number - 1) * size, total)..<min(number * size, total)]
                let document = FeedDocuments.page(slice, snapshot: snapshot, number: number, count: pageCount)
                written.append(FeedFile(path: pageName(number), mediaType: "application/ld+json", data: Data(document.serialized(pretty: true).utf8)))
                progress?(FeedProgress(entriesWritten: min(number * size, total), entriesTotal: total))
            }
        case .csv:
            var text = FeedDocuments.csvLine(FeedDocuments.csvHeader(profile: snapshot.profile))
            for (index, entry) in snapshot.entries.enumerated() {
                text += FeedDocuments.csvLine(FeedDocuments.csvRow(entry, snapshot: snapshot))
                if (index + 1) % 1000 == 0 { progress?(FeedProgress(entriesWritten: index + 1, entriesTotal: total)) }
            }
            // A byte-order mark: spreadsheet programs read a file without one in the machine's
            // legacy code page, which garbles Vietnamese.
            written.append(FeedFile(path: "products.csv", mediaType: "text/csv", data: Data(("\u{FEFF}" + text).utf8)))
            let metadata = FeedDocuments.csvMetadata(profile: snapshot.profile, csvFile: "products.csv")
            written.append(FeedFile(path: "products.csv-metadata.json", mediaType: "application/csvm+json",
                                    data: Data(metadata.serialized(pretty: true).utf8)))
            progress?(FeedProgress(entriesWritten: total, entriesTotal: total))
        }
        let catalog = FeedDocuments.catalog(
            snapshot: snapshot, files: written.map { ($0.path, $0.mediaType, $0.data.count) }, generatedAt: generatedAt
        )
        written.append(FeedFile(path: "catalog.jsonld", mediaType: "application/ld+json", data: Data(catalog.serialized(pretty: true).utf8)))

        let removals = snapshot.entries.filter { if case .removal = $0 { return true } else { return false } }.count
        let counts = FeedCounts(upserts: total - removals, removals: removals)
        let manifest = FeedManifest(
            format: FeedManifest.formatName, profile: snapshot.profile.id, since: snapshot.since, cursor: snapshot.cursor,
            generatedAt: generatedAt, counts: counts,
            files: written.map { ManifestFile(path: $0.path, sha256: sha256Hex($0.data), bytes: $0.data.count) }
        )
        let manifestData = Data(manifest.json.serialized(pretty: true).utf8)
        let signature: Data
        do { signature = try signingKey.signature(for: manifestData) } catch {
            throw FeedError.invalidKey("signing failed: \(error)")
        }
        written.append(FeedFile(path: FeedManifest.fileName, mediaType: "application/json", data: manifestData))
        written.append(FeedFile(path: FeedManifest.signatureFileName, mediaType: "application/octet-stream", data: signature))
        return RenderedExport(files: written, cursor: snapshot.cursor, counts: counts)
    }

    static func pageName(_ number: Int) -> String {
        let digits = String(number)
        return "page-" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits + ".jsonld"
    }
}

/// Checks an export: the manifest's signature with the publisher's public key, then every
/// listed file's size and SHA-256, and that no other file is present.
public enum FeedVerifier {
    /// Returns the verified manifest; throws ``FeedError/verificationFailed(_:)`` naming the
    /// first problem.
    @discardableResult
    public static func verify(directory: URL, publicKey: Curve25519.Signing.PublicKey) throws -> FeedManifest {
        func read(_ name: String) throws -> Data {
            do { return try Data(contentsOf: directory.appendingPathComponent(name)) } catch {
                throw FeedError.verificationFailed("cannot read \(name) in \(directory.path)")
            }
        }
        let manifestData = try read(FeedManifest.fileName)
        let signature = try read(FeedManifest.signatureFileName)
        guard publicKey.isValidSignature(signature, for: manifestData) else {
            throw FeedError.verificationFailed("\(FeedManifest.signatureFileName) is not a valid signature of \(FeedManifest.fileName) by this key")
        }
        let manifest: FeedManifest
        do { manifest = try JSONDecoder().decode(FeedManifest.self, from: manifestData) } catch {
            throw FeedError.verificationFailed("\(FeedManifest.fileName) is signed but unreadable: \(error)")
        }
        guard manifest.format == FeedManifest.formatName else {
            throw FeedError.verificationFailed("unknown manifest format \(manifest.format)")
        }
        for file in manifest.files {
            guard !file.path.isEmpty, !file.path.contains("/"), !file.path.contains("\\"), file.path != "..", !file.path.hasPrefix(".") else {
                throw FeedError.verificationFailed("the manifest names an unsafe path \"\(file.path)\"")
            }
            let data = try read(file.path)
            guard data.count == file.bytes else {
                throw FeedError.verificationFailed("\(file.path) has \(data.count) bytes, the manifest says \(file.bytes)")
            }
            guard sha256Hex(data) == file.sha256 else {
                throw FeedError.verificationFailed("\(file.path) does not match its SHA-256 in the manifest")
            }
        }
        let listed = Set(manifest.files.map(\.path) + [FeedManifest.fileName, FeedManifest.signatureFileName])
        let present = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        if let extra = present.sorted().first(where: { !listed.contains($0) }) {
            throw FeedError.verificationFailed("\(extra) is not listed in the manifest")
        }
        return manifest
    }
}
