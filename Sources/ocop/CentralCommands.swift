import ArgumentParser
import Crypto
import Foundation
import OCOPStore
import OCOPFeeds
import OCOPModel
import OCOPQuery

/// `ocop central ...`: the central office's decisions, written on the national dataset; each
/// flows to the owning province on its next sync.
struct CentralCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "central",
        abstract: "Central-office decisions on the national dataset: certify 5★, revoke, expire.",
        subcommands: [Certify.self, Revoke.self, Expire.self, InspectionKeyCommand.self]
    )
}

extension CentralCommand {
    struct Certify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "certify",
            abstract: "Certify a product 5★ (issuer: central) for an evaluation that scored ≥ 90.",
            discussion: "Example: ocop central certify --product UUID --evaluation UUID --number 12/QĐ-BNNMT --date 2025-09-01 --national national.sqlite"
        )

        @OptionGroup var nationalOptions: NationalOptions
        @Option(help: ArgumentHelp("The product id.", valueName: "uuid"), transform: ArgumentParsers.uuid) var product: UUID
        @Option(help: ArgumentHelp("The evaluation id (5★).", valueName: "uuid"), transform: ArgumentParsers.uuid) var evaluation: UUID
        @Option(help: ArgumentHelp("The decision number as printed.", valueName: "number")) var number: String
        @Option(help: ArgumentHelp("Date of issue, YYYY-MM-DD.", valueName: "date"), transform: ArgumentParsers.date) var date: LocalDate
        @Flag(help: "Print the certificate as JSON.") var json = false

        func run() async throws {
            let store = try nationalOptions.openStore()
            let issuance = try await mappingCentralErrors {
                try await CentralDecisions(store: store).certifyFiveStar(product: product, evaluation: evaluation, number: number, issuedOn: date)
            }
            let certificate = issuance.certificate
            if json {
                try printJSON(.object(["certificate": try JSONValue.record(certificate),
                                       "previous": try issuance.previous.map(JSONValue.record) ?? .null]))
                return
            }
            print("Issued 5★ certificate \(certificate.number) (central office); it reaches the province on its next sync.")
            printFields([
                ("id", certificate.id.lowercasedString), ("product", certificate.productID.lowercasedString),
                ("tenant", certificate.tenantID.lowercasedString), ("issued", certificate.issuedOn.description),
                ("expires", certificate.expiresOn.description),
                ("replaces", issuance.previous.map { "\($0.number) (\($0.id.lowercasedString)), now \($0.status.rawValue)" }),
            ])
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke",
            abstract: "Revoke a certificate (final), from a date, with the reason.",
            discussion: """
                The revocation is a dated fact: reports and feeds for earlier dates still count the \
                certificate. Example:
                  ocop central revoke CERT-UUID --reason "Không duy trì chất lượng sau giám sát" --date 2026-03-01 --national national.sqlite
                """
        )

        @Argument(help: ArgumentHelp("The certificate id.", valueName: "cert-id"), transform: ArgumentParsers.uuid) var certificate: UUID
        @OptionGroup var nationalOptions: NationalOptions
        @Option(help: ArgumentHelp("Why it is revoked (recorded with the decision).", valueName: "text")) var reason: String
        @Option(help: ArgumentHelp("The day it takes effect (default: today).", valueName: "date"), transform: ArgumentParsers.date)
        var date: LocalDate?
        @Option(help: ArgumentHelp("The revocation decision's number, if any.", valueName: "number")) var number: String?

        func run() async throws {
            let day = date ?? today()
            try requireNotInTheFuture(day, option: "--date", what: "a revocation is recorded once it is decided")
            let store = try nationalOptions.openStore()
            let revoked = try await mappingCentralErrors {
                try await CentralDecisions(store: store).revoke(certificate: certificate, on: day, reason: reason, decisionNumber: number)
            }
            print("Revoked certificate \(revoked.number) (\(revoked.id.lowercasedString)) from \(day); it reaches the province on its next sync.")
        }
    }

    struct Expire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "expire",
            abstract: "Mark active certificates past their expiry date as expired.",
            discussion: "A certificate is valid through its expiry date: one expiring on --date stays active."
        )

        @OptionGroup var nationalOptions: NationalOptions
        @Option(help: ArgumentHelp("The day to judge expiry on (default: today).", valueName: "date"), transform: ArgumentParsers.date)
        var date: LocalDate?

        func run() async throws {
            let store = try nationalOptions.openStore()
            let expired = try await mappingCentralErrors { try await CentralDecisions(store: store).expire(asOf: date ?? today()) }
            for certificate in expired {
                print("expired  \(certificate.expiresOn)  \(certificate.number)  \(certificate.id.lowercasedString)")
            }
            print("\(expired.count) certificate(s) marked expired.")
        }
    }

    struct InspectionKeyCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "inspection-key",
            abstract: "Register an inspection office's public key (every replica receives it), or retire one.",
            subcommands: [AddKey.self, RetireKey.self]
        )
    }

    struct AddKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Register an inspection office's Ed25519 public key; prints the key id the office signs with.",
            discussion: """
                Example: ocop central inspection-key add --office "Chi cục QLCL Nông lâm sản và Thủy sản Lào Cai" \
                  --province 15 --public-key qlcl-lao-cai.pem.pub --valid-from 2026-01-01 --national national.sqlite
                """
        )
        @OptionGroup var nationalOptions: NationalOptions
        @Option(help: "The office's name.") var office: String
        @Option(help: ArgumentHelp("The province code of the office (none for a central office).", valueName: "code")) var province: String?
        @Option(help: ArgumentHelp("The public key (PEM or raw 32 bytes).", valueName: "file")) var publicKey: String
        @Option(help: ArgumentHelp("First day it may sign, YYYY-MM-DD.", valueName: "date"), transform: ArgumentParsers.date) var validFrom: LocalDate

        func run() async throws {
            let key: Curve25519.Signing.PublicKey
            do { key = try FeedKeys.publicKey(from: try Data(contentsOf: URL(fileURLWithPath: publicKey))) } catch {
                throw CLIError.notFound("--public-key \(publicKey): \(error)")
            }
            if let province, ReferenceData.standard.provinces.province(code: province, on: validFrom) == nil {
                throw CLIError.badData("inspection_keys.tenant_code: \(province) is not a province code on \(validFrom)")
            }
            let record = InspectionKey(office: office, tenantCode: province, publicKey: key.rawRepresentation.base64EncodedString(), validFrom: validFrom)
            let store = try nationalOptions.openStore()
            try await mappingCentralErrors { try await store.saveInspectionKey(record, reference: .standard) }
            print("key id: \(record.id.lowercasedString)  (the office signs with --key-id \(record.id.lowercasedString))")
        }
    }

    struct RetireKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retire",
            abstract: "Set the last day an office's key may sign (inspections signed before stay valid)."
        )
        @OptionGroup var nationalOptions: NationalOptions
        @Argument(help: ArgumentHelp("The key id.", valueName: "key-id"), transform: ArgumentParsers.uuid) var id: UUID
        @Option(help: ArgumentHelp("Its last valid day.", valueName: "date"), transform: ArgumentParsers.date) var lastDay: LocalDate

        func run() async throws {
            let store = try nationalOptions.openStore()
            guard var record = try await store.inspectionKey(id: id) else { throw CLIError.notFound("no inspection key \(id.lowercasedString)") }
            record.validUntil = lastDay
            try await mappingCentralErrors { try await store.saveInspectionKey(record, reference: .standard) }
            print("key \(id.lowercasedString) of \(record.office) signs through \(lastDay)")
        }
    }
}
