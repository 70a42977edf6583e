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
        let reference = ReferenceData.standard
        let dossier = try replica.dossier(options.dossier)
        if let refusal = dossier.refusal(of: .decide) { throw CLIError(.notFound, lines: ["error: \(refusal)"]) }
        if dossier.isProposedToCentralOffice {
            try closeProposal(dossier, on: day, in: replica)
            return
        }
        guard replica.role == .province else {
            throw CLIError.notFound("dossier \(dossier.reference) is decided by its province's People's Committee: record the decision on the province's replica (the central office certifies 5★ with `ocop central certify`)")
        }
        let score = try movingDossier { try CouncilScoring.score(dossier, sheets: try replica.councilSheets(of: dossier)) }
        let evaluation = score.evaluation(tenantID: dossier.tenantID, productID: dossier.productID, council: .province)
        let summary = "Council score for dossier \(dossier.reference): mean of \(score.members.count) sheets "
            + "(\(score.memberTotals.map(formatScore).joined(separator: ", "))) = \(formatScore(score.total)), \(starsText(score.stars))."
        let authority = try replica.decisionAuthority(on: day, level: evaluation.council)
        switch reference.certificationPolicy.decision(for: evaluation) {
        case .noCertificate:
            let reasons = Dossier.notCertifiedReasons(for: evaluation, extra: reason)
            let decided = try movingDossier { try dossier.notCertified(on: day, evaluation: evaluation, reasons: reasons) }
            // A re-evaluation below 3★ ends the product's certificates in force, as `ocop evaluate` does.
            let certificates = try replica.certificates(ofProduct: dossier.productID)
            let ended = try CertificateLedger.end(
                certificates, events: try replica.certificateEvents(ofCertificates: certificates.map(\.id)), byReevaluation: evaluation,
                authority: authority, decidedBy: Replica.decider(decidedBy), reference: reference)
            try replica.saveTogether([evaluation], decision: ended, then: [decided])
            let endings = (ended?.certificates ?? []).map { "\nEnded certificate \($0.number) (\(starsText($0.stars))) from \(evaluation.evaluatedOn): re-evaluated below 3★." }
            try options.print(decided, summary + "\nDecided on \(day): not certified (\(reasons))." + endings.joined())
        case .certify(let stars):
            guard let number else {
                throw CLIError.usage("--number: dossier \(dossier.reference) earned \(starsText(stars)); give the certificate (decision) number to issue")
            }
            let issued = try issueCertificate(number: number, for: evaluation, on: day, by: authority, in: replica)
            guard let certificate = issued.issued else {
                throw CLIError(.internalError, lines: ["error: internal error: the certificate decision issued no certificate"])
            }
            let decided = try movingDossier { try dossier.certified(on: day, evaluation: evaluation, certificate: certificate) }
            try replica.saveTogether([evaluation], decision: issued, then: [decided])
            try options.print(decided, summary + "\nDecided on \(day): certified \(starsText(stars)), certificate \(certificate.number) (\(certificate.id.lowercasedString)), valid until \(certificate.expiresOn).")
        case .propose(let stars, _):
            let proposed = try movingDossier { try dossier.proposed(evaluation: evaluation) }
            try replica.saveTogether([evaluation, proposed])
            try options.print(proposed, summary + "\n\(starsText(stars)) candidate: proposed to the central office; the dossier is decided when its certificate arrives.")
        case .notAuthorised(let level):
            throw CLIError.badData("evaluations.council: the \(level.rawValue) level certifies nothing on \(evaluation.evaluatedOn)")
        }
    }

    /// A 5★ proposal is decided by the central office's certificate on its evaluation, pulled
    /// by the last sync; without it the dossier waits (exit 2).
    private func closeProposal(_ dossier: Dossier, on day: LocalDate, in replica: Replica) throws {
        guard let evaluationID = dossier.evaluationID else { return }
        let evaluation = try replica.evaluation(evaluationID)
        guard let certificate = try replica.certificates(ofProduct: dossier.productID).first(where: { $0.evaluationID == evaluationID }) else {
            throw CLIError(.notFound, lines: ["error: dossiers.stage: dossier \(dossier.reference) is proposed to the central office for \(starsText(evaluation.stars)); it is decided when the central office's certificate arrives (run `ocop sync`)"])
        }
        let decided = try movingDossier { try dossier.certified(on: day, evaluation: evaluation, certificate: certificate) }
        try options.finish(decided, in: replica,
                           saying: "Dossier \(dossier.reference) decided on \(day): certified \(starsText(certificate.stars)) by the central office, certificate \(certificate.number).")
    }

    /// The certificate decision for a 3★/4★ evaluation: a number not yet used, the product's
    /// previous certificate (the newest not superseded) replaced.
    private func issueCertificate(number: String, for evaluation: Evaluation, on day: LocalDate, by authority: DecisionAuthority,
                                  in replica: Replica) throws -> CertificateLedger.Decision {
        try CertificateLedger.issueNext(
            number: number, for: evaluation, authority: authority, decidedBy: Replica.decider(decidedBy), issuedOn: day,
            productCertificates: try replica.certificates(ofProduct: evaluation.productID), numberHolder: try replica.certificate(numbered: number))
    }
}
