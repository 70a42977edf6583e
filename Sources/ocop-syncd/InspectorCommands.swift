import ArgumentParser
import Foundation
import OCOPModel
import OCOPNetwork
import OCOPStore

/// `ocop-syncd inspector add`: an account for a province's inspection office, which writes
/// signed inspections of that province and nothing else (and is the only kind of account that
/// may write them).
struct Inspector: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Administer inspection offices' accounts (they alone write inspections).",
        subcommands: [Add.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an inspection office's account for a province: prints its user and a new secret (shown once).",
            discussion: """
                Example: ocop-syncd inspector add --code 15 --user qlcl-lao-cai
                The office syncs a replica created with `ocop init --tenant PROVINCE-TENANT-ID` under \\
                this user. Its signing key is registered separately by the central office \\
                (`ocop central inspection-key add`). Disable, enable and rotate it like any account.
                """
        )
        @OptionGroup var options: DaemonOptions
        @Option(help: "The province's code in force today, e.g. 15.") var code: String
        @Option(help: "The account's user name, e.g. qlcl-lao-cai (letters, digits, - and _).") var user: String
        @Option(help: "Read the secret from this file instead of generating one.") var secretFile: String?

        func validate() throws {
            guard !user.isEmpty, user.count <= 64, user.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                throw ValidationError("--user: 1–64 ASCII letters, digits, '-' or '_'")
            }
        }

        func run() async throws {
            let store = try await options.existingStore()
            let tenants = try await store.currentTenants(code: code)
            guard tenants.count == 1, let tenant = tenants.first else {
                throw ValidationError("--code: no single current province with code \(code); `ocop-syncd tenant list` shows them")
            }
            let secret = try readSecret(secretFile)
            try await store.addInspectorAccount(user: user.lowercased(), tenantID: tenant, verifier: ScramVerifier.make(secret: secret))
            print("user: \(user.lowercased())")
            print("tenant: \(tenant.uuidString.lowercased())")
            if secretFile == nil { print("secret: \(secret)") }
        }
    }
}
