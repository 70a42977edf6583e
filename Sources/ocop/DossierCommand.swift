import ArgumentParser
import Foundation
import OCOPModel
import OCOPReplica

/// `ocop dossier ...`: application dossiers (hồ sơ) from receipt to the council's decision.
struct DossierCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dossier",
        abstract: "Application dossiers: receive, check or return, send to the council, score, decide, withdraw.",
        discussion: """
            A dossier is named by its id or its receipt reference (e.g. HS-2025-0042). The cycle: \
            receive; check (complete) or return (incomplete), then receive again; send to the \
            council; each member scores; decide (certified, not certified, or a 5★ proposal to the \
            central office). The documents of the checklist: \
            \(ReferenceData.standard.dossierChecklist(rules: "QD148-2023")?.codes.joined(separator: ", ") ?? "").

            A move from the wrong stage (deciding twice, scoring a returned dossier) or a council \
            below its quorum exits 2 (`dossiers.stage: ...`); bad data (a date before the previous \
            step, a score over a criterion's maximum) exits 1. Either way nothing is changed.
            """,
        subcommands: [
            DossierReceiveCommand.self, DossierCheckCommand.self, DossierReturnCommand.self, DossierSendCommand.self,
            DossierScoreCommand.self, DossierDecideCommand.self, DossierWithdrawCommand.self,
            DossierListCommand.self, DossierShowCommand.self,
        ]
    )
}

/// `--dossier REF` and `--date D`, shared by the moves.
struct DossierMoveOptions: ParsableArguments {
    @OptionGroup var replicaOptions: ReplicaOptions
    @Option(help: ArgumentHelp("The dossier: id or receipt reference.", valueName: "ref")) var dossier: String
    @Option(help: ArgumentHelp("The day of the step, YYYY-MM-DD (default: today).", valueName: "date"), transform: ArgumentParsers.date)
    var date: LocalDate?
    @Flag(help: "Print the dossier as JSON.") var json = false

    /// The day of the step: not after today.
    func day(_ what: String) throws -> LocalDate {
        let day = date ?? today()
        try requireNotInTheFuture(day, option: "--date", what: what)
        return day
    }

    /// Prints `shown` as JSON, or `line`.
    func print<Shown: SyncedRecord>(_ shown: Shown, _ line: String) throws {
        if json {
            try printJSON(JSONValue.record(shown))
        } else {
            Swift.print(line)
        }
    }

    /// The common shape of a move: the day (not after today: `what` says why), the dossier, the
    /// move (refusals mapped by ``movingDossier(_:)``), then saved and printed.
    func move(_ what: String, _ change: (Dossier, LocalDate) throws -> Dossier, saying line: (Dossier, LocalDate) -> String) throws {
        let day = try day(what)
        let replica = try replicaOptions.open()
        let dossier = try replica.dossier(dossier)
        let moved = try movingDossier { try change(dossier, day) }
        try finish(moved, in: replica, saying: line(moved, day))
    }

    /// Saves the moved dossier and prints it (JSON) or `line`.
    func finish(_ dossier: Dossier, in replica: Replica, saying line: String) throws {
        try replica.saveTogether([dossier])
        try print(dossier, line)
    }
}

/// Runs a dossier move, mapping its refusals to exit statuses: problems all on `dossiers.stage`
/// (a move from the wrong stage, a council below its quorum) are a bad state, exit 2; any other
/// ``ValidationErrors`` are bad data, exit 1 (see ``CLIError/report(_:)``).
func movingDossier<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let errors as ValidationErrors
        where errors.errors.allSatisfy({ $0.record == Dossier.schema.name && $0.field == "stage" }) {
        throw CLIError(.notFound, lines: errors.errors.map { "error: \($0)" })
    }
}

/// The documents present, from `--present LIST` (these present, the others missing) or
/// `--missing LIST` (these missing, the others present): comma-separated codes, or `all` /
/// `none`. Codes that are not documents of the rules' checklist are refused on
/// `dossiers.checklist` (exit 1).
func presentDocuments(present: String?, missing: String?, rules: String, reference: ReferenceData) throws -> Set<String> {
    guard let checklist = reference.dossierChecklist(rules: rules) else {
        throw CLIError.badData("dossiers.rules: \"\(rules)\" has no dossier checklist (known: \(reference.dossierChecklists.map(\.rules).joined(separator: ", ")))")
    }
    let all = Set(checklist.codes)
    func codes(_ list: String) throws -> Set<String> {
        let items = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
        switch items {
        case ["all"]: return all
        case ["none"]: return []
        default:
            _ = try checklist.checklist(present: Set(items))  // refuses codes that are not documents
            return Set(items)
        }
    }
    if let present { return try codes(present) }
    return all.subtracting(try codes(missing ?? "none"))
}

/// Documents as people read them: `label (Nhãn hàng hóa)`.
func documentList(_ documents: [DossierDocument]) -> String {
    documents.map { "\($0.code) (\($0.name.vi))" }.joined(separator: ", ")
}

extension Replica {
    /// The dossier with this id or receipt reference (references compared ignoring case).
    /// Unknown or ambiguous: exit 2.
    func dossier(_ reference: String) throws -> Dossier {
        if let dossier = try findDossier(reference) { return dossier }
        throw CLIError.notFound("no dossier has the id or reference \"\(reference.trimmedNFC())\"")
    }

    /// The dossier with this id or reference, or `nil`; several with the reference: exit 2.
    func findDossier(_ reference: String) throws -> Dossier? {
        let text = reference.trimmedNFC()
        if let id = UUID(uuidString: text) { return try fetch(Dossier.self, id: id) }
        let matches = try fetchAll(Dossier.self).filter { $0.reference.lowercased() == text.lowercased() }
        if matches.count > 1 {
            throw CLIError.notFound("\"\(text)\" is the reference of \(matches.count) dossiers (of different provinces); give the id instead")
        }
        return matches.first
    }
}
