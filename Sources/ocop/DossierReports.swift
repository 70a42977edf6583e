import ArgumentParser
import Foundation
import OCOPModel
import OCOPReplica

// `ocop report dossiers` and `ocop report overdue`: the intake's work lists. Unlike the other
// reports they read a replica (--replica): dossiers are a province office's work, and the
// central office runs them on its own replica or on the national dataset file, which hold
// every province's dossiers.

/// `--replica`, `--date` and `--json` of the dossier reports, and what both read.
struct DossierReportOptions: ParsableArguments {
    @OptionGroup var replicaOptions: ReplicaOptions
    @Option(help: ArgumentHelp("The report date (default: today).", valueName: "date"), transform: ArgumentParsers.date)
    var date: LocalDate?
    @Flag(help: "Print JSON.") var json = false

    /// The report date, the dossiers and the products' names of the replica.
    func read() throws -> (date: LocalDate, dossiers: [Dossier], products: [UUID: String]) {
        let replica = try replicaOptions.open()
        let products = Dictionary(uniqueKeysWithValues: try replica.fetchAll(Product.self).map { ($0.id, $0.nameVi) })
        return (date ?? today(), try replica.fetchAll(Dossier.self), products)
    }
}

extension ReportCommand {
    struct DossiersReport: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dossiers",
            abstract: "Dossiers by stage: counts, then each dossier with its days at the stage.",
            discussion: "Days at the stage are counted to --date (default today); dossiers received after it are left out."
        )

        @OptionGroup var options: DossierReportOptions
        @Option(help: "Only dossiers at this stage.") var stage: Dossier.Stage?

        func run() throws {
            let (date, all, products) = try options.read()
            let procedure = ReferenceData.standard.dossierProcedure
            let dossiers = all.filter { $0.receivedOn <= date }
            let shown = dossiers.filter { stage == nil || $0.stage == stage }
                .sorted { (Dossier.Stage.allCases.firstIndex(of: $0.stage)!, $0.stageDate ?? date, $0.reference)
                    < (Dossier.Stage.allCases.firstIndex(of: $1.stage)!, $1.stageDate ?? date, $1.reference) }
            let counts = Dictionary(grouping: dossiers, by: \.stage).mapValues(\.count)
            if options.json {
                try printJSON(.object([
                    "date": .string(date.description),
                    "counts": .object(Dictionary(uniqueKeysWithValues: Dossier.Stage.allCases.map { ($0.rawValue, JSONValue.int(counts[$0] ?? 0)) })),
                    "dossiers": .array(shown.map { dossier in
                        let deadline = procedure.deadline(of: dossier)
                        return .object([
                            "id": .uuid(dossier.id), "reference": .string(dossier.reference),
                            "product_id": .uuid(dossier.productID), "product": .string(products[dossier.productID]),
                            "stage": .string(dossier.stage.rawValue), "proposed": .bool(dossier.isProposedToCentralOffice),
                            "since": .string(dossier.stageDate?.description),
                            "days": dossier.stageDate.map { .int($0.days(to: date)) } ?? .null,
                            "step": .string(deadline?.step.code), "due_on": .string(deadline?.dueOn.description),
                            "overdue": .bool((deadline?.daysLate(on: date) ?? 0) > 0),
                        ])
                    }),
                ]))
                return
            }
            print(Dossier.Stage.allCases.map { "\($0.rawValue) \(counts[$0] ?? 0)" }.joined(separator: ", "))
            guard !shown.isEmpty else { return }
            var table = TextTable("STAGE", "SINCE", "DAYS", "DUE", "REFERENCE", "PRODUCT")
            for dossier in shown {
                let deadline = procedure.deadline(of: dossier)
                let late = deadline.map { $0.daysLate(on: date) } ?? 0
                table.add(stageText(dossier), dossier.stageDate?.description ?? "-", dossier.stageDate.map { String($0.days(to: date)) } ?? "-",
                          deadline.map { $0.dueOn.description + (late > 0 ? " (late)" : "") } ?? "-",
                          dossier.reference, products[dossier.productID] ?? dossier.productID.lowercasedString)
            }
            print(table.render())
        }
    }

    struct OverdueReport: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "overdue",
            abstract: "Dossiers past their step's statutory days: the step, who acts, the days late.",
            discussion: """
                Steps and days (calendar days from the stage's date; the days are our choice, the \
                decisions set none): \(ReferenceData.standard.dossierProcedure.steps.map { "\($0.code) \($0.days)" }.joined(separator: ", ")). \
                A dossier returned to the producer or proposed to the central office waits on no office.
                """
        )

        @OptionGroup var options: DossierReportOptions

        func run() throws {
            let (date, dossiers, products) = try options.read()
            let procedure = ReferenceData.standard.dossierProcedure
            let late = dossiers.compactMap { dossier -> (Dossier, DossierDeadline)? in
                guard let deadline = procedure.deadline(of: dossier), deadline.daysLate(on: date) > 0 else { return nil }
                return (dossier, deadline)
            }.sorted { ($1.1.daysLate(on: date), $0.0.reference) < ($0.1.daysLate(on: date), $1.0.reference) }
            if options.json {
                try printJSON(.array(late.map { dossier, deadline in
                    .object([
                        "id": .uuid(dossier.id), "reference": .string(dossier.reference),
                        "product_id": .uuid(dossier.productID), "product": .string(products[dossier.productID]),
                        "stage": .string(dossier.stage.rawValue), "step": .string(deadline.step.code),
                        "actor": .string(deadline.step.actor.vi), "days_allowed": .int(deadline.step.days),
                        "started_on": .string(deadline.startedOn.description), "due_on": .string(deadline.dueOn.description),
                        "days_late": .int(deadline.daysLate(on: date)),
                    ])
                }))
                return
            }
            var table = TextTable("DAYS LATE", "DUE", "STEP", "ACTOR", "REFERENCE", "PRODUCT")
            for (dossier, deadline) in late {
                table.add(String(deadline.daysLate(on: date)), deadline.dueOn.description, "\(deadline.step.code) (\(deadline.step.days) days)",
                          deadline.step.actor.vi, dossier.reference, products[dossier.productID] ?? dossier.productID.lowercasedString)
            }
            if !late.isEmpty { print(table.render()) }
            print("\(late.count) dossier(s) overdue on \(date).")
        }
    }
}
