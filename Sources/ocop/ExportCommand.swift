import ArgumentParser
import Foundation
import OCOPFeeds
import OCOPModel
import OCOPStore

/// `ocop export`: a partner feed from the national store, as signed files.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a partner feed (certified products, no personal data) from the national store as signed files.",
        discussion: """
            Writes JSON-LD pages (page-00001.jsonld, ...) or products.csv, catalog.jsonld (DCAT), \
            manifest.json (SHA-256 of every file) and manifest.json.sig (Ed25519). Without --since \
            everything in the feed is exported; with the cursor printed by the previous export, only \
            additions, changes and removals since then. Keys: `openssl genpkey -algorithm ed25519 -out key.pem`. \
            Partners check an export with `ocop verify-feed` or openssl (see Sources/OCOPFeeds/README.md).
            """
    )

    @Option(
        name: [.customLong("national"), .customLong("store")],
        help: ArgumentHelp("The national dataset: the sync daemon's store file (--store is the same).", valueName: "path")
    )
    var store: String
    @Option(help: ArgumentHelp("Built-in profile: \(FeedProfile.builtIn.map(\.id).joined(separator: ", ")).", valueName: "name"))
    var feed: String = "asean"
    @Option(help: ArgumentHelp("A profile in a JSON file instead of a built-in one.", valueName: "file"))
    var profile: String?
    @Option(help: "jsonld or csv.") var format: String = "jsonld"
    @Option(help: ArgumentHelp("Resume from the cursor of the previous export (<seq>@<YYYY-MM-DD>).", valueName: "cursor"))
    var since: String?
    @Option(help: ArgumentHelp("Empty directory to write to (created if missing).", valueName: "dir"))
    var out: String
    @Option(help: ArgumentHelp("Ed25519 private key (PEM or 32 raw bytes).", valueName: "file"))
    var key: String
    @Option(help: ArgumentHelp("Judge certificates on this day instead of today (YYYY-MM-DD).", valueName: "date"))
    var asOf: String?
    @Option(help: ArgumentHelp("Where the national store's public site is (ocop-syncd's http.publicURL): products link their page and photos there.",
                               valueName: "url"))
    var baseURL: String?
    @Flag(help: "Print the result as JSON.") var json = false

    func validate() throws {
        if let problem = baseURL.flatMap(DigitalLink.baseProblem) { throw ArgumentParser.ValidationError("--base-url " + problem) }
    }

    func run() async throws {
        let feedProfile: FeedProfile
        if let profile {
            guard let data = FileManager.default.contents(atPath: profile) else { throw CLIError.notFound("\(profile): cannot read the profile file") }
            do { feedProfile = try JSONDecoder().decode(FeedProfile.self, from: data) } catch {
                throw CLIError.badData("\(profile): not a feed profile: \(error)")
            }
        } else {
            guard let builtIn = FeedProfile.named(feed) else {
                throw CLIError.usage("unknown feed \"\(feed)\"; choose one of \(FeedProfile.builtIn.map(\.id).joined(separator: ", ")) or give --profile FILE")
            }
            feedProfile = builtIn
        }
        guard let feedFormat = FeedFormat(rawValue: format) else { throw CLIError.usage("--format must be jsonld or csv, got \"\(format)\"") }
        var cursor: FeedCursor?
        if let since {
            guard let parsed = FeedCursor(since) else { throw CLIError.usage("--since \"\(since)\" is not a cursor: expected <seq>@<YYYY-MM-DD> as printed by the previous export") }
            cursor = parsed
        }
        var day = LocalDate(Date())
        if let asOf {
            guard let parsed = LocalDate(asOf) else { throw CLIError.usage("--as-of \"\(asOf)\" is not a date: expected YYYY-MM-DD") }
            day = parsed
        }
        guard let keyData = FileManager.default.contents(atPath: key) else { throw CLIError.notFound("\(key): cannot read the key file") }
        guard FileManager.default.fileExists(atPath: store) else { throw CLIError.notFound("no national store at \(store)") }

        let showProgress = isatty(STDERR_FILENO) != 0 && !json
        do {
            let signingKey = try FeedKeys.signingKey(from: keyData)
            let nationalStore = try SQLiteNationalStore.open(at: store)
            let result = try await FeedExporter.export(
                store: nationalStore, profile: feedProfile, format: feedFormat, since: cursor,
                to: URL(fileURLWithPath: out), signingKey: signingKey, asOf: day,
                links: baseURL.map { FeedLinks(base: $0.trimmingCharacters(in: .whitespaces)) },
                progress: { progress in
                    guard showProgress else { return }
                    StandardError.write("\rwritten \(progress.entriesWritten) of \(progress.entriesTotal) entries…   ")
                }
            )
            if showProgress { StandardError.write("\n") }
            if json {
                try printJSON(.object([
                    "feed": .string(feedProfile.id), "format": .string(feedFormat.rawValue),
                    "since": cursor.map { .string($0.description) } ?? .null,
                    "cursor": .string(result.nextCursor.description),
                    "upserts": .int(result.counts.upserts), "removals": .int(result.counts.removals),
                    "files": .array(result.files.map(JSONValue.string)),
                ]))
            } else {
                print("Exported feed \(feedProfile.id) (\(feedFormat.rawValue)) to \(out): \(result.counts.upserts) product(s) added or changed, \(result.counts.removals) removed, \(result.files.count) file(s).")
                print("Next cursor: \(result.nextCursor)  (pass it as --since next time)")
            }
        } catch let error as FeedError {
            if showProgress { StandardError.write("\n") }
            switch error {
            case .invalidCursor: throw CLIError.usage(error.description)
            case .cursorExpired: throw CLIError.notFound(error.description)
            case .invalidKey, .io: throw CLIError.notFound(error.description)
            case .verificationFailed, .invalidDate: throw CLIError.badData(error.description)
            }
        }
    }
}
