import Foundation
import GRDB
import OCOPModel
import OCOPQuery
import OCOPReplica
import Testing

/// The report date of the seeded dataset.
let reportDate = day("2026-06-15")

/// A seeded national dataset: two provinces, products with certificates on the expiry edges,
/// revoked and superseded certificates, and evaluations on the 5★ band edge. Written in the
/// province replicas and synced, as in production.
struct Seed {
    let harness: Harness
    var products: [String: Product] = [:]
    var certificates: [String: Certificate] = [:]
    var evaluations: [String: Evaluation] = [:]

    init() async throws {
        harness = try Harness(provinces: [("01", "Hà Nội"), ("22", "Quảng Ninh")])
        let hn = harness.replica("01"), qn = harness.replica("22")
        let hnTenant = harness.tenants["01"]!, qnTenant = harness.tenants["22"]!
        let coop = Producer(tenantID: hnTenant, name: "HTX Chè Ba Vì", type: .cooperative)
        let household = Producer(tenantID: hnTenant, name: "Hộ Nguyễn Văn A", type: .household, representative: "Nguyễn Văn A")
        let enterprise = Producer(tenantID: qnTenant, name: "Công ty Hạ Long", type: .enterprise)
        try hn.saveAll([coop, household])
        try qn.saveAll([enterprise])

        func product(_ name: String, _ producer: Producer, _ code: String) -> Product {
            Product(tenantID: producer.tenantID, producerID: producer.id, classificationCode: code, nameVi: name)
        }
        products["A"] = product("Chè A", coop, "1.5.a")          // 4★ expiring today
        products["B"] = product("Mật ong B", household, "1.2.b") // 3★ expired yesterday
        products["C"] = product("Rượu C", enterprise, "2.1.a")   // 3★ expiring in 30 days
        products["D"] = product("Nước mắm D", enterprise, "1.4.a") // 4★ expiring in 31 days
        products["E"] = product("Bánh E", coop, "1.3.b")         // revoked
        products["F"] = product("Cà phê F", coop, "1.6")         // 3★ superseded by 4★
        products["G"] = product("Rượu G", household, "2.1.b")    // evaluation 92: candidate
        products["H"] = product("Chè H", enterprise, "1.5.b")    // evaluation 90: candidate (band edge)
        products["I"] = product("Gạo I", enterprise, "1.2.a")    // evaluation 89.5: 4★, no candidate
        products["J"] = product("Mắm J", enterprise, "1.4.b")    // 5★ evaluation, later 4★: no candidate
        for (key, product) in products.sorted(by: { $0.key < $1.key }) {
            try (product.tenantID == hnTenant ? hn : qn).save(product)
            _ = key
        }
        let p = products
        certificates["A"] = certificate(p["A"]!, stars: 4, issued: "2023-06-15", number: "A/QĐ")  // expires 2026-06-15
        certificates["B"] = certificate(p["B"]!, stars: 3, issued: "2023-06-14", number: "B/QĐ")  // expires 2026-06-14
        certificates["C"] = certificate(p["C"]!, stars: 3, issued: "2023-07-15", number: "C/QĐ")  // expires 2026-07-15
        certificates["D"] = certificate(p["D"]!, stars: 4, issued: "2023-07-16", number: "D/QĐ")  // expires 2026-07-16
        certificates["E"] = certificate(p["E"]!, stars: 3, issued: "2025-01-10", number: "E/QĐ", status: .revoked)
        certificates["F-old"] = certificate(p["F"]!, stars: 3, issued: "2024-01-01", number: "F1/QĐ", status: .superseded)
        certificates["F"] = certificate(p["F"]!, stars: 4, issued: "2025-03-01", number: "F2/QĐ", previous: certificates["F-old"]!.id)
        certificates["future"] = certificate(p["D"]!, stars: 4, issued: "2026-07-01", number: "D2/QĐ") // not yet in force on the report date
        try hn.saveAll([certificates["A"]!, certificates["B"]!, certificates["E"]!, certificates["F-old"]!, certificates["F"]!])
        try qn.saveAll([certificates["C"]!, certificates["D"]!, certificates["future"]!])

        evaluations["G"] = evaluation(p["G"]!, on: "2026-05-10", a: 38, b: 22, c: 32)      // 92
        evaluations["H"] = evaluation(p["H"]!, on: "2026-05-11", a: 36, b: 22, c: 32)      // 90
        evaluations["I"] = evaluation(p["I"]!, on: "2026-05-12", a: 35.5, b: 22, c: 32)    // 89.5
        evaluations["J1"] = evaluation(p["J"]!, on: "2026-01-05", a: 38, b: 22, c: 32)     // 92, then
        evaluations["J2"] = evaluation(p["J"]!, on: "2026-04-05", a: 30, b: 20, c: 30)     // 80
        try hn.saveAll([evaluations["G"]!])
        try qn.saveAll([evaluations["H"]!, evaluations["I"]!, evaluations["J1"]!, evaluations["J2"]!])
        try await harness.sync("01")
        try await harness.sync("22")
    }
}

