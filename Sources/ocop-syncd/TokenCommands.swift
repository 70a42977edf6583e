import ArgumentParser
import Foundation
import OCOPStore

/// `ocop-syncd token ...`: bearer tokens for the central office's HTTP API.
struct Token: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Administer the HTTP API's bearer tokens (central-office users).",
        subcommands: [Issue.self, List.self, Revoke.self]
    )

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a token for a person or system; prints it once (only its hash is stored)."
        )
        @OptionGroup var options: DaemonOptions
        @Option(help: "Who holds the token, e.g. the person's name.") var name: String
        @Option(help: "read (reports, lookups, conflict list) or review (also resolves conflicts).")
        var scope: String = APIScope.read.rawValue

        func run() async throws {
            guard let scope = APIScope(rawValue: scope) else {
                throw ValidationError("--scope must be read or review, got '\(self.scope)'")
            }
            let (token, record) = try await options.openStore(try options.load()).issueAPIToken(name: name, scope: scope)
            print("id: \(record.id)")
            print("scope: \(record.scope.rawValue)")
            print("token: \(token)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their secrets).")
        @OptionGroup var options: DaemonOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let tokens = try await options.existingStore().apiTokens()
            if json { return try printJSON(tokens) }
            print(pad("ID", 10) + pad("SCOPE", 8) + pad("CREATED", 22) + pad("REVOKED", 22) + "NAME")
            for token in tokens {
                print(pad(token.id, 10) + pad(token.scope.rawValue, 8) + pad(token.createdAt, 22) + pad(token.revokedAt ?? "-", 22) + token.name)
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by its id; it stops working at once.")
        @OptionGroup var options: DaemonOptions
        @Argument(help: "The token's id (8 hex digits, as `token list` shows).") var id: String

        func run() async throws {
            try await options.existingStore().revokeAPIToken(id: id.lowercased())
            print("revoked token \(id.lowercased()): it stops working at once")
        }
    }
}
