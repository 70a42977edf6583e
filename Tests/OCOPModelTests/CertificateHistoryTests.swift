import Foundation
import OCOPModel
import Testing

/// Certificates through time: what was true on any date, who decided, and the decisions that
/// change certificates (``CertificateLedger``).
@Suite("Certificates through time")
struct CertificateHistoryTests {
    static let tenant = UUID()
    static let product = UUID()

    static func day(_ text: String) -> LocalDate { LocalDate(text)! }

    static func evaluation(stars: Int, on date: String, product: UUID = product) throws -> Evaluation {
        let total: Double = [1: 20, 2: 40, 3: 60, 4: 80, 5: 95][stars]!
        let parts = (a: total * 0.4, b: total * 0.25, c: total * 0.35)
        let set = day(date) < day("2023-02-24") ? "QD1048-2019" : "QD148-2023"
        return Evaluation(tenantID: tenant, productID: product, criteriaSet: set, evaluatedOn: day(date), council: .province,
                          partA: parts.a, partB: parts.b, partC: parts.c, bonus: 0, total: total, stars: stars)
    }

    static let haGiang2024 = DecisionAuthority.province(code: "02", on: day("2024-03-01"))!
    static let tuyenQuang2026 = DecisionAuthority.province(code: "08", on: day("2026-02-01"))!

    static func issued(on date: String, stars: Int = 4, number: String = "12/QĐ-UBND") throws -> CertificateLedger.Decision {
        try CertificateLedger.issue(number: number, for: try evaluation(stars: stars, on: date), authority: haGiang2024,
                                    decidedBy: "Văn phòng OCOP tỉnh", issuedOn: day(date), replacing: nil)
    }

    // MARK: Status on a date

    @Test func aCertificateIsInForceFromItsIssueThroughItsExpiryDate() throws {
        let decision = try Self.issued(on: "2024-03-01")
        let certificate = try #require(decision.issued)
        let history = CertificateHistory(certificate, events: decision.events)
        #expect(history.status(on: Self.day("2024-02-29")) == nil, "not yet issued")
        #expect(history.status(on: Self.day("2024-03-01")) == .active)
        #expect(certificate.expiresOn == Self.day("2027-03-01"))
        #expect(history.status(on: Self.day("2027-03-01")) == .active, "valid through expires_on inclusive")
        #expect(history.status(on: Self.day("2027-03-02")) == .expired)
    }

