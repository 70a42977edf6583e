import Foundation
import Testing
import OCOPModel

@Suite("Lots: lot codes, links to product and area, Digital Link, trace, CSV")
struct LotRulesTests {
    func lot(_ code: String = "SG-2026-031", on day: String = "2026-03-05", quantity: Double? = 250, unit: String? = "kg") -> Batch {
        Batch(tenantID: Sample.tenantID, productID: Sample.productID, materialAreaID: Sample.areaID, lotCode: code,
              producedOn: Sample.date(day), quantity: quantity, unit: unit)
    }

    func code(_ classification: String = "1.5", from: String = "2024-01-15", until: String? = nil) -> GrowingAreaCode {
        GrowingAreaCode(tenantID: Sample.tenantID, materialAreaID: Sample.areaID, code: "VN-YBOR-0021", crop: "chè shan tuyết",
                        classificationCode: classification, issuedBy: "Chi cục Trồng trọt và BVTV tỉnh Yên Bái",
                        validFrom: Sample.date(from), validUntil: until.map(Sample.date))
    }

    @Test(arguments: [
        ("SG-2026-031", nil),
        ("A", nil),
        ("lot/7:(a)&b_%?", nil),
        (String(repeating: "9", count: 64), nil),
        ("SG 2026", "batches.lot_code: contains a space: a lot code uses the GS1 AI (10) characters only"),
        ("LÔ-01", "batches.lot_code: contains \"Ô\": a lot code uses the GS1 AI (10) characters only"),
        ("SG#1", "batches.lot_code: contains \"#\""),
        ("SG\u{7}1", "batches.lot_code: contains control characters"),
        ("SG\t1", "batches.lot_code: contains control characters"),
        ("", "batches.lot_code: must not be empty"),
        (String(repeating: "9", count: 65), "batches.lot_code: is 65 characters long; the maximum is 64"),
        (String(repeating: "A", count: 10_000), "batches.lot_code: is 10000 characters long; the maximum is 64"),
    ] as [(String, String?)])
    func lotCodes(code: String, expected: String?) {
        let errors = lot(code).validationErrors(reference: .standard).map(\.description)
        if let expected {
            #expect(errors.count == 1 && errors[0].hasPrefix(expected), "\(errors)")
        } else {
            #expect(errors.isEmpty, "\(errors)")
        }
    }

