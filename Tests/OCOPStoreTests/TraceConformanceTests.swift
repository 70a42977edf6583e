import Foundation
import OCOPModel
import OCOPReplica
import OCOPStore
import OCOPSync
import OCOPTestSupport
import Testing

/// A lot's trace (``NationalReads/lotTrace(_:)``), on every backend: found by id or by GTIN and
/// lot code in any of the GTIN's forms, never as another product's lot, with the chain upstream
/// through transformations, bounded.
@Suite("Store conformance: lot traces")
struct TraceConformanceTests {
    @Test("a lot's trace: the lot, its product and producer, the chain upstream, inspections and certificates",
          arguments: StoreBackendFactory.all)
    func lotTrace(_ factory: StoreBackendFactory) async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-trace-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let store = try await factory.open(scratch)
        let tenant = try await store.addProvince(code: "15", name: "Lào Cai", verifier: testVerifier)
        let fixture = try TraceFixture(tenant: tenant)
        let province = try Replica.create(at: ":memory:", role: .province, tenantID: tenant)
        try fixture.write(to: province)
        // A chain of 12 lots, each made of the one before: the trace stops 8 steps upstream.
        var chain = [Batch(tenantID: tenant, productID: fixture.tea.id, lotCode: "CH-0", producedOn: LocalDate("2026-05-01")!)]
        var chainEvents: [LotEvent] = []
        for step in 1..<12 {
            let lot = Batch(tenantID: tenant, productID: fixture.tea.id, lotCode: "CH-\(step)", producedOn: LocalDate("2026-05-01")!)
            chainEvents.append(LotEvent(tenantID: tenant, lotID: lot.id, eventType: .transformation, bizStep: "transforming",
                                        eventTime: "2026-05-01T08:\(String(format: "%02d", step)):00+07:00", inputs: [chain[step - 1].id],
                                        outputs: [lot.id], recordedBy: "x"))
            chain.append(lot)
        }
        // The cooperative's honey blended into a tea lot: the chain crosses producers.
        let mix = Batch(tenantID: tenant, productID: fixture.tea.id, lotCode: "MIX-1", producedOn: LocalDate("2026-05-02")!)
        chain.append(mix)
        chainEvents.append(LotEvent(tenantID: tenant, lotID: mix.id, eventType: .transformation, bizStep: "transforming",
                                    eventTime: "2026-05-02T08:00:00+07:00", inputs: [fixture.honeyLot.id], outputs: [mix.id], recordedBy: "x"))
        try province.saveAll(chain)
        try province.saveAll(chainEvents)
        let account = try #require(try await store.account(user: tenant.uuidString.lowercased()))
        _ = try await store.openSession(replica: province.replicaID, account: account)
        _ = try await province.sync(over: InProcessChannel(store: store, principal: Principal(replica: province.replicaID, account: account)))
        try await fixture.pushInspections(to: store, verifier: testVerifier)

        let gtin = try #require(GTIN(TraceFixture.gtin))
        let trace = try #require(try await store.lotTrace(.gtin(gtin, lotCode: "ST/2026-B1")))
        #expect(trace.lot.id == fixture.blend.id && trace.product.id == fixture.tea.id)
        #expect(trace.producer?.id == fixture.household.id && trace.tenant?.code == "15" && trace.consents.isEmpty)
        #expect(Set(trace.upstreamLots.map(\.id)) == [fixture.harvestA.id, fixture.harvestB.id])
        #expect(trace.events.map(\.bizStep) == ["harvesting", "harvesting", "transforming", "packing"])
        #expect(trace.materialAreas.map(\.id) == [fixture.area.id] && trace.growingAreaCodes.map(\.code) == ["VN-YB-VC-0012"])
        #expect(Set(trace.inspections.map(\.id)) == [fixture.labResult.id, fixture.productInspection.id])
        #expect(trace.inspectionKeys.map(\.id) == [fixture.key.id])
        #expect(trace.inspections.allSatisfy { $0.isSigned(by: trace.inspectionKeys[0]) })
        #expect(trace.certificates.map(\.id) == [fixture.teaCertificate.id] && trace.certificateEvents.count == 1)

        #expect(trace.upstreamProducers.isEmpty, "both harvests are the household's own")
        let mixed = try #require(try await store.lotTrace(.id(mix.id)))
        #expect(mixed.upstreamProducts.map(\.id) == [fixture.honey.id] && mixed.upstreamProducers.map(\.id) == [fixture.cooperative.id])

        // The same lot by id and by the GTIN's 14-digit form.
        #expect(try await store.lotTrace(.id(fixture.blend.id))?.lot.lotCode == "ST/2026-B1")
        #expect(try await store.lotTrace(.gtin(try #require(GTIN("0" + TraceFixture.gtin)), lotCode: "ST/2026-B1"))?.lot.id == fixture.blend.id)
        // Another product's lot code under this GTIN, an unknown code, an unknown id: none.
        #expect(try await store.lotTrace(.gtin(gtin, lotCode: "MO-01")) == nil)
        #expect(try await store.lotTrace(.gtin(gtin, lotCode: "st/2026-b1")) == nil)
        #expect(try await store.lotTrace(.id(UUID())) == nil)

        let honey = try #require(try await store.lotTrace(.id(fixture.honeyLot.id)))
        #expect(honey.product.id == fixture.honey.id && honey.events.count == 1 && honey.upstreamLots.isEmpty)
        #expect(honey.inspections.isEmpty && honey.certificateEvents.count == 2)

        // Everything since the start, in one page and page by page (each page ends whole).
        let all = try await store.epcisChanges(since: 0, limit: 1_000)
        #expect(all.isComplete && all.events.count == fixture.events.count + chainEvents.count && all.inspections.count == 2)
        #expect(Set(all.lots.map(\.id)).isSuperset(of: [fixture.blend.id, fixture.harvestA.id, chain[0].id]) && all.keys.count == 1)
        var since: UInt64 = 0, seen = Set<UUID>(), pages = 0
        while true {
            let page = try await store.epcisChanges(since: since, limit: 3)
            seen.formUnion(page.events.map(\.id) + page.inspections.map(\.id))
            #expect(page.through >= since)
            since = page.through
            pages += 1
            if page.isComplete || pages > 50 { break }
        }
        #expect(seen == Set(all.events.map(\.id) + all.inspections.map(\.id)) && pages > 1)
        #expect(try await store.epcisChanges(since: all.through, limit: 10).events.isEmpty)

        let end = try #require(try await store.lotTrace(.id(chain[11].id)))
        #expect(end.upstreamLots.count == LotTrace.maximumDepth, "\(end.upstreamLots.map(\.lotCode))")
        #expect(!end.upstreamLots.contains { $0.lotCode == "CH-0" || $0.lotCode == "CH-2" })
    }
}
