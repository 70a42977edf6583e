import Foundation
import OCOPModel
import OCOPStore

/// The central office's decisions under its policy, each a central write (``CentralOffice``):
/// captured like any write, so it flows to the owning province on its next sync.
public struct CentralDecisions: Sendable {
    public let store: any NationalReads & CentralOffice
    public let reference: ReferenceData

    /// Who the decisions are recorded as made by (the officer, or the office).
    public let decidedBy: String

    public init(store: any NationalReads & CentralOffice, reference: ReferenceData = .standard,
                decidedBy: String = "Văn phòng Điều phối nông thôn mới Trung ương") {
        self.store = store
        self.reference = reference
        self.decidedBy = decidedBy.trimmedNFC()
    }

    private var policy: CertificationPolicy { reference.certificationPolicy }

    /// Certifies a 5★ product (issuer `central`) for one of its evaluations under the
    /// ``CertificationPolicy``: the evaluation must be the product's and earn 5★, not already be
    /// certified; the number must be unused. The product's current certificate (the newest not
    /// superseded) is superseded and referred to. The certificate belongs to the product's
    /// province (its `tenant_id`), so it syncs there.
    public func certifyFiveStar(product productID: UUID, evaluation evaluationID: UUID, number: String,
                                issuedOn date: LocalDate) async throws -> CertificateIssuance {
        guard let product = try await store.productRecord(id: productID) else {
            throw CentralError(.notFound, "no product \(productID.uuidString.lowercased()) in the national dataset")
        }
        guard let evaluation = try await store.evaluationRecord(id: evaluationID) else {
            throw CentralError(.notFound, "no evaluation \(evaluationID.uuidString.lowercased()) in the national dataset")
        }
        guard evaluation.productID == product.id else {
            throw CentralError(.badData, "certificates.evaluation_id: evaluation \(evaluationID.uuidString.lowercased()) is of another product, not \(product.nameVi)")
        }
        guard evaluation.stars == 5 else {
            throw CentralError(.badData, "certificates.stars: evaluation \(evaluationID.uuidString.lowercased()) earned \(evaluation.stars)★ (total \(evaluation.total)); the central office certifies 5★ only (total ≥ 90)")
        }
        let certificates = try await store.certificates(ofProduct: product.id)
        if let used = certificates.first(where: { $0.evaluationID == evaluation.id }) {
            throw CentralError(.badData, "certificates.evaluation_id: evaluation \(evaluationID.uuidString.lowercased()) is already certified by \(used.number)")
        }
        let decision = try CertificateLedger.issueNext(
            number: number, for: evaluation, authority: .central(on: date), decidedBy: decidedBy, issuedOn: date,
            productCertificates: certificates, numberHolder: try await store.certificate(numbered: number.trimmedNFC()), reference: reference)
        try await store.saveCertificateDecision(decision, reference: reference)
        return CertificateIssuance(decision)
    }

    /// Revokes a certificate (final) from `date`, for `reason`, with the ministry as named that
    /// day. Refuses one already revoked or superseded (see ``CertificateLedger/revoke(_:events:effectiveOn:reason:authority:decidedBy:decisionNumber:evaluationID:reference:)``),
    /// and writes nothing if the certificate changed between reading and writing.
    public func revoke(certificate id: UUID, on date: LocalDate, reason: String, decisionNumber: String? = nil) async throws -> Certificate {
        guard let certificate = try await store.certificateRecord(id: id) else {
            throw CentralError(.notFound, "no certificate \(id.uuidString.lowercased()) in the national dataset")
        }
        let events = try await store.certificateEvents(ofCertificates: [id])
        let decision = try CertificateLedger.revoke(
            certificate, events: events, effectiveOn: date, reason: reason, authority: .central(on: date),
            decidedBy: decidedBy, decisionNumber: decisionNumber, reference: reference)
        try await store.saveCertificateDecision(decision, reference: reference)
        return decision.certificates[0]
    }

    /// Marks every active certificate whose validity ended before `date` as expired, recording
    /// the day each lapsed; returns them. Certificates revoked or superseded meanwhile are left
    /// alone, and a revocation written between the read and the write makes this write nothing
    /// (run it again).
    public func expire(asOf date: LocalDate) async throws -> [Certificate] {
        let due = try await store.activeCertificates(expiringBefore: date)
        guard !due.isEmpty else { return [] }
        let events = try await store.certificateEvents(ofCertificates: due.map(\.id))
        let decision = CertificateLedger.expire(due, events: events, asOf: date, recordedBy: decidedBy)
        if !decision.certificates.isEmpty { try await store.saveCertificateDecision(decision, reference: reference) }
        return decision.certificates
    }
}
