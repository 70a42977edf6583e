import Foundation
import OCOPModel

/// What deciding a dossier did: the council's score and the outcome, saved together.
package struct DossierDecision: Sendable {
    package enum Outcome: Sendable {
        /// Below 3★: not certified for `reasons`; certificates in force that the re-evaluation ended.
        case notCertified(reasons: String, ended: [Certificate])
        /// 3★ or 4★: certified with this certificate (the previous one, if any, replaced).
        case certified(Certificate, replaced: Certificate?)
        /// A 5★ candidate: proposed to the central office; the dossier stays before the council.
        case proposed(stars: Int)
        /// A proposal closed by the central office's certificate, pulled by a sync.
        case closedByCentralOffice(Certificate)
    }

    /// The dossier as saved.
    package var dossier: Dossier
    /// The council's score (nil when the central office's certificate closed a proposal).
    package var score: CouncilScore?
    package var outcome: Outcome
}

extension Replica {
    /// The council members' sheets of a dossier, oldest first.
    package func councilSheets(of dossier: Dossier) throws -> [CouncilScoreSheet] {
        try fetchAll(CouncilScoreSheet.self).filter { $0.dossierID == dossier.id }
    }

    /// Certificates of a product, oldest first (by issue date, then id).
    package func certificates(ofProduct id: UUID) throws -> [Certificate] {
        try fetchAll(Certificate.self).filter { $0.productID == id }
            .sorted { ($0.issuedOn, $0.id.uuidString) < ($1.issuedOn, $1.id.uuidString) }
    }

    /// The certificate with this number, if one has it.
    package func certificate(numbered number: String) throws -> Certificate? {
        let trimmed = number.trimmedNFC()
        return try fetchAll(Certificate.self).first { $0.number == trimmed }
    }

    /// The council level this replica acts as: the province council, or the central office.
    package var councilLevel: CouncilLevel { role == .province ? .province : .central }

    /// The authority this replica decides as on `date`, named as it was that day: the ministry,
    /// or the People's Committee of the province under the code its tenant had then.
    package func decisionAuthority(on date: LocalDate, level: CouncilLevel? = nil) throws -> DecisionAuthority {
        guard let tenantID else { return .central(on: date) }
        guard let tenant = try fetch(Tenant.self, id: tenantID) else {
            // Its own tenant row arrives on the first sync; until then the code is not known here.
            return DecisionAuthority(level: level ?? councilLevel, code: nil, name: "UBND cấp tỉnh (tenant \(tenantID.uuidString.lowercased()))")
        }
        guard let authority = DecisionAuthority.of(tenant, on: date, level: level ?? councilLevel) else {
            throw ValidationErrors([ValidationError(record: Tenant.schema.name, field: "code",
                                                    reason: "province code \(tenant.code) (\(tenant.name)) was not in use on \(date)")])
        }
        return authority
    }

