import Foundation
import OCOPModel
import OCOPReplica
import Testing

/// Dates after today are refused where they record what already happened; a mistaken
/// evaluation can be deleted unless a certificate stands on it.
@Suite("ocop evaluate / certify: future dates, evaluate delete")
struct EvaluationDatesAndDeleteTests {
    func evaluate(_ workspace: Workspace, _ product: String, date: String, total: Double = 75) async throws -> CLIResult {
        try await workspace.run(["evaluate", "--product", product, "--criteria-set", "QD148-2023", "--date", date, "--json",
                           "--replica", workspace.replica] + scoreArguments(sheet(totalling: total)))
    }

    @Test func evaluationDatedInTheFutureIsRefusedNamingTheOption() async throws {
        let workspace = try await Workspace.province()
        let product = try await EvaluationCommandTests.setUp(workspace)
        let result = try await evaluate(workspace, product, date: "2099-01-01")
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("--date 2099-01-01 is after today"), "\(result)")
        #expect(try workspace.openReplica().fetchAll(Evaluation.self).isEmpty)
        // Today (Vietnam time) is fine.
        #expect(try await evaluate(workspace, product, date: LocalDate(Date()).description).status == 0)
    }

    @Test func certificateDatedInTheFutureIsRefusedNamingTheOption() async throws {
        let workspace = try await Workspace.province()
        let product = try await EvaluationCommandTests.setUp(workspace)
        let evaluation = try #require(try await evaluate(workspace, product, date: "2025-08-01").object()["id"] as? String)
        let result = try await workspace.ocop("certify", "--product", product, "--evaluation", evaluation, "--number", "1/QĐ", "--date", "2031-08-20")
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("--date 2031-08-20 is after today"), "\(result)")
        #expect(try workspace.openReplica().fetchAll(Certificate.self).isEmpty)
    }

    @Test func aMistakenEvaluationCanBeDeleted() async throws {
        let workspace = try await Workspace.province()
        let product = try await EvaluationCommandTests.setUp(workspace)
        let mistake = try #require(try await evaluate(workspace, product, date: "2025-08-01").object()["id"] as? String)
        let deleted = try await workspace.ocop("evaluate", "delete", mistake)
        #expect(deleted.status == 0, "\(deleted)")
        #expect(deleted.stdout.contains("Deleted evaluation \(mistake)"))
        #expect(try workspace.openReplica().fetchAll(Evaluation.self).isEmpty)
        #expect(try await workspace.ocop("evaluate", "delete", mistake).status == 2, "already gone")
    }

    @Test func anEvaluationACertificateStandsOnCannotBeDeleted() async throws {
        let workspace = try await Workspace.province()
        let product = try await EvaluationCommandTests.setUp(workspace)
        let evaluation = try #require(try await evaluate(workspace, product, date: "2025-08-01").object()["id"] as? String)
        try await workspace.ok("certify", "--product", product, "--evaluation", evaluation, "--number", "12/QĐ-UBND", "--date", "2025-08-15")
        let refused = try await workspace.ocop("evaluate", "delete", evaluation)
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr.contains("12/QĐ-UBND"), "\(refused)")
        #expect(try workspace.openReplica().fetchAll(Evaluation.self).count == 1)
    }
}
