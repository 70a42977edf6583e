import ArgumentParser
import Foundation
import OCOPNetwork
import OCOPStore
import OCOPSync

struct Tenant: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Administer province accounts.",
        subcommands: [Add.self, RotateSecret.self, Disable.self, Enable.self, List.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a province: prints its tenant id and a new secret (shown once; only a verifier is stored)."
        )
        @OptionGroup var options: DaemonOptions
        @Option(help: "Province code from the 2025 table, e.g. 01.") var code: String
        @Option(help: "Province name, e.g. \"Hà Nội\".") var name: String
        @Option(help: "Read the secret from this file instead of generating one.") var secretFile: String?

        func run() throws {
            let store = try options.openStore(try options.load())
            let secret = try readSecret(secretFile)
            let tenant = try store.addProvince(code: code, name: name, verifier: ScramVerifier.make(secret: secret))
            print("tenant: \(tenant.uuidString.lowercased())")
            if secretFile == nil { print("secret: \(secret)") }
        }
    }

    struct RotateSecret: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give an account a new secret; the old one stops working at once.")
        @OptionGroup var options: DaemonOptions
        @Argument(help: "The account: a tenant id, or central.") var user: String
        @Option(help: "Read the new secret from this file instead of generating one.") var secretFile: String?

        func run() throws {
            let store = try options.openStore(try options.load())
            let secret = try readSecret(secretFile)
            try store.rotateSecret(user: user.lowercased(), verifier: ScramVerifier.make(secret: secret))
            if secretFile == nil { print("secret: \(secret)") }
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop an account from logging in.")
        @OptionGroup var options: DaemonOptions
        @Argument(help: "The account: a tenant id, or central.") var user: String
        func run() throws { try options.openStore(try options.load()).setEnabled(user: user.lowercased(), false) }
    }

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let a disabled account log in again.")
        @OptionGroup var options: DaemonOptions
        @Argument(help: "The account: a tenant id, or central.") var user: String
        func run() throws { try options.openStore(try options.load()).setEnabled(user: user.lowercased(), true) }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts with their province and last sync.")
        @OptionGroup var options: DaemonOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let accounts = try options.openStore(try options.load()).accounts()
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

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create the central office account (user \"central\"); prints its secret once.")
        @OptionGroup var options: DaemonOptions
        @Option(help: "Read the secret from this file instead of generating one.") var secretFile: String?

        func run() throws {
            let store = try options.openStore(try options.load())
            let secret = try readSecret(secretFile)
            try store.addCentralAccount(verifier: ScramVerifier.make(secret: secret))
            print("user: central")
            if secretFile == nil { print("secret: \(secret)") }
        }
    }
}

struct ForgetReplica: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget-replica",
        abstract: "Forget a retired replica so it no longer holds back tombstone collection (see `status`)."
    )
    @OptionGroup var options: DaemonOptions
    @Argument(help: "The replica id, as `status` prints it.") var replica: String

    func run() throws {
        guard let id = ReplicaID(string: replica) else { throw ValidationError("'\(replica)' is not a replica id (a UUID)") }
        try options.openStore(try options.load()).forgetReplica(id)
        print("forgot replica \(id)")
    }
}

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a consistent copy of the national dataset while the daemon runs (SQLite online backup)."
    )
    @OptionGroup var options: DaemonOptions
    @Argument(help: "Destination file; must not exist.") var destination: String

    func run() throws {
        try options.openStore(try options.load()).backup(to: destination)
        print("backup written to \(destination)")
    }
}

struct CollectTombstones: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc", abstract: "Remove tombstones every replica of every enabled account has pulled past."
    )
    @OptionGroup var options: DaemonOptions

    func run() throws {
        print("tombstones removed: \(try options.openStore(try options.load()).collectTombstones())")
    }
}

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show each replica's cursors and counters.")
    @OptionGroup var options: DaemonOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let statuses = try options.openStore(try options.load()).replicaStatuses()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(statuses), as: UTF8.self))
            return
        }
        print(pad("ACCOUNT", 38) + pad("REPLICA", 38) + pad("ACKED", 8) + pad("CURSOR", 8) + pad("MERGED", 8) + "LAST PUSH")
        for status in statuses {
            print(pad(status.user, 38) + pad(status.replica, 38) + pad(String(status.acknowledgedThrough), 8)
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

/// Prints JSON for scripts: pretty, keys sorted, UTF-8 text and `/` unescaped.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
