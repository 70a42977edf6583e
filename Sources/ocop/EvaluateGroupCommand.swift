import ArgumentParser
import Foundation
import OCOPModel
import OCOPReplica

/// `ocop evaluate`: record an evaluation (the default, `ocop evaluate --product ...`), or delete
/// a mistaken one.
///
/// A group without options of its own, so `ocop evaluate --product X --score ...` keeps working
/// (it runs `record`) while `ocop evaluate delete ID` is not asked for a product.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score a product (score sheet → part totals, total, stars) and record the evaluation; or delete a mistaken one.",
        discussion: "`ocop evaluate --product ...` records (see `ocop evaluate record --help`); `ocop evaluate delete ID` removes a mistake.",
        subcommands: [EvaluateRecordCommand.self, EvaluateDeleteCommand.self],
        defaultSubcommand: EvaluateRecordCommand.self
    )
}

/// `ocop evaluate delete ID`: removes an evaluation recorded by mistake (a wrong date, a wrong
/// product, a sheet typed twice), unless a certificate was issued on it.
struct EvaluateDeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete an evaluation recorded by mistake (refused while a certificate refers to it).",
        discussion: """
            The id is printed by `ocop evaluate` ("Recorded evaluation ID"). An evaluation a \
            certificate was issued on, or a dossier's council evaluation, is part of that record and \
            cannot be deleted (exit 2); revoke or supersede the certificate instead. The deletion \
            syncs like any edit.
            """
    )

    @OptionGroup var replicaOptions: ReplicaOptions
    @Argument(help: ArgumentHelp("The evaluation's id.", valueName: "id"), transform: ArgumentParsers.uuid) var id: UUID

    func run() throws {
        let replica = try replicaOptions.open()
        let evaluation = try replica.evaluation(id)
        let dependents = try replica.certificates(ofProduct: evaluation.productID).filter { $0.evaluationID == evaluation.id }
        if let certificate = dependents.first {
            throw CLIError.notFound("evaluation \(id.lowercasedString) is the basis of certificate \(certificate.number) (\(certificate.id.lowercasedString)); it cannot be deleted")
        }
        if let dossier = try replica.fetchAll(Dossier.self).first(where: { $0.evaluationID == evaluation.id }) {
            throw CLIError.notFound("evaluation \(id.lowercasedString) is the council's evaluation of dossier \(dossier.reference) (\(dossier.id.lowercasedString)); it cannot be deleted")
        }
        try replica.delete(Evaluation.self, id: evaluation.id)
        print("Deleted evaluation \(id.lowercasedString) (\(evaluation.evaluatedOn), \(formatScore(evaluation.total)) points, \(starsText(evaluation.stars))).")
    }
}
