import Foundation
import OCOPModel
import OCOPStore

/// The central office's decisions under its policy, each a central write (``CentralOffice``):
/// captured like any write, so it flows to the owning province on its next sync.
public struct CentralDecisions: Sendable {
    public let store: any NationalReads & CentralOffice
    public let reference: ReferenceData

    public init(store: any NationalReads & CentralOffice, reference: ReferenceData = .standard) {
        self.store = store
        self.reference = reference
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
        let trimmed = number.trimmedNFC()
        if let clash = try await store.certificate(numbered: trimmed) {
            throw CentralError(.badData, "certificates.number: \(trimmed) is already the number of certificate \(clash.id.uuidString.lowercased())")
        }
        let previous = certificates.last { $0.status != .superseded }
        let issuance = try policy.issue(number: trimmed, for: evaluation, issuer: .central, issuedOn: date,
                                        replacing: previous, reference: reference)
        try await store.saveCertificates([issuance.certificate] + (issuance.previous.map { [$0] } ?? []), reference: reference)
        return issuance
    }

    /// Revokes a certificate (final). Refuses one already revoked or superseded.
    public func revoke(certificate id: UUID) async throws -> Certificate {
        guard let certificate = try await store.certificateRecord(id: id) else {
            throw CentralError(.notFound, "no certificate \(id.uuidString.lowercased()) in the national dataset")
        }
        switch certificate.status {
        case .revoked: throw CentralError(.badData, "certificate \(certificate.number) is already revoked")
        case .superseded: throw CentralError(.badData, "certificate \(certificate.number) is superseded by a newer certificate; revoke that one")
        case .active, .expired: break
        }
        let revoked = certificate.revoked()
        try await store.saveCertificates([revoked], reference: reference)
        return revoked
    }

    /// Marks every active certificate whose `expires_on` is before `date` as expired (valid
    /// through `expires_on` inclusive); returns them, in one transaction.
    public func expire(asOf date: LocalDate) async throws -> [Certificate] {
        let due = try await store.activeCertificates(expiringBefore: date)
        let expired = due.map { certificate -> Certificate in
            var copy = certificate
            copy.status = .expired
            return copy
        }
        if !expired.isEmpty { try await store.saveCertificates(expired, reference: reference) }
        return expired
    }
}
