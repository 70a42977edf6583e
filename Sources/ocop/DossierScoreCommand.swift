import ArgumentParser
import Foundation
import OCOPModel
import OCOPReplica

/// `ocop dossier score`: one council member's score sheet for a dossier before the council.
struct DossierScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Record one council member's score sheet for a dossier before the council.",
        discussion: """
            Members score independently on the sheet of the dossier's rules; every criterion is \
            scored, each from 0 to its maximum. Examples:
              ocop dossier score --dossier HS-2025-0042 --member "Ủy viên 3 – Sở Công Thương" \\
                --scores A1=7,A2=5,A3=5,A4=5,A5=5,A6=3,A7=3,B1=4,B2=4,B3=4,B4=3,B5=3,C1=8,C2=8,C3=4,C4=3,C5=2 --bonus 1
              ocop dossier score --dossier HS-2025-0042 --member "Ủy viên 5" --sheet uy-vien-5.json
            In --scores a comma followed by digits only is a decimal comma (A1=7,5 is 7.5). --score \
            CODE=POINTS (repeatable) and the sheet file work as in `ocop evaluate`. A member who \
            already scored is refused (exit 1) unless --replace corrects their sheet.
            """
    )

    @OptionGroup var options: DossierMoveOptions
    @Option(help: ArgumentHelp("The member, as named in the council's establishing decision.", valueName: "name")) var member: String
    @Option(name: .customLong("scores"), help: ArgumentHelp("Points per criterion, comma-separated: A1=7,A2=5.5,...", valueName: "list"))
    var scoreLists: [String] = []
    @Option(name: .customLong("score"), help: ArgumentHelp("Points for one criterion, e.g. A1=7 (repeatable).", valueName: "code=points"))
    var scores: [CriterionScore] = []
    @Option(help: ArgumentHelp("A JSON file of criterion code → points (as `ocop evaluate --sheet`).", valueName: "file.json")) var sheet: String?
    @Option(help: ArgumentHelp("Bonus points.", valueName: "points"), transform: ArgumentParsers.number) var bonus: Double?
    @Flag(help: "Replace the member's earlier sheet for this dossier.") var replace = false

    func validate() throws {
        if scoreLists.isEmpty && scores.isEmpty && sheet == nil {
            throw ArgumentParser.ValidationError("give the member's scores with --scores A1=..,A2=.., --score CODE=POINTS or --sheet FILE.json")
        }
        var seen = Set<String>()
        for score in try Self.parse(scoreLists) + scores where !seen.insert(score.code).inserted {
            throw ArgumentParser.ValidationError("criterion \(score.code) is scored twice")
        }
    }

    /// `--scores` lists as criterion scores: pieces split at commas, a piece without `=` being
    /// the decimals of the one before (`A1=7,5` is 7.5).
    static func parse(_ lists: [String]) throws -> [CriterionScore] {
        var pieces: [String] = []
        for list in lists {
            for piece in list.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
                if !piece.contains("="), let last = pieces.popLast() { pieces.append(last + "," + piece) } else { pieces.append(piece) }
            }
        }
        return try pieces.map { piece in
            guard let score = CriterionScore(argument: piece) else {
                throw ArgumentParser.ValidationError("--scores: \"\(piece)\" is not CODE=POINTS")
            }
            return score
        }
    }

    func run() throws {
        let day = try options.day("a member's sheet is recorded on the day the council scored")
        let replica = try options.replicaOptions.open()
        let dossier = try replica.dossier(options.dossier)
        var points: [String: Double] = [:]
        var fileBonus: Double?
        if let sheet {
            let file = try EvaluateRecordCommand.readSheet(sheet)
            if let set = file.criteriaSet, set.trimmedNFC() != dossier.rules {
                throw CLIError.badData("council_scores.criteria_set: \(sheet) is a \(set) sheet, but dossier \(dossier.reference) is evaluated under \(dossier.rules)")
            }
            points = file.scores
            fileBonus = file.bonus
        }
        for score in try Self.parse(scoreLists) + scores { points[score.code] = score.points }
        let recorded = try replica.councilSheets(of: dossier)
        let councilSheet = try movingDossier {
            try CouncilScoreSheet.scoring(dossier, member: member, on: day, scores: points, bonus: bonus ?? fileBonus ?? 0,
                                          recorded: recorded, replacing: replace)
        }
        let count = Set(recorded.map(\.id)).union([councilSheet.id]).count
        let quorum = ReferenceData.standard.dossierProcedure.minimumSheets
        try replica.save(councilSheet)
        try options.print(councilSheet, """
            Recorded the sheet of \(councilSheet.member) for dossier \(dossier.reference): total \(formatScore(councilSheet.total)).
            \(count) member sheet(s) recorded; the council decides with at least \(quorum).
            """)
    }
}
