import Foundation
import Testing
import OCOPModel

@Suite("Certification policy and certificates")
struct CertificationTests {
    let policy = CertificationPolicy.standard
    func d(_ text: String) -> LocalDate { Sample.date(text) }

    @Test func whoMayCertifyWhat() {
        let after = d("2025-09-01"), before = d("2024-09-01")
        #expect(policy.decision(forStars: 1, by: .province, on: after) == .noCertificate(stars: 1))
        #expect(policy.decision(forStars: 2, by: .central, on: after) == .noCertificate(stars: 2))
        #expect(policy.decision(forStars: 3, by: .province, on: after) == .certify(stars: 3))
        #expect(policy.decision(forStars: 4, by: .province, on: after) == .certify(stars: 4))
        #expect(policy.decision(forStars: 5, by: .province, on: after) == .propose(stars: 5, to: .central))
        #expect(policy.decision(forStars: 5, by: .province, on: after).isFiveStarCandidate)
        #expect(!policy.decision(forStars: 4, by: .province, on: after).isFiveStarCandidate)
        #expect(policy.decision(forStars: 5, by: .central, on: after) == .certify(stars: 5))
        #expect(policy.decision(forStars: 3, by: .district, on: before) == .certify(stars: 3))
        #expect(policy.decision(forStars: 4, by: .district, on: before) == .propose(stars: 4, to: .province))
        #expect(policy.decision(forStars: 3, by: .district, on: after) == .notAuthorised(council: .district))
        #expect(!policy.mayCertify(stars: 4, by: .central, on: after), "central certifies 5★ only")
    }

    @Test func decisionForAnEvaluation() throws {
        let proposal = try Sample.evaluation(a: 40, b: 25, c: 30)
        #expect(proposal.stars == 5)
        #expect(policy.decision(for: proposal) == .propose(stars: 5, to: .central))
    }

    @Test func issuingComputesExpiryAndStars() throws {
        let evaluation = try Sample.evaluation()
        let issued = try policy.issue(number: " 1520/QĐ-UBND ", for: evaluation, issuer: .province, issuedOn: d("2024-02-29").adding(months: 19))
        let c = issued.certificate
        #expect(c.number == "1520/QĐ-UBND")
        #expect(c.stars == 4 && c.status == .active && c.issuer == .province)
        #expect(c.issuedOn == d("2025-09-29") && c.expiresOn == d("2028-09-29"))
        #expect(c.evaluationID == evaluation.id && c.productID == evaluation.productID && c.tenantID == evaluation.tenantID)
        #expect(issued.previous == nil)
        #expect(c.isValid())
        #expect(try policy.expiryDate(issuedOn: d("2024-02-29")) == d("2027-02-28"))
    }