    /// Decides a dossier before the council, the one way the command line and the workspace
    /// both do: the score is the mean of the members' sheets; below 3★ it is not certified
    /// (ending certificates in force), 3★ and 4★ are certified with certificate `number`, 5★ is
    /// proposed to the central office, and a proposal is closed once the central office's
    /// certificate has arrived. Everything is saved in one transaction, or nothing.
    ///
    /// Refusals are ``ValidationErrors``: on `dossiers.stage` for a wrong stage, a council below
    /// its quorum, a proposal still waiting, or a central-office replica deciding a province's
    /// dossier; on `certificates.number` when a certificate is due and `number` is missing.
    package func decide(_ dossier: Dossier, on day: LocalDate, number: String?, reason: String?, decidedBy: String,
                        audit user: String? = nil, reference: ReferenceData = .standard) throws -> DossierDecision {
        func stageProblem(_ reason: String) -> ValidationErrors {
            ValidationErrors([ValidationError(record: Dossier.schema.name, field: "stage", reason: reason)])
        }
        if let refusal = dossier.refusal(of: .decide) { throw ValidationErrors([refusal]) }
        if dossier.isProposedToCentralOffice, let evaluationID = dossier.evaluationID {
            guard let evaluation = try fetch(Evaluation.self, id: evaluationID) else {
                throw stageProblem("dossier \(dossier.reference)'s evaluation \(evaluationID.uuidString.lowercased()) is not in this replica")
            }
            guard let certificate = try certificates(ofProduct: dossier.productID).first(where: { $0.evaluationID == evaluationID }) else {
                throw stageProblem("dossier \(dossier.reference) is proposed to the central office for \(evaluation.stars)★; it is decided when the central office's certificate arrives (run `ocop sync`)")
            }
            let decided = try dossier.certified(on: day, evaluation: evaluation, certificate: certificate)
            try saveTogether([decided], audit: user.map { ($0, "decided") })
            return DossierDecision(dossier: decided, score: nil, outcome: .closedByCentralOffice(certificate))
        }
        guard role == .province else {
            throw stageProblem("dossier \(dossier.reference) is decided by its province's People's Committee: record the decision on the province's replica (the central office certifies 5★ with `ocop central certify`)")
        }
        let score = try CouncilScoring.score(dossier, sheets: try councilSheets(of: dossier), referenceData: reference)
        let evaluation = score.evaluation(tenantID: dossier.tenantID, productID: dossier.productID, council: .province)
        let authority = try decisionAuthority(on: day, level: evaluation.council)
        let audit = user.map { ($0, "decided") }
        switch reference.certificationPolicy.decision(for: evaluation) {
        case .noCertificate:
            let reasons = Dossier.notCertifiedReasons(for: evaluation, extra: reason)
            let decided = try dossier.notCertified(on: day, evaluation: evaluation, reasons: reasons)
            // A re-evaluation below 3★ ends the product's certificates in force, as `ocop evaluate` does.
            let certificates = try certificates(ofProduct: dossier.productID)
            let ended = try CertificateLedger.end(
                certificates, events: try certificateEvents(ofCertificates: certificates.map(\.id)), byReevaluation: evaluation,
                authority: authority, decidedBy: decidedBy, reference: reference)
            try saveTogether([evaluation], decision: ended, then: [decided], audit: audit)
            return DossierDecision(dossier: decided, score: score, outcome: .notCertified(reasons: reasons, ended: ended?.certificates ?? []))
        case .certify(let stars):
            guard let number = number?.trimmedNFCOrNil() else {
                throw ValidationErrors([ValidationError(record: Certificate.schema.name, field: "number",
                                                        reason: "dossier \(dossier.reference) earned \(stars)★; give the certificate (decision) number to issue")])
            }
            let issued = try CertificateLedger.issueNext(
                number: number, for: evaluation, authority: authority, decidedBy: decidedBy, issuedOn: day,
                productCertificates: try certificates(ofProduct: evaluation.productID), numberHolder: try certificate(numbered: number))
            guard let certificate = issued.issued else {
                throw ReplicaError(code: .invalidChange, message: "the certificate decision issued no certificate")
            }
            let decided = try dossier.certified(on: day, evaluation: evaluation, certificate: certificate)
            try saveTogether([evaluation], decision: issued, then: [decided], audit: audit)
            return DossierDecision(dossier: decided, score: score, outcome: .certified(certificate, replaced: issued.replaced))
        case .propose(let stars, _):
            let proposed = try dossier.proposed(evaluation: evaluation)
            try saveTogether([evaluation, proposed], audit: audit)
            return DossierDecision(dossier: proposed, score: score, outcome: .proposed(stars: stars))
        case .notAuthorised(let level):
            throw ValidationErrors([ValidationError(record: Evaluation.schema.name, field: "council",
                                                    reason: "the \(level.rawValue) level certifies nothing on \(evaluation.evaluatedOn)")])
        }
    }
}
