import Foundation
import GRDB
import OCOPStore
import OCOPModel
import OCOPQuery
import OCOPTestSupport
import OCOPReplica
import Testing

@Suite("Central reports")
struct ReportTests {
    @Test("stars by province × sector × producer type count certificates in force, edges included")
    func starsReport() async throws {
        let seed = try await Seed()
        let rows = try await seed.harness.reports.stars(on: reportDate, by: [.province, .sector, .producerType])
        let cells = rows.map { "\($0.stars)|\($0.provinceCode!)|\($0.sector!)|\($0.producerType!)|\($0.products)" }
        // In force on 2026-06-15: A 4★ (expires today), F 4★ (its 3★ is superseded), C 3★, D 4★
        // (its second certificate starts 2026-07-01). Not: B (expired yesterday), E (revoked).
        #expect(cells == [
            "4|01|QD148-2023:1|cooperative|2",
            "4|22|QD148-2023:1|enterprise|1",
            "3|22|QD148-2023:2|enterprise|1",
        ])
        #expect(rows.first?.sectorName == "Thực phẩm")
        #expect(rows.first?.provinceName == "Hà Nội")

        let byStars = try await seed.harness.reports.stars(on: reportDate, by: [])
        #expect(byStars.map { "\($0.stars):\($0.products)" } == ["4:3", "3:1"])

        // The day after, A has expired; on the future certificate's day D counts once, at 4★.
        let nextDay = try await seed.harness.reports.stars(on: day("2026-06-16"), by: [.province])
        #expect(nextDay.map { "\($0.stars)|\($0.provinceCode!)|\($0.products)" } == ["4|01|1", "4|22|1", "3|22|1"])
        let july = try await seed.harness.reports.stars(on: day("2026-07-16"), by: [])
        #expect(july.map { "\($0.stars):\($0.products)" } == ["4:2"]) // F, D (D/QĐ last day and D2/QĐ): C expired 07-15
    }

    @Test("expiring within 30 days includes today and day 30, not day 31; yesterday is expired")
    func expiringReport() async throws {
        let seed = try await Seed()
        let rows = try await seed.harness.reports.expiring(on: reportDate, withinDays: 30)
        #expect(rows.map { "\($0.number) \($0.state.rawValue) \($0.daysLeft)" } == [
            "B/QĐ expired -1",
            "A/QĐ expiring 0",
            "C/QĐ expiring 30",
        ])
        #expect(rows.map(\.provinceCode) == ["01", "01", "22"])
        // One more day of notice window catches D (31 days).
        #expect(try await seed.harness.reports.expiring(on: reportDate, withinDays: 31).map(\.number) == ["B/QĐ", "A/QĐ", "C/QĐ", "D/QĐ"])
        // The policy agrees on the notice edges.
        let policy = CertificationPolicy.standard
        #expect(policy.needsExpiryNotice(seed.certificates["A"]!, on: reportDate))
        #expect(policy.needsExpiryNotice(seed.certificates["C"]!, on: reportDate))
        #expect(!policy.needsExpiryNotice(seed.certificates["D"]!, on: reportDate))
    }

    @Test("5★ candidates: latest evaluation ≥ 90 without a central 5★ certificate; 89.5 is not one")
    func candidatesReport() async throws {
        let seed = try await Seed()
        let candidates = try await seed.harness.reports.fiveStarCandidates()
        #expect(candidates.map(\.productName) == ["Rượu G", "Chè H"])
        #expect(candidates.map(\.total) == [92, 90])
        #expect(candidates.map(\.provinceCode) == ["01", "22"])

        // Once the central office certifies G, it is no longer a candidate.
        _ = try await seed.harness.decisions.certifyFiveStar(product: seed.products["G"]!.id, evaluation: seed.evaluations["G"]!.id,
                                                       number: "1/QĐ-BNNMT", issuedOn: day("2026-06-01"))
        #expect(try await seed.harness.reports.fiveStarCandidates().map(\.productName) == ["Chè H"])
    }

    @Test("sync report: last sync, lag and pending conflicts per province")
    func syncReport() async throws {
        let started = Date()
        let seed = try await Seed()
        try await seed.harness.sync("22")
        let statuses = try await seed.harness.reports.sync()
        // Both synced during this test: the lag is at most the test's own time so far (which a
        // full run on two cores can stretch to minutes).
        let bound = Date().timeIntervalSince(started) + 1
        #expect(statuses.map(\.provinceCode) == ["01", "22"])
        #expect(statuses.allSatisfy { $0.replicas == 1 && $0.lastSyncAt != nil && Double($0.lagSeconds ?? Int.max) <= bound }, "\(statuses), bound \(bound) s")
        #expect(statuses.allSatisfy { $0.pendingConflicts == 0 && $0.refused == 0 })
        // What 22 pushed after 01 synced is never sent to 01: neither is behind.
        #expect(statuses.map(\.feedBehind) == [0, 0])
        // A central decision on 01's product is (once the feed numbers it, at 22's next pull).
        _ = try await seed.harness.decisions.certifyFiveStar(product: seed.products["G"]!.id, evaluation: seed.evaluations["G"]!.id,
                                                       number: "1/QĐ-BNNMT", issuedOn: day("2026-06-01"))
        try await seed.harness.sync("22")
        let after = try await seed.harness.reports.sync()
        #expect((after[0].feedBehind ?? 0) > 0)
        #expect(after[1].feedBehind == 0)
    }
}