    @Test func refusalsNameTheField() throws {
        let low = try Sample.evaluation(a: 20, b: 10, c: 10)
        #expect(low.stars == 2)
        #expect(throws: ValidationErrors([
            ValidationError(record: "certificates", field: "number", reason: "must not be empty"),
            ValidationError(record: "certificates", field: "stars", reason: "2★ is below 3★: no certificate is issued"),
        ])) { try policy.issue(number: "  ", for: low, issuer: .province, issuedOn: d("2025-10-01")) }

        let five = try Sample.evaluation(a: 40, b: 25, c: 30)
        #expect(throws: ValidationErrors([
            ValidationError(record: "certificates", field: "issuer", reason: "a province council may not certify 5★ on 2025-10-01 (5★ is certified by the central level; propose it there)"),
        ])) { try policy.issue(number: "9/QĐ-UBND", for: five, issuer: .province, issuedOn: d("2025-10-01")) }
        let central = try policy.issue(number: "77/QĐ-BNNMT", for: five, issuer: .central, issuedOn: d("2025-12-01"))
        #expect(central.certificate.stars == 5 && central.certificate.issuer == .central)

        let evaluation = try Sample.evaluation()
        #expect(throws: ValidationErrors([
            ValidationError(record: "certificates", field: "issued_on", reason: "2025-09-01 is before the evaluation of 2025-09-10"),
        ])) { try policy.issue(number: "1", for: evaluation, issuer: .province, issuedOn: d("2025-09-01")) }

        var invalid = evaluation
        invalid.stars = 5
        #expect(throws: ValidationErrors.self) { try policy.issue(number: "1", for: invalid, issuer: .central, issuedOn: d("2025-10-01")) }
    }

    @Test func reEvaluationSupersedesThePrevious() throws {
        let first = try policy.issue(number: "10/QĐ", for: try Sample.evaluation(a: 25, b: 15, c: 15, on: "2022-03-01").withCriteriaSetOf2019(), issuer: .district, issuedOn: d("2022-03-15")).certificate
        #expect(first.stars == 3 && first.issuer == .district)
        let second = try Sample.evaluation(a: 35, b: 20, c: 30, on: "2025-03-01")
        let renewal = try policy.issue(number: "20/QĐ", for: second, issuer: .province, issuedOn: d("2025-03-10"), replacing: first)
        #expect(renewal.certificate.previousCertificateID == first.id)
        #expect(renewal.certificate.stars == 4)
        #expect(renewal.previous?.status == .superseded)
        #expect(renewal.previous?.id == first.id)

        #expect(throws: ValidationErrors([ValidationError(record: "certificates", field: "previous_certificate_id", reason: "certificate 10/QĐ has already been superseded")])) {
            try policy.issue(number: "21/QĐ", for: second, issuer: .province, issuedOn: d("2025-03-10"), replacing: renewal.previous)
        }
        let revoked = first.revoked()
        let afterRevocation = try policy.issue(number: "22/QĐ", for: second, issuer: .province, issuedOn: d("2025-03-10"), replacing: revoked)
        #expect(afterRevocation.previous?.status == .revoked, "revoked stays revoked")

        var otherProduct = first
        otherProduct.productID = UUID()
        #expect(throws: ValidationErrors.self) {
            try policy.issue(number: "23/QĐ", for: second, issuer: .province, issuedOn: d("2025-03-10"), replacing: otherProduct)
        }
    }

    @Test func statusAtADate() throws {
        let c = try policy.issue(number: "5/QĐ", for: try Sample.evaluation(), issuer: .province, issuedOn: d("2025-10-01")).certificate
        #expect(c.expiresOn == d("2028-10-01"))
        #expect(c.effectiveStatus(on: d("2025-10-01")) == .active)
        #expect(c.effectiveStatus(on: d("2028-10-01")) == .active, "active through expires_on inclusive")
        #expect(c.effectiveStatus(on: d("2028-10-02")) == .expired)
        #expect(policy.isInForce(c, on: d("2028-10-01")) && !policy.isInForce(c, on: d("2025-09-30")))
        let revoked = c.revoked()
        #expect(revoked.effectiveStatus(on: d("2026-01-01")) == .revoked)
        #expect(revoked.effectiveStatus(on: d("2030-01-01")) == .revoked, "revoked stays revoked after expiry")
        var superseded = c
        superseded.status = .superseded
        #expect(superseded.effectiveStatus(on: d("2026-01-01")) == .superseded)
    }

    @Test func expiryNoticeWindow() throws {
        let c = try policy.issue(number: "5/QĐ", for: try Sample.evaluation(), issuer: .province, issuedOn: d("2025-10-01")).certificate
        #expect(policy.noticeDate(expiresOn: c.expiresOn) == d("2028-09-01"))
        #expect(!c.needsExpiryNotice(on: d("2028-08-31")))
        #expect(c.needsExpiryNotice(on: d("2028-09-01")))
        #expect(c.needsExpiryNotice(on: d("2028-10-01")))
        #expect(!c.needsExpiryNotice(on: d("2028-10-02")), "expired: too late for a notice")
        #expect(!c.revoked().needsExpiryNotice(on: d("2028-09-15")))
    }

    @Test func certificateRecordValidation() throws {
        var c = try policy.issue(number: "5/QĐ", for: try Sample.evaluation(), issuer: .province, issuedOn: d("2025-10-01")).certificate
        #expect(c.isValid())
        c.expiresOn = d("2028-09-30")
        #expect(c.validationErrors(reference: .standard).map(\.description) == ["certificates.expires_on: 2028-09-30 should be 2028-10-01, 36 months after issued_on 2025-10-01"])
        c.expiresOn = d("2028-10-01")
        c.stars = 2
        #expect(c.validationErrors(reference: .standard).map(\.description) == ["certificates.stars: 2 is not a certified level: expected 3 to 5"])
        c.stars = 5
        #expect(c.validationErrors(reference: .standard).map(\.description) == ["certificates.issuer: a province issuer may not certify 5★ on 2025-10-01"])
        c.stars = 4
        c.previousCertificateID = c.id
        c.number = ""
        #expect(c.validationErrors(reference: .standard).map(\.field) == ["number", "previous_certificate_id"])
    }
}

extension Evaluation {
    /// The same scores re-expressed as a 2019 evaluation with part totals only (2019's C
    /// maximum is higher, so any 2023 sheet fits).
    func withCriteriaSetOf2019() -> Evaluation {
        var copy = self
        copy.criteriaSet = "QD1048-2019"
        copy.criterionScores = "{}"
        copy.council = .district
        return copy
    }
}
