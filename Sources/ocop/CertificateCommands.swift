import ArgumentParser
import Foundation
import OCOPModel
import OCOPReplica

/// `ocop certificate ...`: what a province decides about certificates it issued after issuing
/// them, and the dated history of any certificate.
struct CertificateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certificate",
        abstract: "Revoke a certificate, or show a certificate's dated history.",
        subcommands: [Revoke.self, History.self]
    )
}

extension CertificateCommand {
    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke",
            abstract: "Revoke one of this province's certificates (final), from a date, with the reason.",
            discussion: """
                A province revokes the 3★ and 4★ certificates it issued; a 5★ certificate is the \\
                central office's to revoke. The revocation is a dated fact: reports for earlier \\
                dates still count the certificate. Example:
                  ocop certificate revoke 12/QĐ-UBND --reason "Không duy trì tiêu chuẩn chất lượng" --date 2026-03-01
                Exit codes: 0 revoked; 1 refused (already revoked or superseded, no reason, a 5★ \\
                certificate, a date before its issue); 2 no such certificate.
                """
        )

        @Argument(help: ArgumentHelp("The certificate: its id or its number.", valueName: "certificate")) var certificate: String
        @OptionGroup var replicaOptions: ReplicaOptions
        @Option(help: ArgumentHelp("Why it is revoked (recorded with the decision).", valueName: "text")) var reason: String
        @Option(help: ArgumentHelp("The day it takes effect (default: today).", valueName: "date"), transform: ArgumentParsers.date)
        var date: LocalDate?
        @Option(help: ArgumentHelp("The revocation decision's number, if any.", valueName: "number")) var number: String?
        @Option(help: ArgumentHelp("Who records the decision (default: the system user).", valueName: "name")) var decidedBy: String?

        func run() throws {
            let day = date ?? today()
            try requireNotInTheFuture(day, option: "--date", what: "a revocation is recorded once it is decided")
            let replica = try replicaOptions.open()
            let target = try replica.certificate(certificate)
            let decision = try CertificateLedger.revoke(
                target, events: try replica.certificateEvents(ofCertificates: [target.id]), effectiveOn: day, reason: reason,
                authority: try replica.decisionAuthority(on: day), decidedBy: Replica.decider(decidedBy), decisionNumber: number)
            try replica.save(decision)
            print("Revoked certificate \(target.number) (\(target.id.lowercasedString)) from \(day); it reaches the central office on the next sync.")
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "history",
            abstract: "A certificate's dated facts (issued, superseded, revoked, expired) and its status on a date."
        )

        @Argument(help: ArgumentHelp("The certificate: its id or its number.", valueName: "certificate")) var certificate: String
        @OptionGroup var replicaOptions: ReplicaOptions
        @Option(help: ArgumentHelp("Also give the status on this day (default: today).", valueName: "date"), transform: ArgumentParsers.date)
        var date: LocalDate?
        @Flag(help: "Print as JSON.") var json = false

        func run() throws {
            let replica = try replicaOptions.open()
            let target = try replica.certificate(certificate)
            let events = try replica.certificateEvents(ofCertificates: [target.id])
            let successor = try replica.fetchAll(Certificate.self).filter { $0.previousCertificateID == target.id }.map(\.issuedOn).min()
            let history = CertificateHistory(target, events: events, successorIssuedOn: successor)
            let day = date ?? today()
            let status = history.status(on: day)?.rawValue ?? "not yet issued"
            if json {
                try printJSON(.object([
                    "certificate": try JSONValue.record(target),
                    "events": .array(try events.map(JSONValue.record)),
                    "as_of": .string(day.description),
                    "status_as_of": .string(status),
                ]))
                return
            }
            print("Certificate \(target.number): \(starsText(target.stars)), issued \(target.issuedOn), expires \(target.expiresOn)")
            var table = TextTable("EFFECTIVE", "FACT", "AUTHORITY", "DECIDED BY", "REASON")
            for event in events {
                table.add(event.effectiveOn.description, event.kind.rawValue,
                          [event.authorityCode, event.authorityName].compactMap { $0 }.joined(separator: " "),
                          event.decidedBy, event.reason ?? "")
            }
            if events.isEmpty { print("(no dated facts recorded: a certificate from before schema 2)") } else { print(table.render()) }
            print("Status on \(day): \(status)")
        }
    }
}

extension Replica {
    /// The certificate with this id or number; throws "not found" (exit 2) otherwise.
    func certificate(_ key: String) throws -> Certificate {
        let trimmed = key.trimmedNFC()
        if let id = UUID(uuidString: trimmed), let found = try fetch(Certificate.self, id: id) { return found }
        if let found = try fetchAll(Certificate.self).first(where: { $0.number == trimmed }) { return found }
        throw CLIError.notFound("no certificate with id or number \"\(trimmed)\" in this replica")
    }
}
