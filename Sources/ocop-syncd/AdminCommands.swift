import ArgumentParser
import Foundation
import OCOPModel
import OCOPNetwork
import OCOPStore
import OCOPSync

struct Tenant: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Administer province accounts.",
        subcommands: [Add.self, RotateSecret.self, Disable.self, Enable.self, List.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a province: prints its tenant id and a new secret (shown once; only a verifier is stored)."
        )
        @OptionGroup var options: DaemonOptions
        @Option(help: "Province code in force today (the 2025 table), two digits, e.g. 01.") var code: String
        @Option(help: "Province name, e.g. \"Hà Nội\"; checked against the code. Default: the table's name.") var name: String?
        @Option(help: "Read the secret from this file instead of generating one.") var secretFile: String?

        func run() async throws {
            // Check before touching the store, so a wrong code creates nothing.
            let date = LocalDate(Date())
            do { _ = try ProvinceAdmission.check(code: code, name: name, on: date) } catch {
                throw ValidationError("--\(error.field.rawValue): \(error.message)")
            }
            let store = try await options.openStore(try options.load())
            let secret = try readSecret(secretFile)
            let tenant = try await store.addCheckedProvince(code: code, name: name, verifier: ScramVerifier.make(secret: secret), on: date)
            print("tenant: \(tenant.uuidString.lowercased())")
            if secretFile == nil { print("secret: \(secret)") }
        }
    }

    struct RotateSecret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give an account a new secret; the old one stops working at once.")
        @OptionGroup var options: DaemonOptions
        @Argument(help: "The account: a province code (01), a tenant id, or central.") var user: String
        @Option(help: "Read the new secret from this file instead of generating one.") var secretFile: String?

        func run() async throws {
            let store = try await options.existingStore()
            let secret = try readSecret(secretFile)
            try await store.rotateSecret(user: try await account(user, in: store), verifier: ScramVerifier.make(secret: secret))
            if secretFile == nil { print("secret: \(secret)") }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop an account from logging in.")
        @OptionGroup var options: DaemonOptions
        @Argument(help: "The account: a province code (01), a tenant id, or central.") var user: String
        func run() async throws {
            let store = try await options.existingStore()
            let account = try await account(user, in: store)
            try await store.setEnabled(user: account, false)
            print("disabled \(account): it cannot log in, and its open sessions end at their next request")
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let a disabled account log in again.")
        @OptionGroup var options: DaemonOptions
        @Argument(help: "The account: a province code (01), a tenant id, or central.") var user: String
        func run() async throws {
            let store = try await options.existingStore()
            let account = try await account(user, in: store)
            try await store.setEnabled(user: account, true)
            print("enabled \(account): it can log in again")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts with their province and last sync.")
        @OptionGroup var options: DaemonOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let accounts = try await options.existingStore().accounts()
            if json { return try printJSON(accounts) }
            print(pad("CODE", 5) + pad("NAME", 22) + pad("ACCOUNT", 38) + pad("ENABLED", 8) + pad("REPLICAS", 9) + "LAST SYNC")
            for account in accounts {
                print(pad(account.code ?? "-", 5) + pad(account.name ?? account.role.rawValue, 22) + pad(account.user, 38)
                      + pad(account.isEnabled ? "yes" : "no", 8) + pad(String(account.replicas), 9) + (account.lastSyncAt ?? "never"))
            }
        }
    }
}

struct Central: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Administer the central office's account.", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create the central office account (user \"central\"); prints its secret once.")
        @OptionGroup var options: DaemonOptions
        @Option(help: "Read the secret from this file instead of generating one.") var secretFile: String?

        func run() async throws {
            let store = try await options.openStore(try options.load())
            let secret = try readSecret(secretFile)
            try await store.addCentralAccount(verifier: ScramVerifier.make(secret: secret))
            print("user: central")
            if secretFile == nil { print("secret: \(secret)") }
        }
    }
}

struct ForgetReplica: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget-replica",
        abstract: "Forget a retired replica so it no longer holds back tombstone collection (see `status`)."
    )
    @OptionGroup var options: DaemonOptions
    @Argument(help: "The replica id, as `status` prints it.") var replica: String

    func run() async throws {
        guard let id = ReplicaID(string: replica) else { throw ValidationError("'\(replica)' is not a replica id (a UUID)") }
        try await options.existingStore().forgetReplica(id)
        print("forgot replica \(id)")
    }
}

struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a consistent copy of the national dataset while the daemon runs (SQLite online backup), and of the feed signing key.",
        discussion: """
            The feed signing key (http.feedSigningKey, default feed-signing-key.pem in the data directory) is copied \
            to DESTINATION.feed-signing-key.pem, mode 0600: partners trust that key, so losing it means giving them a new one.
            """
    )
    @OptionGroup var options: DaemonOptions
    @Argument(help: "Destination file; must not exist.") var destination: String

    func run() async throws {
        let configuration = try options.load()
        let store = try await options.openExistingStore(configuration)
        let keyCopy = BackupFiles.signingKeyCopy(of: destination)
        // Problems with the destination are the operator's to fix, said plainly (exit 1), never a
        // usage error or an SQLite code.
        let folder = URL(fileURLWithPath: destination).deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw ConfigurationError(message: "backup: the folder \(folder) does not exist; create it first or choose another destination")
        }
        for path in [destination, keyCopy] where FileManager.default.fileExists(atPath: path) {
            throw ConfigurationError(message: "backup: \(path) already exists; a backup never overwrites one — choose a new name")
        }
        guard FileManager.default.isWritableFile(atPath: folder) else {
            throw ConfigurationError(message: "backup: cannot write in \(folder) (permissions)")
        }
        try await store.backup(to: destination)
        print("backup written to \(destination)")
        if let key = FileManager.default.contents(atPath: configuration.feedSigningKeyPath) {
            guard FileManager.default.createFile(atPath: keyCopy, contents: key, attributes: [.posixPermissions: 0o600]) else {
                throw ValidationError("cannot write \(keyCopy)")
            }
            print("feed signing key copied to \(keyCopy)")
        } else {
            // No key yet: the HTTP server has never started (it creates the default key).
            print("no feed signing key at \(configuration.feedSigningKeyPath) (the HTTP server has not created one); nothing else to copy")
        }
    }
}

