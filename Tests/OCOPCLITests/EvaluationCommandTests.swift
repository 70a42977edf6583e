import Foundation
import OCOPModel
import OCOPReplica
import Testing

@Suite("ocop evaluate / certify")
struct EvaluationCommandTests {
    /// A province replica with one producer and one product; returns the product id.
    static func setUp(_ workspace: Workspace) async throws -> String {
        try await workspace.ok("producer", "add", "--name", "Hợp tác xã Mật ong bạc hà Mèo Vạc", "--type", "HTX", "--tax-code", "0101234567")
        return try await workspace.ok("product", "add", "--name-vi", "Mật ong bạc hà Mèo Vạc", "--name-en", "Meo Vac mint honey",
                                "--classification", "1.2.b", "--producer", "0101234567", "--gtin", "8934567890120")
    }

    @Test("star bands at their edges, through the CLI", arguments: [
        (49.5, 2), (50.0, 3), (69.0, 3), (69.5, 3), (70.0, 4), (89.0, 4), (90.0, 5),
    ])
    func bandEdges(total: Double, stars: Int) async throws {
        let workspace = try await Workspace.province()
        let product = try await Self.setUp(workspace)
        let result = try await workspace.run(["evaluate", "--product", product, "--criteria-set", "QD148-2023", "--date", "2025-08-01",
                                        "--json", "--replica", workspace.replica] + scoreArguments(sheet(totalling: total)))
        #expect(result.status == 0, "\(result)")
        let json = try result.object()
        #expect(json["total"] as? Double == total)
        #expect(json["stars"] as? Int == stars)
        #expect(json["recorded"] as? Bool == true)
        #expect(json["five_star_candidate"] as? Bool == (stars == 5))
        let evaluations = try workspace.openReplica().fetchAll(Evaluation.self)
        #expect(evaluations.count == 1)
        #expect(evaluations.first?.stars == stars && evaluations.first?.total == total)
        #expect(evaluations.first.map { $0.id.uuidString.lowercased() } == json["id"] as? String)
    }

    @Test func sheetFilesPrintPartTotalsAndStars() async throws {
        let workspace = try await Workspace.province()
        let product = try await Self.setUp(workspace)
        // 69 → 3★ and 70 → 4★ from sheet files (the bonus lifts 68 to 70).
        let sixtyNine = try workspace.write("hoi-dong-69.json", try sheetJSON(sheet(totalling: 69)))
        let text = try await workspace.ok("evaluate", "--product", "8934567890120", "--sheet", sixtyNine, "--date", "2025-08-01")
        #expect(text.contains("Stars: 3★"))
        #expect(text.contains("Total") && text.contains("69"))
        #expect(text.contains("Sản phẩm và sức mạnh cộng đồng") && text.contains("40"))
        #expect(text.contains("The province council may certify 3★"))
        #expect(text.contains("Recorded evaluation "))

        let seventy = try workspace.write("hoi-dong-70.json", try sheetJSON(sheet(totalling: 68), extra: ["bonus": 2, "criteria_set": "QD148-2023"]))
        let json = try await workspace.ocop("evaluate", "--product", product, "--sheet", seventy, "--date", "2025-08-02", "--json").object()
        #expect(json["stars"] as? Int == 4 && json["total"] as? Double == 70 && json["bonus"] as? Double == 2)
        let parts = try #require(json["parts"] as? [String: Double])
        #expect(parts == ["A": 40, "B": 25, "C": 3])

        // --score overrides the file: 90 → 5★ candidate.
        let candidate = try await workspace.ok("evaluate", "--product", product, "--sheet", seventy, "--score", "C3=5", "--score", "C4=5",
                                         "--score", "c5=5", "--score", "C2=5", "--date", "2025-08-03")
        #expect(candidate.contains("Stars: 5★"))
        #expect(candidate.contains("5★ candidate: proposed to the central office"))
        #expect(try workspace.openReplica().fetchAll(Evaluation.self).map(\.stars) == [3, 4, 5])
    }