    @Test func aRevocationCountsFromItsEffectiveDateOnlyAndRevokingTwiceIsRefused() throws {
        let decision = try Self.issued(on: "2024-03-01")
        let certificate = try #require(decision.issued)
        let revocation = try CertificateLedger.revoke(
            certificate, events: decision.events, effectiveOn: Self.day("2025-05-10"), reason: "Không duy trì chất lượng",
            authority: Self.haGiang2024, decidedBy: "Sở NN&PTNT")
        #expect(revocation.certificates.map(\.status) == [.revoked])
        #expect(revocation.expectedStatuses == [certificate.id: .active])
        let events = decision.events + revocation.events
        let history = CertificateHistory(revocation.certificates[0], events: events)
        #expect(history.status(on: Self.day("2025-05-09")) == .active, "history is not rewritten")
        #expect(history.status(on: Self.day("2025-05-10")) == .revoked)

        #expect {
            try CertificateLedger.revoke(revocation.certificates[0], events: events, effectiveOn: Self.day("2025-06-01"),
                                         reason: "lần nữa", authority: Self.haGiang2024, decidedBy: "x")
        } throws: { error in
            let problem = (error as? ValidationErrors)?.errors.first
            return problem?.record == "certificates" && problem?.field == "status" && problem!.reason.contains("already revoked")
        }
    }

    @Test func badRevocationsNameTheFieldAndProduceNothing() throws {
        let decision = try Self.issued(on: "2024-03-01")
        let certificate = try #require(decision.issued)
        func problems(_ body: () throws -> CertificateLedger.Decision) -> [String] {
            do { _ = try body(); return [] } catch let error as ValidationErrors { return error.errors.map { "\($0.record).\($0.field)" } } catch { return ["\(error)"] }
        }
        #expect(problems {
            try CertificateLedger.revoke(certificate, events: decision.events, effectiveOn: Self.day("2024-01-01"), reason: "sớm",
                                         authority: Self.haGiang2024, decidedBy: "x")
        } == ["certificates.status"], "before its issue")
        #expect(problems {
            try CertificateLedger.revoke(certificate, events: decision.events, effectiveOn: Self.day("2025-01-01"), reason: "  ",
                                         authority: Self.haGiang2024, decidedBy: "x")
        } == ["certificate_events.reason"], "no reason")
        var central = certificate
        central.issuer = .central
        central.stars = 5
        #expect(problems {
            try CertificateLedger.revoke(central, events: [], effectiveOn: Self.day("2025-01-01"), reason: "r",
                                         authority: Self.haGiang2024, decidedBy: "x")
        } == ["certificates.issuer"], "5★ is the central office's")
        let ministry = DecisionAuthority.central(on: Self.day("2025-01-01"))
        #expect(problems {
            try CertificateLedger.revoke(central, events: [], effectiveOn: Self.day("2025-01-01"), reason: "r", authority: ministry, decidedBy: "x")
        }.isEmpty)
    }

    @Test func whenAProvinceAndTheCentreEndACertificateConcurrentlyTheEarlierEndCounts() throws {
        let issuedOn = Self.day("2024-03-01")
        let both = CertificateHistory(issuedOn: issuedOn, expiresOn: Self.day("2027-03-01"), storedStatus: .superseded,
                                      revokedOn: Self.day("2025-02-01"), supersededOn: Self.day("2025-01-15"))
        #expect(both.status(on: Self.day("2025-01-20")) == .superseded)
        let sameDay = CertificateHistory(issuedOn: issuedOn, expiresOn: Self.day("2027-03-01"), storedStatus: .revoked,
                                         revokedOn: Self.day("2025-01-15"), supersededOn: Self.day("2025-01-15"))
        #expect(sameDay.status(on: Self.day("2025-01-15")) == .revoked, "on the same day, revoked wins")
    }

    @Test func rowsFromBeforeDatedFactsEndWhenTheirSuccessorWasIssuedOrAtIssueIfRevoked() {
        let superseded = CertificateHistory(issuedOn: Self.day("2022-01-10"), expiresOn: Self.day("2025-01-10"), storedStatus: .superseded,
                                            revokedOn: nil, supersededOn: nil, successorIssuedOn: Self.day("2024-06-01"))
        #expect(superseded.isInForce(on: Self.day("2024-05-31")))
        #expect(superseded.status(on: Self.day("2024-06-01")) == .superseded)
        let revoked = CertificateHistory(issuedOn: Self.day("2022-01-10"), expiresOn: Self.day("2025-01-10"), storedStatus: .revoked,
                                         revokedOn: nil, supersededOn: nil)
        #expect(revoked.status(on: Self.day("2022-01-10")) == .revoked)
        let expiredMarked = CertificateHistory(issuedOn: Self.day("2022-01-10"), expiresOn: Self.day("2025-01-10"), storedStatus: .expired,
                                               revokedOn: nil, supersededOn: nil)
        #expect(expiredMarked.isInForce(on: Self.day("2024-12-11")), "a stored 'expired' does not rewrite the years it was valid")
    }

    // MARK: Decisions

    @Test func reIssuingSupersedesThePreviousFromTheNewIssueDay() throws {
        let first = try Self.issued(on: "2023-01-05", stars: 3, number: "1/QĐ")
        let old = try #require(first.issued)
        let second = try CertificateLedger.issue(
            number: "2/QĐ", for: try Self.evaluation(stars: 4, on: "2025-03-01"), authority: Self.haGiang2024, decidedBy: "x",
            issuedOn: Self.day("2025-03-02"), replacing: old)
        #expect(second.events.map(\.kind) == [.issued, .superseded])
        #expect(second.events[1].effectiveOn == Self.day("2025-03-02") && second.events[1].certificateID == old.id)
        let history = CertificateHistory(second.certificates[1], events: first.events + second.events)
        #expect(history.isInForce(on: Self.day("2025-03-01")) && history.status(on: Self.day("2025-03-02")) == .superseded)
    }

    @Test func aProvinceCannotReplaceAFiveStarCertificateInForce() throws {
        let five = try CertificateLedger.issue(
            number: "TW-1", for: try Self.evaluation(stars: 5, on: "2025-08-01"), authority: .central(on: Self.day("2025-08-02")),
            decidedBy: "Bộ", issuedOn: Self.day("2025-08-02"), replacing: nil)
        let tuyenQuang = try #require(DecisionAuthority.province(code: "08", on: Self.day("2026-01-10")))
        #expect(throws: ValidationErrors.self) {
            try CertificateLedger.issue(number: "9/QĐ", for: try Self.evaluation(stars: 4, on: "2026-01-09"), authority: tuyenQuang,
                                        decidedBy: "x", issuedOn: Self.day("2026-01-10"), replacing: five.issued)
        }
    }

    @Test func aReEvaluationBelowThreeStarsEndsTheCertificateInForce() throws {
        let first = try Self.issued(on: "2025-01-10", stars: 4)
        let certificate = try #require(first.issued)
        #expect(try CertificateLedger.end([certificate], events: first.events, byReevaluation: try Self.evaluation(stars: 3, on: "2026-02-01"),
                                          authority: Self.tuyenQuang2026, decidedBy: "x") == nil, "3★ still certifies")
        let ended = try #require(try CertificateLedger.end(
            [certificate], events: first.events, byReevaluation: try Self.evaluation(stars: 2, on: "2026-02-01"), authority: Self.tuyenQuang2026, decidedBy: "x"))
        #expect(ended.certificates.map(\.status) == [.revoked])
        #expect(ended.events.first?.effectiveOn == Self.day("2026-02-01") && ended.events.first?.reason?.contains("2★") == true)
        let history = CertificateHistory(ended.certificates[0], events: first.events + ended.events)
        #expect(history.isInForce(on: Self.day("2026-01-31")) && !history.isInForce(on: Self.day("2026-02-01")))
        #expect(certificate.expiresOn == Self.day("2028-01-10"), "it would otherwise have stayed in force until 2028")
    }

    @Test func expiringRecordsTheLapseAndLeavesEndedCertificatesAlone() throws {
        let a = try #require(try Self.issued(on: "2022-01-10", number: "A").issued)
        let b = try Self.issued(on: "2022-02-10", number: "B")
        let revokedB = try CertificateLedger.revoke(try #require(b.issued), events: b.events, effectiveOn: Self.day("2023-01-01"),
                                                    reason: "r", authority: Self.haGiang2024, decidedBy: "x")
        var stillActiveB = revokedB.certificates[0]
        stillActiveB.status = .active  // the stored status lagging behind a fact synced from elsewhere
        let decision = CertificateLedger.expire([a, stillActiveB], events: b.events + revokedB.events, asOf: Self.day("2026-11-30"), recordedBy: "TW")
        #expect(decision.certificates.map(\.number) == ["A"])
        #expect(decision.events.map(\.effectiveOn) == [Self.day("2025-01-11")], "the first day it was no longer in force")
    }

    // MARK: Authorities and provinces on a date

    @Test func authoritiesAreNamedAsOnTheDayOfTheDecision() throws {
        #expect(Self.haGiang2024.name == "UBND tỉnh Hà Giang" && Self.haGiang2024.code == "02")
        #expect(DecisionAuthority.province(code: "02", on: Self.day("2025-07-01")) == nil, "02 was retired on 1 July 2025")
        #expect(DecisionAuthority.province(code: "08", on: Self.day("2025-07-01"))?.name == "UBND tỉnh Tuyên Quang")
        #expect(DecisionAuthority.province(code: "01", on: Self.day("2024-01-01"))?.name == "UBND thành phố Hà Nội")
        #expect(DecisionAuthority.province(code: "79", on: Self.day("2025-08-01"))?.name == "UBND thành phố Hồ Chí Minh")
        #expect(DecisionAuthority.province(code: "46", on: Self.day("2024-12-31"))?.name == "UBND tỉnh Thừa Thiên Huế")
        #expect(DecisionAuthority.province(code: "46", on: Self.day("2025-01-01"))?.name == "UBND thành phố Huế")
        #expect(DecisionAuthority.central(on: Self.day("2025-02-28")).name == "Bộ Nông nghiệp và Phát triển Nông thôn")
        #expect(DecisionAuthority.central(on: Self.day("2025-03-01")).name == "Bộ Nông nghiệp và Môi trường")
    }

    @Test func everyUnitHasAnISOCodeAndRetiredCodesFollowTheirSuccessor() {
        let registry = ProvinceRegistry.standard
        for unit in registry.formerUnits {
            #expect(registry.isoCode(code: unit.code, on: Self.day("2025-06-30")) != nil, "\(unit.code) \(unit.name)")
        }
        for unit in registry.current {
            #expect(registry.isoCode(code: unit.code, on: Self.day("2025-07-01")) != nil, "\(unit.code) \(unit.name)")
        }
        #expect(Set(registry.formerUnits.compactMap { registry.isoCode(code: $0.code, on: Self.day("2025-06-30")) }).count == 63, "no two units share a code")
        #expect(registry.isoCode(code: "02", on: Self.day("2024-01-01")) == "VN-03")
        #expect(registry.isoCode(code: "15", on: Self.day("2024-01-01")) == "VN-06", "15 was Yên Bái")
        #expect(registry.isoCode(code: "15", on: Self.day("2025-07-01")) == "VN-02", "15 is Lào Cai")
        #expect(registry.unit(ofTenantCode: "02", on: Self.day("2026-01-01"))?.name == "Tuyên Quang")
        #expect(registry.unit(ofTenantCode: "02", on: Self.day("2025-06-30"))?.name == "Hà Giang")
    }

    @Test func eventsBeforeTheProgrammeOrWithAWrongProvinceCodeAreInvalid() {
        let event = CertificateEvent(tenantID: Self.tenant, certificateID: UUID(), kind: .issued, effectiveOn: Self.day("2018-05-06"),
                                     authorityLevel: .province, authorityCode: "02", authorityName: "UBND tỉnh Hà Giang", decidedBy: "x")
        #expect(event.validationErrors(reference: .standard).map(\.field) == ["effective_on"])
        var retired = event
        retired.effectiveOn = Self.day("2025-08-01")
        #expect(retired.validationErrors(reference: .standard).map(\.field) == ["authority_code"])
        var central = event
        central.effectiveOn = Self.day("2025-08-01")
        central.authorityLevel = .central
        #expect(central.validationErrors(reference: .standard).map(\.field) == ["authority_code"], "the centre has no province code")
    }
}
