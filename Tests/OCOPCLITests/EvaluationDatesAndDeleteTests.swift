import Foundation
import OCOPModel
import OCOPReplica
import Testing

/// Dates after today are refused where they record what already happened; a mistaken
/// evaluation can be deleted unless a certificate stands on it.
@Suite("ocop evaluate / certify: future dates, evaluate delete")
struct EvaluationDatesAndDeleteTests {
    func evaluate(_ workspace: Workspace, _ product: String, date: String, total: Double = 75) throws -> CLIResult {
        try workspace.run(["evaluate", "--product", product, "--criteria-set", "QD148-2023", "--date", date, "--json",
                           "--replica", workspace.replica] + scoreArguments(sheet(totalling: total)))
    }

    @Test func evaluationDatedInTheFutureIsRefusedNamingTheOption() throws {
        let workspace = try Workspace.province()
        let product = try EvaluationCommandTests.setUp(workspace)
        let result = try evaluate(workspace, product, date: "2099-01-01")
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("--date 2099-01-01 is after today"), "\(result)")
        #expect(try workspace.openReplica().fetchAll(Evaluation.self).isEmpty)
        // Today (Vietnam time) is fine.
        #expect(try evaluate(workspace, product, date: LocalDate(Date()).description).status == 0)
    }

    @Test func certificateDatedInTheFutureIsRefusedNamingTheOption() throws {
        let workspace = try Workspace.province()
        let product = try EvaluationCommandTests.setUp(workspace)
        let evaluation = try #require(try evaluate(workspace, product, date: "2025-08-01").object()["id"] as? String)
        let result = try workspace.ocop("certify", "--product", product, "--evaluation", evaluation, "--number", "1/QĐ", "--date", "2031-08-20")
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("--date 2031-08-20 is after today"), "\(result)")
        #expect(try workspace.openReplica().fetchAll(Certificate.self).isEmpty)
    }

    @Test func aMistakenEvaluationCanBeDeleted() throws {
        let workspace = try Workspace.province()
        let product = try EvaluationCommandTests.setUp(workspace)
        let mistake = try #require(try evaluate(workspace, product, date: "2025-08-01").object()["id"] as? String)
        let deleted = try workspace.ocop("evaluate", "delete", mistake)
        #expect(deleted.status == 0, "\(deleted)")
        #expect(deleted.stdout.contains("Deleted evaluation \(mistake)"))
        #expect(try workspace.openReplica().fetchAll(Evaluation.self).isEmpty)
        #expect(try workspace.ocop("evaluate", "delete", mistake).status == 2, "already gone")
    }

    @Test func anEvaluationACertificateStandsOnCannotBeDeleted() throws {
        let workspace = try Workspace.province()
        let product = try EvaluationCommandTests.setUp(workspace)
        let evaluation = try #require(try evaluate(workspace, product, date: "2025-08-01").object()["id"] as? String)
        try workspace.ok("certify", "--product", product, "--evaluation", evaluation, "--number", "12/QĐ-UBND", "--date", "2025-08-15")
        let refused = try workspace.ocop("evaluate", "delete", evaluation)
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr.contains("12/QĐ-UBND"), "\(refused)")
        #expect(try workspace.openReplica().fetchAll(Evaluation.self).count == 1)
    }
}