    @Test func badSheetsExit1AndRecordNothing() async throws {
        let workspace = try await Workspace.province()
        let product = try await Self.setUp(workspace)
        var over = sheet(totalling: 60)
        over["A1"] = 9
        let overMax = try await workspace.run(["evaluate", "--product", product, "--date", "2025-08-01", "--replica", workspace.replica]
                                        + scoreArguments(over))
        #expect(overMax.status == 1)
        #expect(overMax.stderrLines == ["error: evaluations.criterion_scores[A1]: 9 exceeds the maximum 8 of criterion A1 in criteria set QD148-2023"])

        var incomplete = sheet(totalling: 60)
        incomplete["C5"] = nil
        incomplete["Z9"] = 1
        let file = try workspace.write("thieu.json", try sheetJSON(incomplete))
        let missing = try await workspace.ocop("evaluate", "--product", product, "--sheet", file, "--date", "2025-08-01")
        #expect(missing.status == 1)
        #expect(missing.stderrLines.contains("error: evaluations.criterion_scores[Z9]: is not a criterion of criteria set QD148-2023"))
        #expect(missing.stderrLines.contains { $0.hasPrefix("error: evaluations.criterion_scores[C5]: is missing") })

        let bonus = try await workspace.run(["evaluate", "--product", product, "--date", "2025-08-01", "--bonus", "6", "--replica", workspace.replica]
                                      + scoreArguments(sheet(totalling: 60)))
        #expect(bonus.status == 1 && bonus.stderr.contains("evaluations.bonus: 6 exceeds the maximum 5"))

        let notInForce = try await workspace.run(["evaluate", "--product", product, "--criteria-set", "QD1048-2019", "--date", "2025-08-01",
                                            "--replica", workspace.replica] + scoreArguments(sheet(totalling: 0)))
        #expect(notInForce.status == 1, "\(notInForce)")
        let unknownSet = try await workspace.run(["evaluate", "--product", product, "--criteria-set", "QD2030", "--date", "2025-08-01",
                                            "--replica", workspace.replica] + scoreArguments(sheet(totalling: 60)))
        #expect(unknownSet.status == 1 && unknownSet.stderr.contains("\"QD2030\" is not a known criteria set"))

        let centralCouncil = try await workspace.run(["evaluate", "--product", product, "--date", "2025-08-01", "--council", "central",
                                                "--replica", workspace.replica] + scoreArguments(sheet(totalling: 95)))
        #expect(centralCouncil.status == 1 && centralCouncil.stderr.hasPrefix("error: evaluations.council: a province replica records province"))
        let district = try await workspace.run(["evaluate", "--product", product, "--date", "2025-08-01", "--council", "district",
                                          "--replica", workspace.replica] + scoreArguments(sheet(totalling: 55)))
        #expect(district.status == 1 && district.stderr.contains("evaluations.council: district councils no longer exist on 2025-08-01"))

        let garbage = try workspace.write("rac.json", "{\"A1\": \"tám\"}")
        let notNumber = try await workspace.ocop("evaluate", "--product", product, "--sheet", garbage)
        #expect(notNumber.status == 1 && notNumber.stderrLines == ["error: \(garbage): A1: must be a number"])
        let notJSON = try workspace.write("khong-phai.json", "A1=8")
        #expect(try await workspace.ocop("evaluate", "--product", product, "--sheet", notJSON).status == 1)
        #expect(try await workspace.ocop("evaluate", "--product", product, "--sheet", workspace.path("none.json")).status == 2)

        let dryRun = try await workspace.run(["evaluate", "--product", product, "--date", "2025-08-01", "--dry-run", "--replica", workspace.replica]
                                       + scoreArguments(sheet(totalling: 75)))
        #expect(dryRun.status == 0 && dryRun.stdout.contains("Stars: 4★") && dryRun.stdout.contains("Dry run: nothing recorded."))
        #expect(try workspace.openReplica().fetchAll(Evaluation.self).isEmpty)
    }

    @Test func certifyIssuesSupersedesAndRefusesFiveStarsOnAProvince() async throws {
        let workspace = try await Workspace.province()
        let product = try await Self.setUp(workspace)
        func evaluate(_ total: Double, on date: String) async throws -> String {
            let result = try await workspace.run(["evaluate", "--product", product, "--date", date, "--json", "--replica", workspace.replica]
                                           + scoreArguments(sheet(totalling: total)))
            try #require(result.status == 0, "\(result)")
            return try #require(try result.object()["id"] as? String)
        }

        #expect(try await workspace.ocop("certify", "--product", product, "--number", "01/QĐ-UBND", "--date", "2024-03-01").status == 2,
                "no evaluation yet")