    @Test func productionDateAndQuantity() {
        #expect(lot(on: "2018-05-07").isValid())
        #expect(lot(on: "2018-05-06").validationErrors(reference: .standard).map(\.description)
                == ["batches.produced_on: 2018-05-06 is before the OCOP programme began (2018-05-07)"])
        #expect(lot(quantity: nil, unit: "kg").validationErrors(reference: .standard).map(\.description) == ["batches.quantity: must be given when unit is"])
        #expect(lot(quantity: 3, unit: nil).validationErrors(reference: .standard).map(\.description) == ["batches.unit: must be given when quantity is"])
        #expect(lot(quantity: nil, unit: nil).isValid())
        // A future date is the CLI's check: a synced row is judged without this machine's clock.
        #expect(lot(on: "2099-01-01").isValid())
    }

    @Test func linksToProductAndArea() {
        let product = Sample.product, area = Sample.area
        #expect(lot().linkErrors(product: product, area: area, areaCodes: [], otherLots: []).isEmpty, "an area without codes is accepted")
        #expect(lot().linkErrors(product: product, area: area, areaCodes: [code("1.5")], otherLots: []).isEmpty)
        #expect(lot().linkErrors(product: product, area: area, areaCodes: [code("1.5.a")], otherLots: []).isEmpty)

        let honey = lot().linkErrors(product: product, area: area, areaCodes: [code("1.2.b")], otherLots: []).map(\.description)
        #expect(honey.count == 1 && honey[0].hasPrefix("batches.material_area_id: Vùng chè Shan tuyết Suối Giàng's growing-area codes (VN-YBOR-0021: chè shan tuyết, 1.2.b) do not cover"))
        let expired = lot().linkErrors(product: product, area: area, areaCodes: [code(until: "2025-12-31")], otherLots: []).map(\.description)
        #expect(expired == ["batches.material_area_id: Vùng chè Shan tuyết Suối Giàng has no growing-area code valid on 2026-03-05 (VN-YBOR-0021 2024-01-15–2025-12-31)"])

        var foreignArea = area
        foreignArea.tenantID = UUID()
        #expect(lot().linkErrors(product: product, area: foreignArea, areaCodes: [], otherLots: []).map(\.field) == ["material_area_id"])

        let twin = lot("sg-2026-031")
        let duplicate = lot().linkErrors(product: product, area: area, areaCodes: [], otherLots: [twin]).map(\.description)
        #expect(duplicate.count == 1 && duplicate[0].hasPrefix("batches.lot_code: Chè Shan tuyết Suối Giàng already has lot sg-2026-031"))
        var otherProductsLot = twin
        otherProductsLot.productID = UUID()
        #expect(lot().linkErrors(product: product, area: area, areaCodes: [], otherLots: [otherProductsLot]).isEmpty, "unique per product only")
    }

    @Test func growingAreaCodeCoversByWholeParts() {
        #expect(code("1.5").supplies("1.5.a") && code("1.5.a").supplies("1.5.a") && code("1").supplies("1.5.a"))
        #expect(!code("1.5").supplies("1.50") && !code("1.5.a").supplies("1.5.b"))
        var bad = code()
        bad.code = "VN YB 21"
        #expect(bad.validationErrors(reference: .standard).map(\.field) == ["code"])
    }

    @Test func digitalLinks() {
        let id = UUID(uuidString: "01970000-0000-7000-8000-0000000000AA")!
        let base = "https://trace.ocop.gov.vn/"
        #expect(DigitalLink.uri(base: base, gtin: "8934567890120", lotCode: "SG-2026-031", lotID: id)
                == "https://trace.ocop.gov.vn/01/08934567890120/10/SG-2026-031")
        #expect(DigitalLink.uri(base: base, gtin: "8934567890120", lotCode: "L/7:a&b", lotID: id)
                == "https://trace.ocop.gov.vn/01/08934567890120/10/L%2F7%3Aa%26b")
        #expect(DigitalLink.gtin14("96385074") == "00000096385074")
        #expect(DigitalLink.gtin14("036000291452") == "00036000291452")
        #expect(DigitalLink.gtin14("8934567890121") == nil, "bad check digit")
        #expect(Product.gtinProblem("8934567890121") == "8934567890121 has check digit 1, expected 0")
        let short = "https://trace.ocop.gov.vn/l/01970000-0000-7000-8000-0000000000aa"
        #expect(DigitalLink.uri(base: base, gtin: nil, lotCode: "SG-1", lotID: id) == short)
        #expect(DigitalLink.uri(base: base, gtin: "8934567890120", lotCode: String(repeating: "7", count: 21), lotID: id) == short)
    }

    @Test func traceFollowsTransformationsTransitively() throws {
        let h1 = UUID(), h2 = UUID(), h3 = UUID(), blend = UUID(), packed = UUID()
        func transform(_ ins: [UUID], _ outs: [UUID]) -> LotEvent {
            LotEvent(tenantID: Sample.tenantID, lotID: outs[0], eventType: .transformation, bizStep: "transforming",
                     eventTime: "2026-03-06T07:00:00+07:00", inputs: ins, outputs: outs, recordedBy: "test")
        }
        let first = transform([h1, h2], [blend]), second = transform([blend, h3], [packed])
        let harvest = LotEvent(tenantID: Sample.tenantID, lotID: h1, eventType: .object, bizStep: "harvesting", action: "ADD",
                               eventTime: "2026-03-01T06:00:00+07:00", recordedBy: "test")
        #expect(first.isValid() && harvest.isValid())
        let trace = LotChain(events: [harvest, first, second, transform([packed], [h1])])  // a cycle ends the walk
        let up = trace.upstream(of: packed)
        #expect(Set(up.filter { $0.depth == 1 }.map(\.lotID)) == [blend, h3])
        #expect(Set(up.filter { $0.depth == 2 }.map(\.lotID)) == [h1, h2])
        #expect(trace.downstream(of: h2).map(\.lotID) == [blend, packed, h1], "each lot once, then the walk ends")
        #expect(trace.downstream(of: h2).map(\.eventID).prefix(2) == [first.id, second.id])
    }

    /// Filed under an input, or naming two outputs, a transformation could not be found from
    /// (some of) the lots it made: the trace of such a lot would show no origin.
    @Test func aTransformationIsRecordedUnderItsOneOutputLot() {
        let input = UUID(), output = UUID(), other = UUID()
        func transformation(under lot: UUID, outputs: [UUID]) -> LotEvent {
            LotEvent(tenantID: Sample.tenantID, lotID: lot, eventType: .transformation, bizStep: "transforming",
                     eventTime: "2026-03-06T07:00:00+07:00", inputs: [input], outputs: outputs, recordedBy: "test")
        }
        #expect(transformation(under: output, outputs: [output]).isValid())
        for event in [transformation(under: input, outputs: [output]), transformation(under: output, outputs: [output, other])] {
            let errors = event.validationErrors(reference: .standard)
            #expect(errors.map(\.field) == ["outputs"], "\(errors)")
            #expect(errors.first?.reason.contains("one event per output lot") == true)
        }
    }

    @Test func csvImportNamesRowAndFieldAndImportsNothing() throws {
        let importer = CSVImport(tenantID: Sample.tenantID)
        let existing = lot("SG-OLD")
        let csv = """
            product,lot_code,produced_on,quantity,unit,material_area
            8934567890120,SG-1,2026-03-01,120,kg,VN-YBOR-0021
            8934567890120,SG 2,2026-03-02,,,
            Chè Shan tuyết Suối Giàng,SG-1,2026-03-03,5,,
            8934567890120,sg-old,2017-01-01,abc,kg,
            8934567890199,SG-5,2026-03-04,,,
            8934567890120,SG-6,2030-01-01,,,Vùng không có
            """
        #expect(throws: CSVImportFailure.self) {
            _ = try importer.lots(from: Data(csv.utf8), products: [Sample.product], materialAreas: [Sample.area],
                                  growingAreaCodes: [code("1.2.b")], existing: [existing], today: Sample.date("2026-11-30"))
        }
        do {
            _ = try importer.lots(from: Data(csv.utf8), products: [Sample.product], materialAreas: [Sample.area],
                                  growingAreaCodes: [code("1.2.b")], existing: [existing], today: Sample.date("2026-11-30"))
        } catch {
            let found = error.errors.map { "\($0.line) \($0.column ?? "-")" }
            #expect(found == [
                "2 material_area", "3 lot_code", "4 unit", "4 lot_code", "5 quantity", "5 produced_on", "5 lot_code",
                "6 product", "7 material_area", "7 produced_on",
            ], "\(error)")
        }
        let good = "product,lot_code,produced_on\n8934567890120,SG-9,2026-03-01\n"
        let lots = try importer.lots(from: Data(good.utf8), products: [Sample.product], existing: [existing])
        #expect(lots.count == 1 && lots[0].productID == Sample.productID && lots[0].lotCode == "SG-9")
    }

    /// An event time names a real moment as written: a day that does not exist (30 February), an
    /// hour 24 or minute 60 is refused, not rolled over into the next day (events are never
    /// edited, so a rolled-over time would stand for ever).
    @Test(arguments: [
        ("2026-03-05T08:30:00+07:00", true),
        ("2026-03-05T08:30:00Z", true),
        ("2024-02-29T23:59:59+07:00", true),
        ("2026-02-30T10:00:00+07:00", false),
        ("2025-02-29T10:00:00+07:00", false),
        ("2026-04-31T10:00:00+07:00", false),
        ("2026-03-05T24:00:00+07:00", false),
        ("2026-03-05T08:60:00+07:00", false),
        ("2026-03-05T08:30:61+07:00", false),
        ("2026-03-05T08:30:00+25:00", false),
        ("2026-03-05 08:30:00+07:00", false),
        ("2026-03-05T08:30:00", false),
    ])
    func eventTimesAreRealMoments(time: String, valid: Bool) {
        let event = LotEvent(tenantID: Sample.tenantID, lotID: UUID(), eventType: .object, bizStep: "inspecting", action: "OBSERVE",
                             eventTime: time, recordedBy: "test")
        let problems = event.validationErrors(reference: .standard).filter { $0.field == "event_time" }
        #expect(problems.isEmpty == valid, "\(time): \(problems)")
    }
}
