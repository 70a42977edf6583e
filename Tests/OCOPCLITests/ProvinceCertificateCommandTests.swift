import Foundation
import OCOPModel
import OCOPReplica
import Testing

/// What a province decides about its certificates after issuing them: revocation with a reason,
/// the end of a certificate by a re-evaluation below 3★, and a household's consent.
@Suite("ocop certificate / evaluate below 3★ / producer consent")
struct ProvinceCertificateCommandTests {
    /// A province replica with a 4★ certificate issued on 2025-08-15; returns the product id.
    static func certified(_ workspace: Workspace) async throws -> String {
        let product = try await EvaluationCommandTests.setUp(workspace)
        let evaluated = try await workspace.run(["evaluate", "--product", product, "--criteria-set", "QD148-2023", "--date", "2025-08-01",
                                           "--replica", workspace.replica] + scoreArguments(sheet(totalling: 80)))
        #expect(evaluated.status == 0, "\(evaluated)")
        _ = try await workspace.ok("certify", "--product", product, "--number", "45/QĐ-UBND", "--date", "2025-08-15", "--decided-by", "Nguyễn Thị Hoa")
        return product
    }

    @Test func aProvinceRevokesItsOwnCertificateOnceWithAReason() async throws {
        let workspace = try await Workspace.province()
        _ = try await Self.certified(workspace)
        let history = try await workspace.ok("certificate", "history", "45/QĐ-UBND", "--date", "2025-08-20")
        #expect(history.contains("issued") && history.contains("Nguyễn Thị Hoa") && history.contains("Status on 2025-08-20: active"))

        let noReason = try await workspace.run(["certificate", "revoke", "45/QĐ-UBND", "--replica", workspace.replica])
        #expect(noReason.status == 64)
        let early = try await workspace.run(["certificate", "revoke", "45/QĐ-UBND", "--reason", "sớm", "--date", "2025-08-01", "--replica", workspace.replica])
        #expect(early.status == 1 && early.stderr.contains("certificates.status"), "\(early)")
        let revoked = try await workspace.run(["certificate", "revoke", "45/QĐ-UBND", "--reason", "Mẫu giám sát không đạt", "--date", "2026-02-01",
                                         "--replica", workspace.replica])
        #expect(revoked.status == 0, "\(revoked)")
        let again = try await workspace.run(["certificate", "revoke", "45/QĐ-UBND", "--reason", "lần nữa", "--date", "2026-03-01", "--replica", workspace.replica])
        #expect(again.status == 1 && again.stderr.contains("already revoked"), "\(again)")
        let unknown = try await workspace.run(["certificate", "revoke", "99/QĐ", "--reason", "r", "--replica", workspace.replica])
        #expect(unknown.status == 2)

        let replica = try workspace.openReplica()
        let events = try replica.fetchAll(CertificateEvent.self)
        #expect(events.map(\.kind).sorted { $0.rawValue < $1.rawValue } == [.issued, .revoked], "refusals wrote nothing")
        #expect(events.first { $0.kind == .revoked }?.reason == "Mẫu giám sát không đạt")
        let after = try await workspace.ok("certificate", "history", "45/QĐ-UBND", "--date", "2026-01-31")
        #expect(after.contains("Status on 2026-01-31: active"), "history before the revocation is unchanged")
    }

    @Test func aReEvaluationBelowThreeStarsEndsTheCertificate() async throws {
        let workspace = try await Workspace.province()
        let product = try await Self.certified(workspace)
        let result = try await workspace.run(["evaluate", "--product", product, "--criteria-set", "QD148-2023", "--date", "2026-04-01",
                                        "--replica", workspace.replica] + scoreArguments(sheet(totalling: 45)))
        #expect(result.status == 0 && result.stdout.contains("Ended certificate 45/QĐ-UBND"), "\(result)")
        let certificate = try #require(try workspace.openReplica().fetchAll(Certificate.self).first)
        #expect(certificate.status == .revoked)
        #expect(certificate.expiresOn == LocalDate("2028-08-15")!, "without this it stayed in force until 2028")
        let history = try await workspace.ok("certificate", "history", "45/QĐ-UBND", "--date", "2026-04-01")
        #expect(history.contains("Status on 2026-04-01: revoked") && history.contains("2★"))
    }

    @Test func aHouseholdsConsentIsRecordedAndWithdrawn() async throws {
        let workspace = try await Workspace.province()
        _ = try await workspace.ok("producer", "add", "--name", "Hộ kinh doanh Lò Thị Mai", "--type", "household", "--commune", "Xã Mường Khương", "--representative", "Lò Thị Mai")
        let given = try await workspace.run(["producer", "consent", "--producer", "Hộ kinh doanh Lò Thị Mai", "--public-name", "Chè Mường Khương Bà Mai",
                                       "--date", "2026-03-01", "--replica", workspace.replica])
        #expect(given.status == 0, "\(given)")
        let twice = try await workspace.run(["producer", "consent", "--producer", "Hộ kinh doanh Lò Thị Mai", "--public-name", "X",
                                       "--date", "2026-03-02", "--replica", workspace.replica])
        #expect(twice.status == 1 && twice.stderr.contains("producer_consents.public_name"))
        let withdrawn = try await workspace.run(["producer", "consent", "--producer", "Hộ kinh doanh Lò Thị Mai", "--withdraw",
                                           "--date", "2026-09-01", "--replica", workspace.replica])
        #expect(withdrawn.status == 0, "\(withdrawn)")
        let consent = try #require(try workspace.openReplica().fetchAll(ProducerConsent.self).first)
        #expect(consent.isInForce(on: LocalDate("2026-08-31")!) && !consent.isInForce(on: LocalDate("2026-09-01")!))
        let both = try await workspace.run(["producer", "consent", "--producer", "Hộ kinh doanh Lò Thị Mai", "--replica", workspace.replica])
        #expect(both.status == 64)
    }
}
