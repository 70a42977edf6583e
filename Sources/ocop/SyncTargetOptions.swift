import ArgumentParser
import Foundation
import OCOPNetwork
import OCOPReplica

/// Where and as whom a replica syncs: the options `ocop sync` and `ocop serve` share.
struct SyncTargetOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The daemon as HOST:PORT (default: $OCOP_SERVER, else 127.0.0.1:7468).", valueName: "host:port"))
    var server: String?

    @Option(help: ArgumentHelp("The account (default: $OCOP_USER, else the replica's tenant id, or central).", valueName: "user"))
    var user: String?

    @Option(help: ArgumentHelp("A file holding the account's secret (default: $OCOP_SECRET_FILE).", valueName: "path"))
    var secretFile: String?

    @Flag(help: "Sync over TLS (for links that leave the building).")
    var tls = false

    @Option(help: ArgumentHelp("Trust this CA certificate (PEM) for TLS instead of the system's roots.", valueName: "path"))
    var caFile: String?

    /// The client's settings for `replica` (whose files are kept beside `path`). With
    /// `required` false, nil when no server is named (neither the option nor the environment).
    /// Why a file cannot be read, in the words a user acts on.
    private static func why(_ path: String) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return "no such file" }
        if isDirectory.boolValue { return "it is a directory" }
        if !FileManager.default.isReadableFile(atPath: path) { return "permission denied" }
        return "it is not UTF-8 text"
    }

    func configuration(for replica: Replica, at path: String, required: Bool = true) throws -> SyncClientConfiguration? {
        let environment = ProcessInfo.processInfo.environment
        guard let address = server ?? environment["OCOP_SERVER"] ?? (required ? "127.0.0.1:7468" : nil) else { return nil }
        let parts = address.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]) else { throw CLIError.usage("--server must be HOST:PORT, got '\(address)'") }
        guard let secretPath = secretFile ?? environment["OCOP_SECRET_FILE"] else {
            throw CLIError.usage("give the account's secret with --secret-file PATH (or set OCOP_SECRET_FILE)")
        }
        let secret: String
        do {
            secret = try String(contentsOfFile: secretPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            throw CLIError.notFound("\(secretPath): cannot read the secret file (\(Self.why(secretPath)))")
        }
        let account = user ?? environment["OCOP_USER"] ?? replica.tenantID?.uuidString.lowercased() ?? "central"
        var configuration = SyncClientConfiguration(host: String(parts[0]), port: port, user: account, secret: secret)
        configuration.useTLS = tls
        configuration.caFile = caFile
        configuration.files = AttachmentFiles.beside(replicaAt: path)
        return configuration
    }
}