/// Names of the files a backup consists of.
enum BackupFiles {
    /// Where `backup DEST` puts the feed signing key: beside the dataset, so that the two are
    /// copied, kept and pruned together.
    static func signingKeyCopy(of destination: String) -> String { destination + ".feed-signing-key.pem" }
}

struct CredentialChangesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credential-changes",
        abstract: "Before a restore: list credentials that changed after the backup, and re-revoke them in the restored copy.",
        discussion: """
            A backup holds the API tokens and account verifiers of its day. Restoring it brings back tokens revoked, \
            secrets rotated and accounts disabled since then, and loses tokens and accounts added since. \
            ocop-restore.sh runs this with the dataset being replaced (--current) and the checked copy of the \
            backup (--restored); --reapply-revocations revokes again, in the restored copy, what was revoked since \
            (rotated accounts get their newer verifier, so the province's current secret keeps working).
            """
    )
    @Option(help: "The national dataset being replaced (national.sqlite, daemon stopped).") var current: String
    @Option(help: "The copy of the backup that will be put in place.") var restored: String
    @Flag(help: "Revoke again in the restored copy what was revoked, rotated or disabled after the backup.") var reapplyRevocations = false
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let changes = try CredentialChanges.between(current: current, restored: restored)
        let applied = reapplyRevocations ? try CredentialChanges.reapplyRevocations(changes, current: current, restored: restored) : 0
        if json { return try printJSON(changes) }
        guard !changes.isEmpty else { return print("credentials: no changes since the backup") }
        let revocations = changes.filter(\.isRevocation)
        for change in changes { print("\(change.isRevocation && !reapplyRevocations ? "warning" : "note"): \(change)") }
        if reapplyRevocations {
            print("credentials: reapplied \(applied) revocation(s) to \(restored)")
        } else if !revocations.isEmpty {
            print("credentials: the restore brings back \(revocations.count) revoked credential(s); add --reapply-revocations to revoke them again")
        }
    }
}

struct CollectTombstones: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Remove tombstones every replica of every enabled account has pulled past, and attachments' files no row refers to."
    )
    @OptionGroup var options: DaemonOptions

    func run() async throws {
        let configuration = try options.load()
        let store = try await options.openExistingStore(configuration)
        let removed = try await store.collectTombstones()
        print("tombstones removed: \(removed)")
        let files = NationalFileDirectory(path: configuration.attachmentFilesPath)
        let freed = try files.collect(keeping: try await store.referencedFileHashes())
        print("attachment files removed: \(freed.files) (\(freed.bytes) bytes)")
    }
}

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show each replica's cursors and counters.")
    @OptionGroup var options: DaemonOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let statuses = try await options.existingStore().replicaStatuses()
        if json { return try printJSON(statuses) }
        print(pad("CODE", 5) + pad("PROVINCE", 22) + pad("REPLICA", 38) + pad("ACKED", 8) + pad("CURSOR", 8) + pad("MERGED", 8) + "LAST PUSH")
        for status in statuses {
            // The central office (and an account whose province is gone) shows its user name.
            print(pad(status.code ?? "-", 5) + pad(status.name ?? status.user, 22) + pad(status.replica, 38) + pad(String(status.acknowledgedThrough), 8)
                  + pad(String(status.pulledCursor), 8) + pad(String(status.changesMerged), 8) + (status.lastPushAt ?? "never"))
        }
    }
}

func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
}

func readSecret(_ file: String?) throws -> String {
    guard let file else { return DaemonFiles.newAccountSecret() }
    let text = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    guard text.count >= 16 else { throw ValidationError("\(file): a secret must have at least 16 characters") }
    return text
}

/// Prints JSON for scripts: pretty, keys sorted, UTF-8 text and `/` unescaped, keys in
/// snake_case like the reports and the HTTP API (`tenant_id`, `last_sync_at`).
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// The account user name for what an operator typed: a province code (`01`) as `tenant list`
/// shows it, a tenant id in any case, or `central`.
func account(_ typed: String, in store: any NationalAdministration) async throws -> String {
    let lowered = typed.lowercased()
    guard typed.count <= 3, typed.allSatisfy(\.isNumber) else { return lowered }
    // A province's own account is named after its tenant; an inspection office's is not.
    let matches = try await store.accounts().filter { $0.code == typed && $0.user == $0.tenantID?.uuidString.lowercased() }
    guard let match = matches.first else {
        throw ValidationError("no province account with code \(typed); `ocop-syncd tenant list` shows the codes and accounts")
    }
    return match.user
}
