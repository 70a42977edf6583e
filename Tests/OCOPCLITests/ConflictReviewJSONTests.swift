import Foundation
import OCOPStore
import Testing

/// `ocop conflicts review --json`: the flag belongs to `review`, wherever it is written.
@Suite("ocop conflicts review --json")
struct ConflictReviewJSONTests {
    @Test(arguments: [
        ["conflicts", "review", "--json"],
        ["conflicts", "--json", "review"],
        ["conflicts", "review", "--all", "--json"],
    ])
    func jsonIsHonouredInEitherPosition(arguments: [String]) async throws {
        let workspace = try Workspace()
        let path = workspace.path("national.sqlite")
        _ = try SQLiteNationalStore.open(at: path)
        let result = try await workspace.run(arguments + ["--national", path])
        #expect(result.status == 0, "\(result)")
        #expect(try result.json() as? [Any] != nil, "\(arguments): \(result)")
    }

    @Test func listingStillTakesJSON() async throws {
        let workspace = try await Workspace.province()
        #expect(try await workspace.ocop("conflicts", "--json").array().isEmpty)
        #expect(try await workspace.ok("conflicts", "list") == "No conflicts.")
    }
}
