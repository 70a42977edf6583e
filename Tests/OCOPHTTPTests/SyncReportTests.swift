import Foundation
import OCOPStore
import OCOPModel
import OCOPTestSupport
import Testing

@Suite("Sync report: feed behind")
struct SyncReportTests {
    @Test("a province that just synced is 0 behind; other provinces' rows never count; a central decision for it does")
    func feedBehindCountsOnlyWhatTheProvinceWillBeSent() async throws {
        let seed = try await Seed()   // 01 synced, then 22 pushed its rows and synced
        func behind() async throws -> [String: Int64?] {
            Dictionary(uniqueKeysWithValues: try await seed.harness.reports.sync().map { ($0.provinceCode ?? "?", $0.feedBehind) })
        }
        #expect(try await behind() == ["01": 0, "22": 0], "both provinces have everything they may see")

        _ = try await seed.harness.decisions.certifyFiveStar(product: seed.products["H"]!.id, evaluation: seed.evaluations["H"]!.id,
                                                       number: "5/QĐ-TW", issuedOn: LocalDate(Date()))
        // The feed numbers a central write when the store next serves a pull (here Hà Nội's).
        try await seed.harness.sync("01")
        let afterDecision = try await behind()
        #expect(afterDecision["01"] == 0, "a decision about Quảng Ninh's product is not sent to Hà Nội")
        #expect((afterDecision["22"] ?? 0) ?? 0 > 0, "Quảng Ninh has the decision to pull")
        try await seed.harness.sync("22")
        #expect(try await behind()["22"] == 0)

        try await withLiveServer(seed: seed) { server in
            let report = try #require(try await server.get("/api/v1/reports/sync").json)
            let rows = try #require(report["provinces"] as? [[String: Any]])
            #expect(rows.map { $0["feed_behind"] as? Int } == [0, 0], "\(rows)")
        }
    }
}
