import ArgumentParser
import Foundation
import OCOPModel
import OCOPReplica

extension Dossier.Stage: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.trimmingCharacters(in: .whitespaces).lowercased()) }
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

/// The stage as lists print it: a 5★ proposal is told apart from a dossier still being scored.
func stageText(_ dossier: Dossier) -> String {
    dossier.isProposedToCentralOffice ? "at_council (5★ proposal)" : dossier.stage.rawValue
}

/// `ocop dossier list`.
struct DossierListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List dossiers, newest receipt first, optionally at one stage."
    )

    @OptionGroup var replicaOptions: ReplicaOptions
    @Option(help: "Only dossiers at this stage.") var stage: Dossier.Stage?
    @Flag(help: "Print a JSON array of the full records.") var json = false

    func run() throws {
        let replica = try replicaOptions.open()
        let dossiers = try replica.fetchAll(Dossier.self).filter { stage == nil || $0.stage == stage }
            .sorted { ($0.receivedOn, $0.reference) > ($1.receivedOn, $1.reference) }
        if json {
            try printJSON(.array(dossiers.map(JSONValue.record)))
            return
        }
        guard !dossiers.isEmpty else {
            print(stage.map { "No dossiers \($0.rawValue)." } ?? "No dossiers.")
            return
        }
        let products = Dictionary(uniqueKeysWithValues: try replica.fetchAll(Product.self).map { ($0.id, $0.nameVi) })
        var table = TextTable("REFERENCE", "RECEIVED", "STAGE", "SINCE", "PRODUCT", "ID")
        for dossier in dossiers {
            table.add(dossier.reference, dossier.receivedOn.description, stageText(dossier), dossier.stageDate?.description ?? "-",
                      products[dossier.productID] ?? dossier.productID.lowercasedString, dossier.id.lowercasedString)
        }
        print(table.render())
    }
}

/// `ocop dossier show`.
struct DossierShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one dossier: its steps, documents, the council's sheets and its current deadline."
    )

    @OptionGroup var replicaOptions: ReplicaOptions
    @Argument(help: "The dossier: id or receipt reference.") var dossier: String
    @Flag(help: "Print the record, its documents and its sheets as JSON.") var json = false

    func run() throws {
        let replica = try replicaOptions.open()
        let reference = ReferenceData.standard
        let dossier = try replica.dossier(dossier)
        let sheets = try replica.councilSheets(of: dossier)
        let items = try dossier.decodedChecklist()
        let documents = reference.dossierChecklist(rules: dossier.rules)?.documents ?? []
        let deadline = reference.dossierProcedure.deadline(of: dossier)
        if json {
            try printJSON(.object([
                "dossier": try JSONValue.record(dossier),
                "documents": .array(documents.map { document in
                    .object(["code": .string(document.code), "vi": .string(document.name.vi), "en": .string(document.name.en),
                             "required": .bool(document.isRequired), "present": .bool(items[document.code] == true)])
                }),
                "council_scores": .array(try sheets.map(JSONValue.record)),
                "step": deadline.map { deadline in
                    .object(["code": .string(deadline.step.code), "started_on": .string(deadline.startedOn.description),
                             "due_on": .string(deadline.dueOn.description), "days_late": .int(deadline.daysLate(on: today()))])
                } ?? .null,
            ]))
            return
        }
        let product = try replica.fetch(Product.self, id: dossier.productID)
        let producer = try replica.fetch(Producer.self, id: dossier.producerID)
        printFields([
            ("id", dossier.id.lowercasedString),
            ("reference", dossier.reference),
            ("product", product.map { "\($0.nameVi) (\($0.id.lowercasedString))" } ?? dossier.productID.lowercasedString),
            ("producer", producer.map { "\($0.name) (\($0.id.lowercasedString))" } ?? dossier.producerID.lowercasedString),
            ("rules", dossier.rules),
            ("received", "\(dossier.receivedOn) by \(dossier.receivedBy)"),
            ("stage", "\(stageText(dossier)): \(dossier.state)"),
            ("returned", dossier.returnedOn?.description),
            ("checked", dossier.checkedOn?.description),
            ("sent to council", dossier.sentOn?.description),
            ("decided", dossier.decidedOn.map { "\($0) (\(dossier.outcome?.rawValue ?? "?"))" }),
            ("reasons", dossier.reasons),
            ("evaluation", dossier.evaluationID?.lowercasedString),
            ("certificate", dossier.certificateID?.lowercasedString),
            ("step", deadline.map { "\($0.step.code) (\($0.step.actor.en)), due \($0.dueOn)\($0.daysLate(on: today()) > 0 ? ", \($0.daysLate(on: today())) day(s) late" : "")" }),
        ])
        print("documents:")
        for document in documents {
            print("  [\(items[document.code] == true ? "x" : " ")] \(document.code)\(document.isRequired ? " (required)" : "")  \(document.name.vi) / \(document.name.en)")
        }
        print(sheets.isEmpty ? "council sheets: none" : "council sheets:")
        for sheet in sheets {
            print("  \(sheet.scoredOn)  \(formatScore(sheet.total))  \(sheet.member)")
        }
    }
}
