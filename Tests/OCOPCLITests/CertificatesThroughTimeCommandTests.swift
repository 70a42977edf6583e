import Crypto
import Foundation
import OCOPFeeds
import OCOPModel
import OCOPReplica
import OCOPStore
import Testing

/// The findings of "history is rewritten", run as a user would: `ocop central`, `ocop report`,
/// `ocop export` and the province's `ocop evaluate` / `ocop certificate` on real files.
@Suite("Certificates through time (commands)")
struct CertificatesThroughTimeCommandTests {
    static func day(_ text: String) -> LocalDate { LocalDate(text)! }

    /// A national dataset with Hà Giang (02) and Tuyên Quang (08) as they were before the merger,
    /// and five 4★ Hà Giang certificates issued on 2023-03-01 with their `issued` facts.
    struct Country {
        var path: String
        var store: SQLiteNationalStore
        var haGiang: UUID
        var tuyenQuang: UUID
        var certificates: [Certificate]
    }

    static func country(_ workspace: Workspace) throws -> Country {
        let path = workspace.path("national.sqlite")
        let store = try SQLiteNationalStore.open(at: path)
        let verifier = CredentialVerifier(salt: [1], iterations: 4096, storedKey: Array(repeating: 7, count: 32), serverKey: Array(repeating: 9, count: 32))
        let haGiang = try store.addProvince(code: "02", name: "Hà Giang", verifier: verifier, validFrom: day("2019-01-01"))
        let tuyenQuang = try store.addProvince(code: "08", name: "Tuyên Quang", verifier: verifier, validFrom: day("2019-01-01"))
        let producer = Producer(tenantID: haGiang, name: "HTX Chè Shan tuyết Lũng Phìn", type: .cooperative)
        try store.replica.save(producer)
        var certificates: [Certificate] = []
        for index in 1...5 {
            let product = Product(tenantID: haGiang, producerID: producer.id, classificationCode: "1.5.a", nameVi: "Chè số \(index)",
                                  nameEn: "Tea \(index)", status: .registered)
            try store.replica.save(product)
            let evaluation = Evaluation(tenantID: haGiang, productID: product.id, criteriaSet: "QD148-2023", evaluatedOn: day("2023-03-01"),
                                        council: .province, partA: 32, partB: 20, partC: 28, bonus: 0, total: 80, stars: 4)
            try store.replica.save(evaluation)
            let decision = try CertificateLedger.issue(
                number: "\(index)/QĐ-UBND", for: evaluation, authority: try #require(DecisionAuthority.province(code: "02", on: day("2023-03-01"))),
                decidedBy: "Văn phòng OCOP tỉnh Hà Giang", issuedOn: day("2023-03-01"), replacing: nil)
            try store.replica.save(decision)
            certificates.append(decision.certificates[0])
        }
        return Country(path: path, store: store, haGiang: haGiang, tuyenQuang: tuyenQuang, certificates: certificates)
    }

