import Foundation
import OCOPModel
import OCOPReplica
import OCOPStore
import OCOPSync
import Testing

/// A central decision is written only if the certificates it was decided on are unchanged:
/// `expire` read a certificate as active, a revocation landed meanwhile, and the expiry must
/// not overwrite it (before, `CentralDecisions` checked in one transaction and acted in another).
@Suite("Store conformance: central decisions are atomic")
struct CentralDecisionAtomicityTests {
    @Test("a decision made on a stale read writes nothing", arguments: StoreBackendFactory.all)
    func aStaleDecisionWritesNothing(_ factory: StoreBackendFactory) async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let store = try await factory.open(scratch)
        let verifier = CredentialVerifier(salt: Array(repeating: 1, count: 16), iterations: 4096,
                                          storedKey: Array(repeating: 2, count: 32), serverKey: Array(repeating: 3, count: 32))
        let tenant = try await store.addProvince(code: "15", name: "Lào Cai", verifier: verifier)
        let producer = Producer(tenantID: tenant, name: "HTX Mận Bắc Hà", type: .cooperative)
        let product = Product(tenantID: tenant, producerID: producer.id, classificationCode: "1.1.a", nameVi: "Mận tam hoa Bắc Hà")
        let evaluation = Evaluation(tenantID: tenant, productID: product.id, criteriaSet: "QD148-2023", evaluatedOn: LocalDate("2023-03-01")!,
                                    council: .province, partA: 32, partB: 20, partC: 28, bonus: 0, total: 80, stars: 4)
        let province = try Replica.create(at: ":memory:", role: .province, tenantID: tenant)
        try province.save(producer)
        try province.save(product)
        try province.save(evaluation)
        let issued = try CertificateLedger.issue(number: "3/QĐ-UBND", for: evaluation,
                                                 authority: try #require(DecisionAuthority.province(code: "15", on: LocalDate("2023-03-01")!)),
                                                 decidedBy: "x", issuedOn: LocalDate("2023-03-01")!, replacing: nil)
        try province.save(issued)
        let account = try #require(try await store.account(user: tenant.uuidString.lowercased()))
        _ = try await store.openSession(replica: province.replicaID, account: account)
        _ = try await province.sync(over: InProcessChannel(store: store, principal: Principal(replica: province.replicaID, account: account)))
        let certificate = try #require(issued.issued)

        // `expire` reads the certificate as active and decides...
        let due = try await store.activeCertificates(expiringBefore: LocalDate("2026-11-30")!)
        let expiry = CertificateLedger.expire(due, events: [], asOf: LocalDate("2026-11-30")!, recordedBy: "TW")
        #expect(expiry.certificates.map(\.id) == [certificate.id])
        // ...while a revocation is written.
        let revocation = try CertificateLedger.revoke(certificate, events: issued.events, effectiveOn: LocalDate("2025-01-10")!, reason: "Vi phạm",
                                                      authority: .central(on: LocalDate("2025-01-10")!), decidedBy: "TW")
        try await store.saveCertificateDecision(revocation, reference: .standard)
        let before = try await store.feedPosition()
        await #expect {
            try await store.saveCertificateDecision(expiry, reference: .standard)
        } throws: { error in
            (error as? ValidationErrors)?.errors.first?.reason.contains("changed meanwhile") == true
        }
        #expect(try await store.certificateRecord(id: certificate.id)?.status == .revoked, "the revocation stands")
        #expect(try await store.feedPosition() == before, "nothing of the expiry was written")
        #expect(try await store.certificateEvents(ofCertificates: [certificate.id]).map(\.kind).sorted { $0.rawValue < $1.rawValue } == [.issued, .revoked])
    }
}