        // 3★, issued on 29 February: expires 36 months later, the day clamped.
        let first = try await evaluate(55, on: "2024-02-20")
        let issued = try await workspace.ocop("certify", "--product", product, "--evaluation", first, "--number", "125/QĐ-UBND",
                                        "--date", "2024-02-29", "--json")
        #expect(issued.status == 0, "\(issued)")
        let certificate = try #require(try issued.object()["certificate"] as? [String: Any])
        #expect(certificate["stars"] as? Int == 3 && certificate["issuer"] as? String == "province")
        #expect(certificate["issued_on"] as? String == "2024-02-29" && certificate["expires_on"] as? String == "2027-02-28")
        #expect(certificate["status"] as? String == "active" && certificate["previous_certificate_id"] is NSNull)
        #expect(certificate["evaluation_id"] as? String == first)
        #expect(try issued.object()["previous"] is NSNull)

        // 5★ evaluation: a province replica may not certify it.
        let five = try await evaluate(92, on: "2025-08-01")
        let refused = try await workspace.ocop("certify", "--product", product, "--evaluation", five, "--number", "200/QĐ-UBND", "--date", "2025-08-10")
        #expect(refused.status == 1)
        #expect(refused.stderrLines.count == 1)
        #expect(refused.stderr.contains("cannot issue a 5★ certificate") && refused.stderr.contains("central office"))
        #expect(try workspace.openReplica().fetchAll(Certificate.self).count == 1, "nothing issued")

        // --stars is checked against the evaluation.
        let second = try await evaluate(78, on: "2025-09-01")
        let mismatch = try await workspace.ocop("certify", "--product", product, "--number", "210/QĐ-UBND", "--date", "2025-09-15", "--stars", "3")
        #expect(mismatch.status == 1 && mismatch.stderr.contains("earned 4★, not 3★"))

        // Re-evaluation at 4★ (the latest evaluation by default) supersedes the 3★ certificate.
        let renewed = try await workspace.ok("certify", "--product", "8934567890120", "--number", "210/QĐ-UBND", "--date", "2025-09-15", "--stars", "4")
        #expect(renewed.contains("Issued certificate 210/QĐ-UBND: 4★") && renewed.contains("2028-09-15"))
        #expect(renewed.contains("125/QĐ-UBND") && renewed.contains("superseded"))
        let certificates = try workspace.openReplica().fetchAll(Certificate.self).sorted { $0.issuedOn < $1.issuedOn }
        #expect(certificates.count == 2)
        #expect(certificates[0].status == .superseded && certificates[0].number == "125/QĐ-UBND")
        #expect(certificates[1].status == .active && certificates[1].previousCertificateID == certificates[0].id)
        #expect(certificates[1].evaluationID.map { $0.uuidString.lowercased() } == second)
        #expect(certificates[1].expiresOn == LocalDate("2028-09-15"))

        // The same number or the same evaluation cannot be certified twice.
        let again = try await workspace.ocop("certify", "--product", product, "--evaluation", second, "--number", "211/QĐ-UBND", "--date", "2025-09-16")
        #expect(again.status == 1 && again.stderr.contains("already certified by 210/QĐ-UBND"))
        let list = try await workspace.ok("product", "list")
        #expect(list.contains("4★"))
    }

    @Test func theCentralOfficeCertifiesFiveStars() async throws {
        let workspace = try Workspace()
        let central = workspace.replica
        #expect(try await workspace.run(["init", "--replica", central, "--central"]).status == 0)
        let noTenant = try await workspace.ocop("producer", "add", "--name", "Hợp tác xã Mật ong bạc hà Mèo Vạc", "--type", "HTX")
        #expect(noTenant.status == 64 && noTenant.stderr.contains("--tenant"))
        try await workspace.ok("producer", "add", "--name", "Hợp tác xã Mật ong bạc hà Mèo Vạc", "--type", "HTX", "--tax-code", "0101234567",
                         "--tenant", Workspace.laoCai.uuidString)
        let product = try await workspace.ok("product", "add", "--name-vi", "Mật ong bạc hà Mèo Vạc", "--classification", "1.2.b",
                                       "--producer", "0101234567")
        let evaluation = try await workspace.run(["evaluate", "--product", product, "--date", "2025-09-01", "--replica", central]
                                           + scoreArguments(sheet(totalling: 95)))
        #expect(evaluation.status == 0 && evaluation.stdout.contains("The central council may certify 5★"), "\(evaluation)")
        let certified = try await workspace.ocop("certify", "--product", product, "--number", "1234/QĐ-BNNMT", "--date", "2025-10-01", "--json")
        #expect(certified.status == 0, "\(certified)")
        let certificate = try #require(try certified.object()["certificate"] as? [String: Any])
        #expect(certificate["stars"] as? Int == 5 && certificate["issuer"] as? String == "central")
        #expect(certificate["tenant_id"] as? String == Workspace.laoCai.uuidString.lowercased())
    }
}