@Suite("Central reports")
struct ReportTests {
    @Test("stars by province × sector × producer type count certificates in force, edges included")
    func starsReport() async throws {
        let seed = try await Seed()
        let rows = try seed.harness.reports.stars(on: reportDate, by: [.province, .sector, .producerType])
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

        let byStars = try seed.harness.reports.stars(on: reportDate, by: [])
        #expect(byStars.map { "\($0.stars):\($0.products)" } == ["4:3", "3:1"])

        // The day after, A has expired; on the future certificate's day D counts once, at 4★.
        let nextDay = try seed.harness.reports.stars(on: day("2026-06-16"), by: [.province])
        #expect(nextDay.map { "\($0.stars)|\($0.provinceCode!)|\($0.products)" } == ["4|01|1", "4|22|1", "3|22|1"])
        let july = try seed.harness.reports.stars(on: day("2026-07-16"), by: [])
        #expect(july.map { "\($0.stars):\($0.products)" } == ["4:2"]) // F, D (D/QĐ last day and D2/QĐ): C expired 07-15
    }

    @Test("expiring within 30 days includes today and day 30, not day 31; yesterday is expired")
    func expiringReport() async throws {
        let seed = try await Seed()
        let rows = try seed.harness.reports.expiring(on: reportDate, withinDays: 30)
        #expect(rows.map { "\($0.number) \($0.state.rawValue) \($0.daysLeft)" } == [
            "B/QĐ expired -1",
            "A/QĐ expiring 0",
            "C/QĐ expiring 30",
        ])
        #expect(rows.map(\.provinceCode) == ["01", "01", "22"])
        // One more day of notice window catches D (31 days).
        #expect(try seed.harness.reports.expiring(on: reportDate, withinDays: 31).map(\.number) == ["B/QĐ", "A/QĐ", "C/QĐ", "D/QĐ"])
        // The policy agrees on the notice edges.
        let policy = CertificationPolicy.standard
        #expect(policy.needsExpiryNotice(seed.certificates["A"]!, on: reportDate))
        #expect(policy.needsExpiryNotice(seed.certificates["C"]!, on: reportDate))
        #expect(!policy.needsExpiryNotice(seed.certificates["D"]!, on: reportDate))
    }

    @Test("5★ candidates: latest evaluation ≥ 90 without a central 5★ certificate; 89.5 is not one")
    func candidatesReport() async throws {
        let seed = try await Seed()
        let candidates = try seed.harness.reports.fiveStarCandidates()
        #expect(candidates.map(\.productName) == ["Rượu G", "Chè H"])
        #expect(candidates.map(\.total) == [92, 90])
        #expect(candidates.map(\.provinceCode) == ["01", "22"])

        // Once the central office certifies G, it is no longer a candidate.
        _ = try seed.harness.decisions.certifyFiveStar(product: seed.products["G"]!.id, evaluation: seed.evaluations["G"]!.id,
                                                       number: "1/QĐ-BNNMT", issuedOn: day("2026-06-01"))
        #expect(try seed.harness.reports.fiveStarCandidates().map(\.productName) == ["Chè H"])
    }

    @Test("sync report: last sync, lag and pending conflicts per province")
    func syncReport() async throws {
        let seed = try await Seed()
        // The server counts a page as pulled when the replica asks for the next one, so a
        // second sync of 22 confirms everything; 01 has not seen what 22 pushed after it.
        try await seed.harness.sync("22")
        let statuses = try seed.harness.reports.sync()
        #expect(statuses.map(\.provinceCode) == ["01", "22"])
        #expect(statuses.allSatisfy { $0.replicas == 1 && $0.lastSyncAt != nil && ($0.lagSeconds ?? 99) < 60 })
        #expect(statuses.allSatisfy { $0.pendingConflicts == 0 && $0.refused == 0 })
        #expect(statuses[1].feedBehind == 0)
        #expect((statuses[0].feedBehind ?? 0) > 0)
    }
}
