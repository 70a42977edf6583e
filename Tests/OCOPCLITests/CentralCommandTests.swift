import Foundation
import OCOPModel
import OCOPReplica
import OCOPStore
import Testing

/// `ocop query`, `ocop report`, `ocop central` run as a subprocess on a national dataset file.
@Suite("ocop query / report / central (national dataset)")
struct CentralCommandTests {
    /// A national dataset with province 15 and one 3★ certificate expiring on 2026-07-15.
    func nationalDataset(_ workspace: Workspace) throws -> (path: String, certificate: Certificate) {
        let path = workspace.path("national.sqlite")
        let store = try SQLiteNationalStore.open(at: path)
        let verifier = CredentialVerifier(salt: [1], iterations: 4096, storedKey: Array(repeating: 7, count: 32), serverKey: Array(repeating: 9, count: 32))
        let tenant = try store.addProvince(code: "15", name: "Lào Cai", verifier: verifier)
        let producer = Producer(tenantID: tenant, name: "HTX Chè Shan tuyết, \"Suối Giàng\"", type: .cooperative)
        let product = Product(tenantID: tenant, producerID: producer.id, classificationCode: "1.5.a", nameVi: "Chè Shan tuyết")
        let issued = try LocalDate(parsing: "2023-07-15")
        let certificate = Certificate(tenantID: tenant, productID: product.id, evaluationID: nil, number: "15/QĐ", stars: 3,
                                      issuer: .province, issuedOn: issued, expiresOn: try issued.adding(months: 36))
        try store.replica.save(producer)
        try store.replica.save(product)
        try store.replica.save(certificate)
        return (path, certificate)
    }

    @Test func queryPrintsCSVAndJSONAndRefusesWrites() async throws {
        let workspace = try Workspace()
        let (path, _) = try nationalDataset(workspace)
        let csv = try await workspace.run(["query", "SELECT name, type FROM producers", "--national", path, "--format", "csv"])
        #expect(csv.status == 0, "\(csv)")
        #expect(csv.stdout == "name,type\r\n\"HTX Chè Shan tuyết, \"\"Suối Giàng\"\"\",cooperative\r\n")
        let json = try await workspace.run(["query", "SELECT number, stars FROM certificates", "--national", path, "--format", "json"])
        #expect(try json.array().first?["stars"] as? Int == 3)

        let write = try await workspace.run(["query", "DELETE FROM products", "--national", path])
        #expect(write.status == 1)
        #expect(write.stderr.contains("read-only"))
        let count = try await workspace.run(["query", "SELECT count(*) AS n FROM products", "--national", path, "--format", "json"])
        #expect(try count.array().first?["n"] as? Int == 1)

        let missing = try await workspace.run(["query", "SELECT 1", "--national", workspace.path("nope.sqlite")])
        #expect(missing.status == 2)
    }

    @Test func reportsAndCentralRevoke() async throws {
        let workspace = try Workspace()
        let (path, certificate) = try nationalDataset(workspace)
        let stars = try await workspace.run(["report", "stars", "--by", "province", "--date", "2026-07-15", "--json", "--national", path])
        let rows = try stars.array()
        #expect(rows.count == 1)
        #expect(rows.first?["province_code"] as? String == "15" && rows.first?["stars"] as? Int == 3 && rows.first?["products"] as? Int == 1)

        let expiring = try await workspace.run(["report", "expiring", "--days", "30", "--date", "2026-06-15", "--json", "--national", path])
        #expect(try expiring.array().map { $0["days_left"] as? Int } == [30])
        let notYet = try await workspace.run(["report", "expiring", "--days", "30", "--date", "2026-06-14", "--json", "--national", path])
        #expect(try notYet.array().isEmpty)

        let unexplained = try await workspace.run(["central", "revoke", certificate.id.uuidString.lowercased(), "--national", path])
        #expect(unexplained.status == 64 && unexplained.stderr.contains("--reason"), "a revocation says why")
        let revoke = try await workspace.run(["central", "revoke", certificate.id.uuidString.lowercased(), "--reason", "Vi phạm an toàn thực phẩm",
                                        "--date", "2026-07-01", "--national", path])
        #expect(revoke.status == 0, "\(revoke)")
        let after = try await workspace.run(["report", "stars", "--date", "2026-07-15", "--json", "--national", path])
        #expect(try after.array().isEmpty)
        let before = try await workspace.run(["report", "stars", "--date", "2026-06-30", "--json", "--national", path])
        #expect(try before.array().count == 1, "the day before the revocation, the certificate was in force")
        let again = try await workspace.run(["central", "revoke", certificate.id.uuidString.lowercased(), "--reason", "lần nữa",
                                       "--date", "2026-07-02", "--national", path])
        #expect(again.status == 1 && again.stderr.contains("already revoked"))
    }
}
