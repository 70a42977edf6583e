import ArgumentParser
import Foundation
import OCOPFeeds

/// `ocop verify-feed`: what a partner runs on an export it received.
struct VerifyFeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-feed",
        abstract: "Check an exported feed: the manifest's Ed25519 signature, every file's SHA-256, no extra files.",
        discussion: "Exit 0 when the export is intact and signed by the key; 1 when verification fails; 2 when a file cannot be read."
    )

    @Argument(help: ArgumentHelp("The export directory.", valueName: "dir")) var directory: String
    @Option(help: ArgumentHelp("The publisher's Ed25519 public key (PEM or 32 raw bytes).", valueName: "file"))
    var publicKey: String

    func run() throws {
        guard let keyData = FileManager.default.contents(atPath: publicKey) else { throw CLIError.notFound("\(publicKey): cannot read the public key file") }
        do {
            let key = try FeedKeys.publicKey(from: keyData)
            let manifest = try FeedVerifier.verify(directory: URL(fileURLWithPath: directory), publicKey: key)
            print("OK: \(manifest.files.count) file(s) of feed \(manifest.profile) match the signed manifest (cursor \(manifest.cursor), \(manifest.counts.upserts) upsert(s), \(manifest.counts.removals) removal(s)).")
        } catch let error as FeedError {
            switch error {
            case .verificationFailed: throw CLIError.badData(error.description)
            default: throw CLIError.notFound(error.description)
            }
        }
    }
}