    @Test func reportsForAPastDateCountWhatWasInForceThen() async throws {
        let workspace = try Workspace()
        let country = try Self.country(workspace)
        for (certificate, date) in [(country.certificates[0], "2025-05-01"), (country.certificates[1], "2025-06-01")] {
            let revoked = try await workspace.run(["central", "revoke", certificate.id.uuidString.lowercased(), "--reason", "Không duy trì chất lượng",
                                             "--date", date, "--national", country.path])
            #expect(revoked.status == 0, "\(revoked)")
        }
        // Before dated facts, this counted 3: the two revoked certificates were dropped from every date.
        let then = try await workspace.run(["report", "stars", "--date", "2025-01-01", "--by", "province", "--json", "--national", country.path])
        let rows = try then.array()
        #expect(rows.map { $0["products"] as? Int } == [5], "\(then)")
        #expect(rows.first?["province_code"] as? String == "02" && rows.first?["province_name"] as? String == "Hà Giang")
        #expect(rows.first?["province_iso"] as? String == "VN-03")
        let between = try await workspace.run(["report", "stars", "--date", "2025-05-15", "--json", "--national", country.path])
        #expect(try between.array().map { $0["products"] as? Int } == [4])

        // `central expire` marks the three left as expired; a past expiry report is unchanged by it.
        let expire = try await workspace.run(["central", "expire", "--date", "2026-11-30", "--national", country.path])
        #expect(expire.status == 0 && expire.stdout.contains("3 certificate(s) marked expired"), "\(expire)")
        let past = try await workspace.run(["report", "expiring", "--date", "2026-01-31", "--days", "30", "--json", "--national", country.path])
        let due = try past.array()
        #expect(due.count == 3, "the two revoked ones are not due: \(past)")
        #expect(due.allSatisfy { $0["days_left"] as? Int == 29 && $0["state"] as? String == "expiring" }, "\(past)")
        let later = try await workspace.run(["report", "expiring", "--date", "2026-03-02", "--days", "30", "--json", "--national", country.path])
        #expect(try later.array().allSatisfy { $0["state"] as? String == "expired" })

        // A date before the programme is refused, not answered with nothing.
        let early = try await workspace.run(["report", "stars", "--date", "2017-12-31", "--national", country.path])
        #expect(early.status == 1 && early.stderr.contains("before the OCOP programme"), "\(early)")

        // The history of one certificate, from the province's point of view.
        let history = try await workspace.run(["certificate", "history", "1/QĐ-UBND", "--date", "2025-04-30", "--replica", country.path])
        #expect(history.status == 0 && history.stdout.contains("UBND tỉnh Hà Giang") && history.stdout.contains("Status on 2025-04-30: active"), "\(history)")
    }

    @Test func feedsNameTheIssuerOfTheDayAndTheProvinceOfTheFeedsDate() async throws {
        let workspace = try Workspace()
        let country = try Self.country(workspace)
        let key = try workspace.write("key.pem", FeedKeys.pem(Curve25519.Signing.PrivateKey()))
        // The merger is not recorded yet, but the reference data says 02 ended on 2025-06-30.
        let before = try await workspace.run(["export", "--store", country.path, "--feed", "asean", "--format", "csv", "--out", "before",
                                        "--key", key, "--as-of", "2025-08-01"])
        #expect(before.status == 0, "\(before)")
        let unrecorded = try String(contentsOfFile: workspace.path("before/products.csv"), encoding: .utf8)
        #expect(unrecorded.contains(",08,Tuyên Quang,VN-07,") && !unrecorded.contains(",02,Hà Giang,"), "\(unrecorded)")

        let tooEarly = try await workspace.run(["export", "--store", country.path, "--feed", "asean", "--format", "csv", "--out", "early",
                                          "--key", key, "--as-of", "2018-05-06"])
        #expect(tooEarly.status == 1 && tooEarly.stderr.contains("before the OCOP programme"), "\(tooEarly)")

        _ = try await country.store.mergeTenant(country.haGiang, into: country.tuyenQuang, lastDay: Self.day("2025-06-30"))
        let after = try await workspace.run(["export", "--store", country.path, "--feed", "asean", "--format", "csv", "--out", "after",
                                       "--key", key, "--as-of", "2025-08-01"])
        #expect(after.status == 0, "\(after)")
        let merged = try String(contentsOfFile: workspace.path("after/products.csv"), encoding: .utf8)
        // Issued by Hà Giang in 2023: still Hà Giang's certificate after the merger.
        #expect(merged.contains("UBND tỉnh Hà Giang") && !merged.contains("UBND tỉnh Tuyên Quang"), "\(merged)")
        #expect(merged.contains(",08,Tuyên Quang,VN-07,"))
        // Reports: before the merger the products were Hà Giang's, after it Tuyên Quang's.
        let then = try await workspace.run(["report", "stars", "--date", "2025-01-01", "--by", "province", "--json", "--national", country.path])
        #expect(try then.array().first?["province_code"] as? String == "02", "\(then)")
        let now = try await workspace.run(["report", "stars", "--date", "2025-08-01", "--by", "province", "--json", "--national", country.path])
        #expect(try now.array().first?["province_iso"] as? String == "VN-07", "\(now)")
    }
}
