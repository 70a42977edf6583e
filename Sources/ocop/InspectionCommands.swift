import ArgumentParser
import Crypto
import Foundation
import OCOPFeeds
import OCOPModel
import OCOPReplica

/// `ocop inspection ...`: the state's word on a product or lot, recorded by an inspection
/// office on its own replica and signed with the office's Ed25519 key.
struct InspectionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspection",
        abstract: "Signed inspections, samplings and lab results (inspection offices), and their verification.",
        subcommands: [KeyGen.self, Add.self, List.self]
    )
}

extension InspectionCommand {
    struct KeyGen: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "keygen",
            abstract: "Make an inspection office's Ed25519 key pair (PEM): keep the private key on the office's machine, give the public one to the central office."
        )
        @Option(help: ArgumentHelp("Private key file to write (created 0600).", valueName: "file")) var out: String

        func run() throws {
            guard !FileManager.default.fileExists(atPath: out) else { throw CLIError.badData("\(out) already exists; a key is never overwritten") }
            let key = Curve25519.Signing.PrivateKey()
            guard FileManager.default.createFile(atPath: out, contents: Data(FeedKeys.pem(key).utf8), attributes: [.posixPermissions: 0o600]) else {
                throw CLIError.notFound("cannot write \(out)")
            }
            let publicFile = out + ".pub"
            try FeedKeys.pem(key.publicKey).write(toFile: publicFile, atomically: true, encoding: .utf8)
            print("private key: \(out)")
            print("public key:  \(publicFile)  (register it: ocop central inspection-key add --public-key \(publicFile) ...)")
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Record and sign an inspection, sampling or lab result of a product (or one of its lots).",
            discussion: """
                Example:
                  ocop inspection add --product 8934567890120 --lot L2026-03 --kind lab_result --date 2026-03-10 \\
                    --verdict pass --findings "Dư lượng thuốc BVTV dưới ngưỡng" --inspector "Phạm Văn Đức" \\
                    --key office.pem --key-id KEY-ID
                Only an inspection office's account may sync inspections; the server checks the signature.
                """
        )
        @OptionGroup var replicaOptions: ReplicaOptions
        @Option(help: ArgumentHelp("The product: id, GTIN or name.", valueName: "product")) var product: String
        @Option(help: ArgumentHelp("The lot code or id, if the inspection is of one lot.", valueName: "lot")) var lot: String?
        @Option(help: "inspection, sampling or lab_result.") var kind: String
        @Option(help: ArgumentHelp("Day of the inspection, YYYY-MM-DD.", valueName: "date"), transform: ArgumentParsers.date) var date: LocalDate
        @Option(help: "pass or fail.") var verdict: String
        @Option(help: "What was found.") var findings: String
        @Option(help: "The inspector (an official of the office).") var inspector: String
        @Option(help: ArgumentHelp("The office's private key (PEM or raw 32 bytes).", valueName: "file")) var key: String
        @Option(help: ArgumentHelp("The id under which the central office registered the office's key.", valueName: "uuid"),
                transform: ArgumentParsers.uuid)
        var keyId: UUID

        func run() throws {
            try requireNotInTheFuture(date, option: "--date", what: "an inspection is recorded once it took place")
            guard let kind = Inspection.Kind(rawValue: kind) else {
                throw CLIError.badData("inspections.kind: \"\(kind)\" is not one of \(Inspection.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let verdict = Inspection.Verdict(rawValue: verdict) else {
                throw CLIError.badData("inspections.verdict: \"\(verdict)\" is not pass or fail")
            }
            let signingKey: Curve25519.Signing.PrivateKey
            do {
                signingKey = try FeedKeys.signingKey(from: try Data(contentsOf: URL(fileURLWithPath: key)))
            } catch {
                throw CLIError.notFound("--key \(key): \(error)")
            }
            let replica = try replicaOptions.open()
            let target = try replica.product(product)
            var lotID: UUID?
            if let lot {
                let trimmed = lot.trimmedNFC()
                guard let found = try replica.fetchAll(Batch.self).first(where: {
                    $0.productID == target.id && ($0.lotCode == trimmed || $0.id.uuidString.lowercased() == trimmed.lowercased())
                }) else {
                    throw CLIError.notFound("no lot \"\(trimmed)\" of \(target.nameVi) in this replica")
                }
                lotID = found.id
            }
            if let registered = try replica.fetch(InspectionKey.self, id: keyId) {
                guard registered.signingKey?.rawRepresentation == signingKey.publicKey.rawRepresentation else {
                    throw CLIError.badData("inspections.key_id: --key is not the private key of \(registered.office)'s registered key \(keyId.lowercasedString)")
                }
            }
            let inspection = try Inspection(
                tenantID: target.tenantID, productID: target.id, lotID: lotID, keyID: keyId, kind: kind, inspectedOn: date,
                verdict: verdict, findings: findings, inspector: inspector
            ).signed(with: signingKey)
            try replica.save(inspection)
            print("Recorded and signed \(kind.rawValue) \(inspection.id.lowercasedString) of \(target.nameVi): \(verdict.rawValue).")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "Inspections with their verdicts and whether each signature verifies against its office's key."
        )
        @OptionGroup var replicaOptions: ReplicaOptions
        @Option(help: ArgumentHelp("Only this product's (id, GTIN or name).", valueName: "product")) var product: String?
        @Flag(help: "Print as JSON.") var json = false

        func run() throws {
            let replica = try replicaOptions.open()
            let only = try product.map { try replica.product($0).id }
            let keys = Dictionary(uniqueKeysWithValues: try replica.fetchAll(InspectionKey.self).map { ($0.id, $0) })
            let inspections = try replica.fetchAll(Inspection.self).filter { only == nil || $0.productID == only }
                .sorted { ($0.inspectedOn, $0.id.uuidString) < ($1.inspectedOn, $1.id.uuidString) }
            func verified(_ inspection: Inspection) -> Bool { keys[inspection.keyID].map(inspection.isSigned(by:)) ?? false }
            if json {
                try printJSON(.array(try inspections.map { inspection in
                    guard case .object(var fields) = try JSONValue.record(inspection) else { return .null }
                    fields["signature_verified"] = .bool(verified(inspection))
                    fields["office"] = keys[inspection.keyID].map { .string($0.office) } ?? .null
                    return .object(fields)
                }))
                return
            }
            var table = TextTable("DATE", "KIND", "VERDICT", "OFFICE", "SIGNATURE", "FINDINGS")
            for inspection in inspections {
                table.add(inspection.inspectedOn.description, inspection.kind.rawValue, inspection.verdict.rawValue,
                          keys[inspection.keyID]?.office ?? "(unknown key)", verified(inspection) ? "verified" : "NOT VERIFIED",
                          inspection.findings)
            }
            print(table.render())
        }
    }
}
