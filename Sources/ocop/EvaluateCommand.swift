import ArgumentParser
import Foundation
import OCOPModel
import OCOPReplica

/// One `--score CODE=POINTS` argument.
struct CriterionScore: ExpressibleByArgument, Sendable {
    var code: String
    var points: Double

    init?(argument: String) {
        let parts = argument.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, !parts[0].isEmpty, let points = try? ArgumentParsers.number(parts[1]) else { return nil }
        code = parts[0].uppercased()
        self.points = points
    }

    static var defaultValueDescription: String { "CODE=POINTS" }
}

/// `ocop evaluate [record]`: scores a product against a criteria set, prints the result and
/// records the evaluation (the default subcommand of `ocop evaluate`).
struct EvaluateRecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Score a product (score sheet → part totals, total, stars) and record the evaluation.",
        discussion: """
            Every criterion of the set must be scored, each from 0 to its maximum. Examples:
              ocop evaluate --product 8934567890120 --criteria-set QD148-2023 \\
                --date 2025-08-01 --score A1=7 --score A2=5 ... --score C5=3 --bonus 2
              ocop evaluate --product 8934567890120 --sheet hoi-dong.json --dry-run
            A sheet file is a JSON object of criterion code → points, e.g. {"A1": 7, "A2": 5.5, ...}; \
            it may also hold "bonus" and "criteria_set". --score and --bonus override the file.
            A total of 90 or more is a 5★ candidate, proposed to the central office. \
            Invalid sheets exit 1 and record nothing.
            """
    )

    @OptionGroup var replicaOptions: ReplicaOptions
    @Option(help: ArgumentHelp("The product: id, GTIN or name.", valueName: "product")) var product: String
    @Option(help: ArgumentHelp("Criteria set, e.g. QD148-2023 (default: the one in force on --date).", valueName: "id"))
    var criteriaSet: String?
    @Option(name: .customLong("score"), help: ArgumentHelp("Points for one criterion, e.g. A1=7 (repeat for each).", valueName: "code=points"))
    var scores: [CriterionScore] = []
    @Option(help: ArgumentHelp("A JSON file of criterion code → points.", valueName: "file.json")) var sheet: String?
    @Option(help: ArgumentHelp("Bonus points (women, ethnic minorities, local materials and labour).", valueName: "points"),
            transform: ArgumentParsers.number)
    var bonus: Double?
    @Option(help: ArgumentHelp("Date of the council's evaluation, YYYY-MM-DD (default: today).", valueName: "date"),
            transform: ArgumentParsers.date)
    var date: LocalDate?
    @Option(help: "The council: province or central (default: this replica's level).") var council: CouncilLevel?
    @Flag(help: "Only print the result; record nothing.") var dryRun = false
    @Flag(help: "Print the result as JSON.") var json = false

    func validate() throws {
        if scores.isEmpty && sheet == nil {
            throw ArgumentParser.ValidationError("give the scores with --score CODE=POINTS (one per criterion) or --sheet FILE.json")
        }
        var seen = Set<String>()
        for score in scores where !seen.insert(score.code).inserted {
            throw ArgumentParser.ValidationError("--score \(score.code) is given twice")
        }
    }

    func run() throws {
        let replica = try replicaOptions.open()
        let product = try replica.product(product)
        let reference = ReferenceData.standard
        var points: [String: Double] = [:]
        var sheetBonus: Double?
        var sheetSet: String?
        if let sheet { (points, sheetBonus, sheetSet) = try Self.readSheet(sheet) }
        for score in scores { points[score.code] = score.points }
        let date = date ?? today()
        try requireNotInTheFuture(date, option: "--date", what: "an evaluation is recorded on the day the council met")
        let setID: String
        if let id = criteriaSet ?? sheetSet {
            setID = id.trimmedNFC()
        } else if let inForce = reference.criteriaSet(on: date) {
            setID = inForce.id
        } else {
            throw CLIError.badData("evaluations.criteria_set: no criteria set was in force on \(date); give --criteria-set")
        }
        guard let set = reference.criteriaSet(id: setID) else {
            let known = reference.criteriaSets.map(\.id).joined(separator: ", ")
            throw CLIError.badData("evaluations.criteria_set: \"\(setID)\" is not a known criteria set (known: \(known))")
        }
        let council = council ?? replica.councilLevel
        if replica.role == .province && council == .central {
            throw CLIError.badData("evaluations.council: a province replica records province (or, before 2025-07-01, district) council evaluations; the central office records its own")
        }
        let scoreSheet = ScoreSheet(criteriaSetID: set.id, scores: points, bonus: bonus ?? sheetBonus ?? 0)
        let result = try scoreSheet.evaluate(using: set)
        let evaluation = try Evaluation(tenantID: product.tenantID, productID: product.id, evaluatedOn: date, council: council,
                                        sheet: scoreSheet, reference: reference)
        try evaluation.validate(reference: reference)
        let decision = reference.certificationPolicy.decision(for: evaluation)
        // A re-evaluation below 3★ ends the certificates in force that day (a dated revocation).
        let certificates = try replica.certificates(ofProduct: product.id)
        let ended = try CertificateLedger.end(
            certificates, events: try replica.certificateEvents(ofCertificates: certificates.map(\.id)), byReevaluation: evaluation,
            authority: certificates.isEmpty ? .central(on: date) : try replica.decisionAuthority(on: date, level: council),
            decidedBy: Replica.decider(nil), reference: reference)
        if !dryRun { try replica.save(evaluation, then: ended, reference: reference) }

        if json {
            try printJSON(.object([
                "id": dryRun ? .null : .uuid(evaluation.id),
                "product_id": .uuid(product.id),
                "criteria_set": .string(set.id),
                "evaluated_on": .string(date.description),
                "council": .string(council.rawValue),
                "parts": .object(Dictionary(uniqueKeysWithValues: set.parts.map { ($0.code, JSONValue.score(result.partTotal($0.code))) })),
                "criterion_scores": .object(points.mapValues(JSONValue.score)),
                "bonus": .score(result.bonus),
                "total": .score(result.total),
                "stars": .int(result.stars),
                "decision": .string(Self.decisionCode(decision)),
                "five_star_candidate": .bool(decision.isFiveStarCandidate),
                "recorded": .bool(!dryRun),
            ]))
            return
        }
        print("Evaluation of \(product.nameVi) (\(product.id.lowercasedString))")
        print("criteria set \(set.id) (\(set.decision)), \(council.rawValue) council, \(date)")
        var table = TextTable("PART", "", "POINTS", "MAX")
        for part in set.parts {
            table.add(part.code, "\(part.name.vi) / \(part.name.en)", formatScore(result.partTotal(part.code)), formatScore(part.maximum))
        }
        if set.bonusMaximum > 0 || result.bonus > 0 {
            table.add("", "Điểm cộng / Bonus", formatScore(result.bonus), formatScore(set.bonusMaximum))
        }
        table.add("", "Tổng / Total", formatScore(result.total), formatScore(set.maximumTotal))
        print(table.render())
        print("Stars: \(starsText(result.stars))")
        switch decision {
        case .noCertificate(let stars):
            print("\(starsText(stars)) is below \(starsText(reference.certificationPolicy.minimumCertifiedStars)): no certificate is issued.")
        case .certify(let stars):
            print("The \(council.rawValue) council may certify \(starsText(stars)): ocop certify --product \(product.id.lowercasedString) --evaluation \(dryRun ? "ID" : evaluation.id.lowercasedString) --number NUMBER --date YYYY-MM-DD")
        case .propose(5, .central):
            print("5★ candidate: proposed to the central office")
        case .propose(let stars, let level):
            print("\(starsText(stars)) is certified at the \(level.rawValue) level: proposed there.")
        case .notAuthorised(let level):
            print("The \(level.rawValue) level certifies nothing on \(date).")
        }
        for certificate in ended?.certificates ?? [] {
            print("\(dryRun ? "Would end" : "Ended") certificate \(certificate.number) (\(starsText(certificate.stars))) from \(date): re-evaluated below \(starsText(reference.certificationPolicy.minimumCertifiedStars)).")
        }
        print(dryRun ? "Dry run: nothing recorded." : "Recorded evaluation \(evaluation.id.lowercasedString).")
    }

    static func decisionCode(_ decision: CertificationDecision) -> String {
        switch decision {
        case .noCertificate: return "no_certificate"
        case .certify: return "certify"
        case .propose: return "propose"
        case .notAuthorised: return "not_authorised"
        }
    }

    /// Reads a sheet file: criterion code → points, plus optional `bonus` and `criteria_set`.
    static func readSheet(_ path: String) throws -> (scores: [String: Double], bonus: Double?, criteriaSet: String?) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError.notFound("cannot read the score sheet \(path)")
        }
        guard case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            throw CLIError.badData("\(path): not a JSON object of criterion code → points, e.g. {\"A1\": 7, \"A2\": 5.5}")
        }
        var scores: [String: Double] = [:]
        var bonus: Double?
        var criteriaSet: String?
        var problems: [String] = []
        for (key, value) in object.sorted(by: { $0.key < $1.key }) {
            let code = key.trimmingCharacters(in: .whitespaces)
            switch code.lowercased() {
            case "criteria_set":
                if case .string(let id) = value { criteriaSet = id } else { problems.append("\(path): criteria_set: must be a string such as \"QD148-2023\"") }
            case "bonus":
                if let number = value.number { bonus = number } else { problems.append("\(path): bonus: must be a number") }
            default:
                if let number = value.number { scores[code.uppercased()] = number } else { problems.append("\(path): \(code): must be a number") }
            }
        }
        if !problems.isEmpty { throw CLIError(.badData, lines: problems.map { "error: " + $0 }) }
        return (scores, bonus, criteriaSet)
    }
}
