import Foundation
import OCOPModel
import OCOPReplica

/// The demo's application dossier: a product of Cà Mau goes through the whole cycle offline,
/// step by step as the offices record it over six weeks, ending certified.
enum DemoDossier {
    /// The dossier's reference, to find it again in the national dataset.
    static func reference(_ today: LocalDate) -> String { "HS-\(today.year)-0001" }

    /// Records the cycle on `replica` (Cà Mau's, province `code`), dated back from `today`; `say`
    /// prints each step.
    static func run(on replica: Replica, tenant: UUID, code: String, today: LocalDate, say: (String) -> Void) throws {
        func daysAgo(_ days: Int) -> LocalDate { (try? today.adding(days: -days)) ?? today }
        let producer = Producer(tenantID: tenant, name: "Hợp tác xã Tôm khô Rạch Gốc", type: .cooperative, commune: "Xã Tân Ân")
        let product = Product(tenantID: tenant, producerID: producer.id, classificationCode: "1.3.d", nameVi: "Tôm khô Rạch Gốc",
                              nameEn: "Rach Goc dried shrimp", descriptionVi: "Tôm đất phơi nắng, bóc vỏ thủ công.")
        try replica.save(producer)
        try replica.save(product)
        guard let checklist = ReferenceData.standard.dossierChecklist(rules: "QD148-2023") else {
            throw CLIError(.internalError, lines: ["error: internal error: no dossier checklist for QD148-2023"])
        }
        var dossier = try Dossier.received(tenantID: tenant, productID: product.id, producerID: producer.id, reference: reference(today),
                                           on: daysAgo(42), by: "UBND xã Tân Ân", rules: checklist.rules,
                                           present: Set(checklist.codes).subtracting(["legal_papers"]))
        try replica.save(dossier)
        say("\(dossier.receivedOn) dossier \(dossier.reference) for \(product.nameVi) received by the commune: 9 of 10 documents")
        dossier = try dossier.returned(on: daysAgo(40))
        try replica.save(dossier)
        say("\(daysAgo(40)) returned to the producer: \(dossier.reasons ?? "")")
        dossier = try dossier.receivedAgain(on: daysAgo(33), present: Set(checklist.codes))
        dossier = try dossier.checked(on: daysAgo(31))
        try replica.save(dossier)
        say("\(daysAgo(33)) received again complete; \(daysAgo(31)) checked and forwarded to the province")
        dossier = try dossier.sentToCouncil(on: daysAgo(21))
        try replica.save(dossier)
        var sheets: [CouncilScoreSheet] = []
        for (index, total) in [72.0, 74, 75, 76, 78].enumerated() {
            sheets.append(try CouncilScoreSheet.scoring(dossier, member: "Ủy viên \(index + 1)", on: daysAgo(7),
                                                        scores: DemoCatalogue.sheet(total: total).scores, recorded: sheets))
        }
        try replica.saveAll(sheets)
        let score = try CouncilScoring.score(dossier, sheets: sheets)
        say("\(daysAgo(21)) sent to the council; \(daysAgo(7)) five members score it: \(score.memberTotals.map { String(format: "%.0f", $0) }.joined(separator: ", ")) → mean \(String(format: "%.0f", score.total)), \(score.stars)★")
        let evaluation = score.evaluation(tenantID: tenant, productID: product.id)
        guard let authority = DecisionAuthority.province(code: code, on: daysAgo(3)) else {
            throw CLIError(.internalError, lines: ["error: internal error: \(code) is not a province code on \(daysAgo(3))"])
        }
        let decision = try CertificateLedger.issue(number: "\(today.year)-\(code)-OCOP-101", for: evaluation, authority: authority,
                                                   decidedBy: "ocop demo", issuedOn: daysAgo(3), replacing: nil)
        guard let certificate = decision.issued else {
            throw CLIError(.internalError, lines: ["error: internal error: the certificate decision issued no certificate"])
        }
        dossier = try dossier.certified(on: daysAgo(3), evaluation: evaluation, certificate: certificate)
        try replica.saveTogether([evaluation], decision: decision, then: [dossier])
        say("\(daysAgo(3)) \(authority.name) decides: certified \(evaluation.stars)★, certificate \(certificate.number)")
    }
}
