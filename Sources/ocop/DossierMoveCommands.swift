import ArgumentParser
import Foundation
import OCOPModel
import OCOPReplica

/// `ocop dossier receive`: a new dossier, or a returned one received again completed.
struct DossierReceiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receive",
        abstract: "Receive a dossier (tiếp nhận hồ sơ): new, or a returned one completed.",
        discussion: """
            Every document of the rules' checklist is recorded present or missing: --present lists \
            those present (the rest missing), --missing those missing (the rest present); each \
            takes comma-separated codes, `all` or `none`. Examples:
              ocop dossier receive --reference HS-2025-0042 --product 8934567890120 \\
                --office "UBND xã Suối Giàng" --date 2025-08-04 --missing label
              ocop dossier receive --reference HS-2025-0042 --date 2025-08-12 --missing none
            The second receives the returned dossier again: the statutory days count from the \
            new date. A reference already in use by a dossier that is not returned exits 2.
            """
    )

    @OptionGroup var replicaOptions: ReplicaOptions
    @Option(help: ArgumentHelp("The office's receipt reference, e.g. HS-2025-0042.", valueName: "ref")) var reference: String
    @Option(help: ArgumentHelp("The product: id, GTIN or name (a new dossier).", valueName: "product")) var product: String?
    @Option(help: ArgumentHelp("The office that received it, e.g. \"UBND xã Suối Giàng\" (a new dossier).", valueName: "office"))
    var office: String?
    @Option(help: ArgumentHelp("The rules (criteria set) it is evaluated under (default: the one in force on --date).", valueName: "id"))
    var rules: String?
    @Option(help: ArgumentHelp("Documents present: codes, comma-separated, or `all`.", valueName: "codes")) var present: String?
    @Option(help: ArgumentHelp("Documents missing: codes, comma-separated, or `none`.", valueName: "codes")) var missing: String?
    @Option(help: ArgumentHelp("Day of receipt, YYYY-MM-DD (default: today).", valueName: "date"), transform: ArgumentParsers.date)
    var date: LocalDate?
    @Flag(help: "Print the dossier as JSON.") var json = false

    func validate() throws {
        if (present == nil) == (missing == nil) {
            throw ArgumentParser.ValidationError("say which documents the dossier holds: --present CODES (or all), or --missing CODES (or none)")
        }
    }

    func run() throws {
        let day = date ?? today()
        try requireNotInTheFuture(day, option: "--date", what: "a dossier is recorded on the day it is received")
        let replica = try replicaOptions.open()
        let reference = ReferenceData.standard
        let dossier: Dossier
        if let existing = try replica.findDossier(self.reference) {
            if let product, try replica.product(product).id != existing.productID {
                throw CLIError.badData("dossiers.product_id: dossier \(existing.reference) is of another product; a new dossier needs a new reference")
            }
            if let rules, rules.trimmedNFC() != existing.rules {
                throw CLIError.badData("dossiers.rules: dossier \(existing.reference) is evaluated under \(existing.rules), not \(rules)")
            }
            let documents = try presentDocuments(present: present, missing: missing, rules: existing.rules, reference: reference)
            dossier = try movingDossier { try existing.receivedAgain(on: day, by: office, present: documents) }
        } else {
            guard let product else { throw CLIError.usage("--product: a new dossier names its product (id, GTIN or name)") }
            guard let office else { throw CLIError.usage("--office: a new dossier names the office that received it") }
            let item = try replica.product(product)
            guard let rules = rules?.trimmedNFC() ?? reference.criteriaSet(on: day)?.id else {
                throw CLIError.badData("dossiers.rules: no criteria set was in force on \(day); give --rules")
            }
            let documents = try presentDocuments(present: present, missing: missing, rules: rules, reference: reference)
            dossier = try Dossier.received(tenantID: item.tenantID, productID: item.id, producerID: item.producerID,
                                           reference: self.reference, on: day, by: office, rules: rules, present: documents)
        }
        let checklist = reference.dossierChecklist(rules: dossier.rules)
        let items = try dossier.decodedChecklist()
        let missingDocuments = checklist?.missing(in: items) ?? []
        var line = "Received dossier \(dossier.reference) (\(dossier.id.lowercasedString)) on \(day): "
            + "\(items.values.filter { $0 }.count) of \(items.count) documents present"
        if !missingDocuments.isEmpty { line += "; missing \(documentList(missingDocuments))" }
        if let required = checklist?.missingRequired(in: items), !required.isEmpty {
            line += "\nRequired documents missing: return it with `ocop dossier return --dossier \(dossier.reference)`."
        }
        try replica.saveTogether([dossier])
        if json { try printJSON(JSONValue.record(dossier)) } else { print(line) }
    }
}

/// `ocop dossier check`: checked complete, forwarded to the province.
struct DossierCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Record that the commune checked the dossier complete and forwarded it to the province.",
        discussion: "Refused (exit 1, dossiers.checklist) while a required document is missing: return it instead."
    )

    @OptionGroup var options: DossierMoveOptions

    func run() throws {
        try options.move("a check is recorded on the day it was made", { try $0.checked(on: $1) }) {
            "Dossier \($0.reference) checked complete on \($1) and forwarded to the province."
        }
    }
}

/// `ocop dossier return`: sent back to the producer as incomplete.
struct DossierReturnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "return",
        abstract: "Return a received dossier to the producer as incomplete, naming the missing documents.",
        discussion: """
            --missing marks documents missing (default: the required ones the checklist lacks); the \
            reasons name them in Vietnamese, followed by --reason. Example:
              ocop dossier return --dossier HS-2025-0042 --missing label --reason "Nhãn chưa ghi hạn sử dụng"
            """
    )

    @OptionGroup var options: DossierMoveOptions
    @Option(help: ArgumentHelp("Documents missing, comma-separated codes.", valueName: "codes")) var missing: String?
    @Option(help: ArgumentHelp("Why, in words for the producer.", valueName: "text")) var reason: String?

    func run() throws {
        let codes = Set((missing ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty })
        try options.move("a return is recorded on the day the letter is sent", { try $0.returned(on: $1, missing: codes, reason: reason) }) {
            "Dossier \($0.reference) returned to the producer on \($1): \($0.reasons ?? "")"
        }
    }
}

/// `ocop dossier send`: put before the province's council.
struct DossierSendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send a checked dossier to the province's evaluation council."
    )

    @OptionGroup var options: DossierMoveOptions

    func run() throws {
        try options.move("a dossier is recorded as sent on the day it was sent", { try $0.sentToCouncil(on: $1) }) {
            "Dossier \($0.reference) sent to the council on \($1); members score it with `ocop dossier score`."
        }
    }
}

/// `ocop dossier withdraw`: withdrawn by the producer.
struct DossierWithdrawCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "withdraw",
        abstract: "Record that the producer withdrew a dossier not yet decided.",
        discussion: "The day opens the reasons (the schema has no column for it): \"Chủ thể rút hồ sơ ngày D: REASON\"."
    )

    @OptionGroup var options: DossierMoveOptions
    @Option(help: ArgumentHelp("Why, as the producer said.", valueName: "text")) var reason: String?

    func run() throws {
        try options.move("a withdrawal is recorded on the day it was asked for", { try $0.withdrawn(on: $1, reason: reason) }) {
            "Dossier \($0.reference) withdrawn on \($1)."
        }
    }
}
