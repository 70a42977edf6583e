import ArgumentParser
import Foundation
import OCOPModel
import OCOPReplica

/// `ocop dossier decide`: the council's score from the members' sheets, and the decision.
struct DossierDecideCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decide",
        abstract: "Compute the product's score from the members' sheets and record the decision.",
        discussion: """
            The score is the mean of the members' sheet totals (at least \(ReferenceData.standard.dossierProcedure.minimumSheets) \
            sheets); the council's evaluation is recorded with it. Then, by stars:
              below 3★   not certified, the reasons saying the score (plus --reason)
              3★ or 4★   certified: the certificate --number is issued on the evaluation
              5★ (≥ 90)  proposed to the central office; the dossier stays before the council
                         until the central office's 5★ certificate arrives, when `decide` again
                         records it certified with that certificate
            Example:
              ocop dossier decide --dossier HS-2025-0042 --date 2025-09-15 --number 125/QĐ-UBND
            A dossier already decided exits 2 (dossiers.stage) and nothing changes. A central-office \
            replica only closes 5★ proposals: the rest is the province's decision (exit 2).
            """
    )

    @OptionGroup var options: DossierMoveOptions
    @Option(help: ArgumentHelp("The certificate (decision) number, for 3★ and 4★, e.g. 125/QĐ-UBND.", valueName: "number"))
    var number: String?
    @Option(help: ArgumentHelp("Why not certified, after the score (below 3★).", valueName: "text")) var reason: String?
    @Option(help: ArgumentHelp("Who records the decision (default: the system user).", valueName: "name")) var decidedBy: String?

    func run() throws {
        let day = try options.day("a decision is recorded once it is signed")
        let replica = try options.replicaOptions.open()
        let dossier = try replica.dossier(options.dossier)
        let decision: DossierDecision
        do {
            decision = try movingDossier {
                try replica.decide(dossier, on: day, number: number, reason: reason, decidedBy: Replica.decider(decidedBy))
            }
        } catch let errors as ValidationErrors where errors.errors.map(\.field) == ["number"] {
            // The number is this command's option: a usage mistake, said as one.
            throw CLIError.usage("--number: " + (errors.errors.first?.reason ?? ""))
        }
        let decided = decision.dossier
        var summary = ""
        if let score = decision.score {
            summary = "Council score for dossier \(dossier.reference): mean of \(score.members.count) sheets "
                + "(\(score.memberTotals.map(formatScore).joined(separator: ", "))) = \(formatScore(score.total)), \(starsText(score.stars)).\n"
        }
        switch decision.outcome {
        case .notCertified(let reasons, let ended):
            let endings = ended.map { "\nEnded certificate \($0.number) (\(starsText($0.stars))) from \(decision.score.map { "\($0.scoredOn)" } ?? "\(day)"): re-evaluated below 3★." }
            try options.print(decided, summary + "Decided on \(day): not certified (\(reasons))." + endings.joined())
        case .certified(let certificate, _):
            try options.print(decided, summary + "Decided on \(day): certified \(starsText(certificate.stars)), certificate \(certificate.number) (\(certificate.id.lowercasedString)), valid until \(certificate.expiresOn).")
        case .proposed(let stars):
            try options.print(decided, summary + "\(starsText(stars)) candidate: proposed to the central office; the dossier is decided when its certificate arrives.")
        case .closedByCentralOffice(let certificate):
            try options.print(decided, "Dossier \(dossier.reference) decided on \(day): certified \(starsText(certificate.stars)) by the central office, certificate \(certificate.number).")
        }
    }
}
