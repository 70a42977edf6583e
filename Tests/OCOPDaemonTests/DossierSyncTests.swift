import Foundation
import OCOPModel
import OCOPNetwork
import OCOPReplica
import OCOPStore
import Testing

/// Dossiers and council sheets recorded offline in a province reach the national dataset and
/// the central office; concurrent moves of one dossier in the province and the centre merge like
/// any row, the losing value kept for review. Real `ocop` and `ocop-syncd` processes (SQLite).
@Suite("Dossiers sync like any row")
struct DossierSyncTests {
    @Test func aDossierRecordedOfflineReachesTheCentreAndConcurrentMovesConverge() async throws {
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        try await daemon.start()
        let store = try daemon.store()
        let directory = daemon.dataDirectory
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        let provinceSecret = "lao-cai-secret-0123456789", centralSecret = "central-secret-0123456789"
        let tenant = try await store.addProvince(code: "15", name: "Lào Cai", verifier: ScramVerifier.make(secret: provinceSecret))
        try await store.addCentralAccount(verifier: ScramVerifier.make(secret: centralSecret))
        try provinceSecret.write(toFile: path("province.secret"), atomically: true, encoding: .utf8)
        try centralSecret.write(toFile: path("central.secret"), atomically: true, encoding: .utf8)

        /// Runs `ocop` on the province's (or the central office's) replica; requires exit 0.
        @discardableResult
        func ocop(_ arguments: String..., central: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
            let environment = ["OCOP_REPLICA": path(central ? "central.ocop" : "lao-cai.ocop"), "OCOP_SERVER": "127.0.0.1:\(daemon.port)",
                               "OCOP_SECRET_FILE": path(central ? "central.secret" : "province.secret")]
            let result = try await runOCOP(arguments, environment: environment)
            try #require(result.status == 0, "\(arguments.joined(separator: " ")) → \(result.status)\n\(result.output)\n\(result.errors)",
                         sourceLocation: sourceLocation)
            return result.output
        }

        // Offline in the province: a producer, a product, two dossiers; one goes to a decision.
        try await ocop("init", "--tenant", tenant.uuidString.lowercased())
        try await ocop("init", "--central", central: true)
        try await ocop("producer", "add", "--name", "Hợp tác xã Chè Shan tuyết Y Tý", "--type", "HTX", "--tax-code", "5300123456")
        try await ocop("product", "add", "--name-vi", "Chè Shan tuyết Y Tý", "--classification", "1.5.a", "--producer", "5300123456",
                 "--gtin", "8934567890120")
        for reference in ["HS-2025-0001", "HS-2025-0002"] {
            try await ocop("dossier", "receive", "--reference", reference, "--product", "8934567890120", "--office", "UBND xã Y Tý",
                     "--date", "2025-08-04", "--missing", "none")
        }
        try await ocop("dossier", "check", "--dossier", "HS-2025-0001", "--date", "2025-08-06")
        try await ocop("dossier", "send", "--dossier", "HS-2025-0001", "--date", "2025-08-20")
        for (index, total) in [62.0, 64, 66, 68, 70].enumerated() {
            // Criteria filled in order up to their maxima until the member's total is reached.
            var left = total
            let scores = CriteriaSet.qd148_2023.allCriteria.map { criterion in
                defer { left -= min(criterion.maximum, left) }
                return "\(criterion.code)=\(min(criterion.maximum, left))"
            }
            try await ocop("dossier", "score", "--dossier", "HS-2025-0001", "--member", "Ủy viên \(index + 1)", "--date", "2025-09-10",
                     "--scores", scores.joined(separator: ","))
        }
        try await ocop("dossier", "decide", "--dossier", "HS-2025-0001", "--date", "2025-09-15", "--number", "88/QĐ-UBND")

        try await ocop("sync")
        try await ocop("sync", "--user", "central", central: true)
        let national = store.replica
        #expect(try national.fetchAll(Dossier.self).map(\.reference).sorted() == ["HS-2025-0001", "HS-2025-0002"])
        #expect(try national.fetchAll(CouncilScoreSheet.self).count == 5)
        let decided = try #require(try national.fetchAll(Dossier.self).first { $0.reference == "HS-2025-0001" })
        #expect(decided.stage == .decided && decided.outcome == .certified)
        let certificate = try #require(try decided.certificateID.flatMap { try national.fetch(Certificate.self, id: $0) })
        #expect(certificate.number == "88/QĐ-UBND" && certificate.stars == 3)
        #expect(try national.fetch(Evaluation.self, id: try #require(decided.evaluationID))?.total == 66)
        let centre = try Replica.open(at: path("central.ocop"))
        #expect(try centre.fetchAll(Dossier.self) == national.fetchAll(Dossier.self))
        #expect(try centre.fetchAll(CouncilScoreSheet.self) == national.fetchAll(CouncilScoreSheet.self))
        // The central office's reports read its replica (or the national file).
        let report = try await ocop("report", "dossiers", "--date", "2025-09-20", "--json", central: true)
        #expect(report.contains("\"decided\" : 1") && report.contains("\"received\" : 1"), "\(report)")

        // The same day, offline: the commune checks HS-2025-0002 while the centre returns it.
        try await ocop("dossier", "check", "--dossier", "HS-2025-0002", "--date", "2025-09-16")
        try await ocop("dossier", "return", "--dossier", "HS-2025-0002", "--date", "2025-09-16", "--missing", "label",
                 "--reason", "Nhãn chưa đúng quy định", central: true)
        try await ocop("sync")
        try await ocop("sync", "--user", "central", central: true)
        try await ocop("sync")

        let province = try Replica.open(at: path("lao-cai.ocop"))
        let merged = try #require(try national.fetchAll(Dossier.self).first { $0.reference == "HS-2025-0002" })
        #expect(try province.fetchAll(Dossier.self) == national.fetchAll(Dossier.self))
        #expect(try centre.fetchAll(Dossier.self) == national.fetchAll(Dossier.self))
        #expect(merged.isValid(), "\(merged.validationErrors(reference: .standard))")
        #expect([.checked, .returned].contains(merged.stage))
        // Columns only one side wrote are kept from each side; the stage is the one conflict.
        #expect(merged.checkedOn?.description == "2025-09-16" && merged.returnedOn?.description == "2025-09-16")
        let conflicts = try national.conflicts().filter { $0.table == "dossiers" }
        #expect(conflicts.map(\.column) == ["stage"])
        let kept = try #require(try province.conflicts().first { $0.table == "dossiers" })
        #expect(kept.column == "stage")
        let listed = try await ocop("conflicts", "--json")
        #expect(listed.contains("\"dossiers\"") && listed.contains("\"stage\""), "\(listed)")
    }
}
