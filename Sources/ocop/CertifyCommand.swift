import ArgumentParser
import Foundation
import OCOPModel
import OCOPReplica

/// `ocop certify`: issues a certificate for an evaluation under the certification policy.
struct CertifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certify",
        abstract: "Issue an OCOP certificate for a product's evaluation (valid 36 months).",
        discussion: """
            A province replica issues 3★ and 4★ certificates; 5★ is certified by the central office \
            only (a province's 5★ evaluation is a proposal). The new certificate supersedes the \
            product's previous one and refers to it. Example:
              ocop certify --product 8934567890120 --number 123/QĐ-UBND --date 2025-08-15
            Without --evaluation the product's latest evaluation is used. --stars, if given, must \
            match the evaluation's stars (a safety check).
            """
    )

    @OptionGroup var replicaOptions: ReplicaOptions
    @Option(help: ArgumentHelp("The product: id, GTIN or name.", valueName: "product")) var product: String
    @Option(help: ArgumentHelp("The evaluation certified (default: the product's latest).", valueName: "uuid"),
            transform: ArgumentParsers.uuid)
    var evaluation: UUID?
    @Option(help: ArgumentHelp("The decision number as printed, e.g. 123/QĐ-UBND.", valueName: "number")) var number: String
    @Option(help: ArgumentHelp("Date of issue, YYYY-MM-DD.", valueName: "date"), transform: ArgumentParsers.date)
    var date: LocalDate
    @Option(help: ArgumentHelp("The star level expected (checked against the evaluation).", valueName: "n")) var stars: Int?
    @Option(help: ArgumentHelp("Who records the decision (default: the system user).", valueName: "name")) var decidedBy: String?
    @Flag(help: "Print the certificate (and the one it supersedes) as JSON.") var json = false

    func run() throws {
        try requireNotInTheFuture(date, option: "--date", what: "a certificate is recorded once its decision is signed")
        let replica = try replicaOptions.open()
        let reference = ReferenceData.standard
        let policy = reference.certificationPolicy
        let product = try replica.product(product)
        let evaluation: Evaluation
        if let id = self.evaluation {
            evaluation = try replica.evaluation(id)
            guard evaluation.productID == product.id else {
                throw CLIError.badData("certificates.evaluation_id: evaluation \(id.lowercasedString) is of another product, not \(product.nameVi)")
            }
        } else {
            guard let latest = try replica.evaluations(ofProduct: product.id).last else {
                throw CLIError.notFound("product \(product.nameVi) (\(product.id.lowercasedString)) has no evaluation; record one with `ocop evaluate` first")
            }
            evaluation = latest
        }
        if let stars, stars != evaluation.stars {
            throw CLIError.badData("certificates.stars: evaluation \(evaluation.id.lowercasedString) earned \(starsText(evaluation.stars)), not \(starsText(stars))")
        }
        let issuer = replica.councilLevel
        if !policy.mayCertify(stars: evaluation.stars, by: issuer, on: date),
           case .propose(let proposed, let level) = policy.decision(forStars: evaluation.stars, by: issuer, on: date) {
            throw CLIError.badData("certificates.stars: a \(issuer.rawValue) replica cannot issue a \(starsText(proposed)) certificate: \(starsText(proposed)) is certified by the \(level == .central ? "central office" : "\(level.rawValue) level") only (this product is a \(starsText(proposed)) candidate, proposed there)")
        }
        let certificates = try replica.certificates(ofProduct: product.id)
        if let used = certificates.first(where: { $0.evaluationID == evaluation.id }) {
            throw CLIError.badData("certificates.evaluation_id: evaluation \(evaluation.id.lowercasedString) is already certified by \(used.number) (\(used.id.lowercasedString)); evaluate the product again to re-certify it")
        }
        let decision = try CertificateLedger.issueNext(
            number: number, for: evaluation, authority: try replica.decisionAuthority(on: date, level: issuer),
            decidedBy: Replica.decider(decidedBy), issuedOn: date, productCertificates: certificates,
            numberHolder: try replica.certificate(numbered: number), reference: reference)
        try replica.save(decision, reference: reference)
        let issuance = CertificateIssuance(decision)

        let certificate = issuance.certificate
        if json {
            try printJSON(.object([
                "certificate": try JSONValue.record(certificate),
                "previous": try issuance.previous.map(JSONValue.record) ?? .null,
            ]))
            return
        }
        print("Issued certificate \(certificate.number): \(starsText(certificate.stars)) for \(product.nameVi)")
        printFields([
            ("id", certificate.id.lowercasedString),
            ("product", product.id.lowercasedString),
            ("evaluation", certificate.evaluationID?.lowercasedString),
            ("issuer", certificate.issuer.rawValue),
            ("issued", certificate.issuedOn.description),
            ("expires", certificate.expiresOn.description),
            ("status", certificate.status.rawValue),
            ("replaces", issuance.previous.map { "\($0.number) (\($0.id.lowercasedString)), now \($0.status.rawValue)" }),
        ])
    }
}
