import Foundation
import GRDB
import OCOPStore
import OCOPModel
import OCOPQuery
import OCOPTestSupport
import OCOPReplica
import OCOPSync
import Testing

@Suite("Central writes flow back to the provinces")
struct CentralFlowTests {
    @Test("a 5★ certification by the central office reaches the province on its next sync")
    func certifyFlows() async throws {
        let seed = try await Seed()
        let product = seed.products["G"]!, evaluation = seed.evaluations["G"]!
        let issuance = try await seed.harness.decisions.certifyFiveStar(product: product.id, evaluation: evaluation.id,
                                                                  number: "12/QĐ-BNNMT", issuedOn: day("2026-06-01"))
        #expect(issuance.certificate.issuer == .central)
        #expect(issuance.certificate.stars == 5)
        #expect(issuance.certificate.expiresOn == day("2029-06-01"))
        #expect(issuance.certificate.tenantID == seed.harness.tenants["01"])

        let province = seed.harness.replica("01")
        #expect(try province.fetch(Certificate.self, id: issuance.certificate.id) == nil)
        try await seed.harness.sync("01")
        #expect(try province.fetch(Certificate.self, id: issuance.certificate.id) == issuance.certificate)
        // Not sent to the other province.
        try await seed.harness.sync("22")
        #expect(try seed.harness.replica("22").fetch(Certificate.self, id: issuance.certificate.id) == nil)
    }

    @Test("5★ certification is refused for a 4★ evaluation, a used number, another product's evaluation")
    func certifyRefusals() async throws {
        let seed = try await Seed()
        let decisions = seed.harness.decisions
        await #expect(throws: CentralError.self) {
            try await decisions.certifyFiveStar(product: seed.products["I"]!.id, evaluation: seed.evaluations["I"]!.id,
                                          number: "X/QĐ", issuedOn: day("2026-06-01"))
        }
        await #expect(throws: CentralError.self) {
            try await decisions.certifyFiveStar(product: seed.products["G"]!.id, evaluation: seed.evaluations["H"]!.id,
                                          number: "X/QĐ", issuedOn: day("2026-06-01"))
        }
        await #expect {
            try await decisions.certifyFiveStar(product: seed.products["G"]!.id, evaluation: seed.evaluations["G"]!.id,
                                          number: "A/QĐ", issuedOn: day("2026-06-01"))
        } throws: { error in
            (error as? ValidationErrors)?.errors.first.map { "\($0.record).\($0.field)" } == "certificates.number"
        }
        // Before the evaluation: the policy refuses it.
        await #expect(throws: ValidationErrors.self) {
            try await decisions.certifyFiveStar(product: seed.products["G"]!.id, evaluation: seed.evaluations["G"]!.id,
                                          number: "X/QĐ", issuedOn: day("2026-05-01"))
        }
    }

    @Test("revoke and expire flow back to the owning province")
    func revokeAndExpireFlow() async throws {
        let seed = try await Seed()
        let revoked = try await seed.harness.decisions.revoke(certificate: seed.certificates["C"]!.id, on: reportDate, reason: "vi phạm")
        #expect(revoked.status == .revoked)
        await #expect(throws: ValidationErrors.self) {
            try await seed.harness.decisions.revoke(certificate: seed.certificates["C"]!.id, on: reportDate, reason: "lần nữa")
        }
        await #expect(throws: ValidationErrors.self) {
            try await seed.harness.decisions.revoke(certificate: seed.certificates["F-old"]!.id, on: reportDate, reason: "đã thay thế")
        }

        // Valid through expires_on: A (expires today) stays active, B (yesterday) expires.
        let expired = try await seed.harness.decisions.expire(asOf: reportDate)
        #expect(expired.map(\.number) == ["B/QĐ"])
        #expect(try await seed.harness.decisions.expire(asOf: reportDate).isEmpty)

        try await seed.harness.sync("01")
        try await seed.harness.sync("22")
        #expect(try seed.harness.replica("22").fetch(Certificate.self, id: seed.certificates["C"]!.id)?.status == .revoked)
        #expect(try seed.harness.replica("01").fetch(Certificate.self, id: seed.certificates["B"]!.id)?.status == .expired)
        #expect(try seed.harness.replica("01").fetch(Certificate.self, id: seed.certificates["A"]!.id)?.status == .active)
        // The reports see the stored states.
        let rows = try await seed.harness.reports.expiring(on: reportDate, withinDays: 30)
        #expect(rows.map { "\($0.number) \($0.state.rawValue) \($0.storedStatus)" } == ["B/QĐ expired expired", "A/QĐ expiring active"])
    }

    @Test("conflict review shows both values with origins; a resolution reaches the province replicas")
    func resolveFlows() async throws {
        let seed = try await Seed()
        let (product, first, second) = try await seed.conflictOnProduct()
        let review = ConflictReview(store: seed.harness.store)
        let pending = try await review.pending()
        #expect(pending.count == 2)
        let name = try #require(pending.first { $0.column == "name_vi" })
        let names: Set<String> = ["Chè A (máy 1)", "Chè A (máy 2)"]
        #expect(name.table == "products")
        #expect(name.tenantID == seed.harness.tenants["01"])
        #expect(name.losingOriginLabel == "province 01")
        #expect(name.winningOriginLabel == "province 01")
        guard case .text(let loser) = name.losingValue, case .text(let winner)? = name.winningValue else {
            Issue.record("values are not text")
            return
        }
        #expect(Set([loser, winner]) == names)
        #expect(try await seed.harness.reports.sync().first { $0.provinceCode == "01" }?.pendingConflicts == 2)

        // Take the loser: a central write on the national dataset.
        let resolved = try await ConflictReview.resolve(String(name.id.prefix(8)), choice: .loser, on: seed.harness.store)
        #expect(resolved.resolution?.choice == "loser")
        #expect(try seed.harness.store.replica.fetch(Product.self, id: product.id)?.nameVi == loser)
        // A new value for the other column.
        let english = try #require(pending.first { $0.column == "name_en" })
        try await ConflictReview.resolve(english.id, choice: .value("Ba Vi tea"), on: seed.harness.store)
        #expect(try await review.pending().isEmpty)
        #expect(try await review.items().count == 2)
        await #expect(throws: CentralError.self) { try await ConflictReview.resolve(name.id, choice: .winner, on: seed.harness.store) }

        try await seed.harness.sync("01", 0)
        try await seed.harness.sync("01", 1)
        for replica in [first, second] {
            let row = try replica.fetch(Product.self, id: product.id)
            #expect(row?.nameVi == loser)
            #expect(row?.nameEn == "Ba Vi tea")
        }
    }

    @Test("an invalid resolution value is refused and nothing changes")
    func invalidResolution() async throws {
        let seed = try await Seed()
        let (product, _, _) = try await seed.conflictOnProduct()
        let review = ConflictReview(store: seed.harness.store)
        let name = try #require(try await review.pending().first { $0.column == "name_vi" })
        let before = try seed.harness.store.replica.fetch(Product.self, id: product.id)
        await #expect(throws: ValidationErrors.self) {
            try await ConflictReview.resolve(name.id, choice: .value(""), on: seed.harness.store)
        }
        #expect(try seed.harness.store.replica.fetch(Product.self, id: product.id) == before)
        #expect(try await review.pending().count == 2)
        // Keeping the winner writes nothing but marks it resolved.
        try await ConflictReview.resolve(name.id, choice: .winner, on: seed.harness.store)
        #expect(try seed.harness.store.replica.fetch(Product.self, id: product.id) == before)
        #expect(try await review.pending().count == 1)
    }
}
