import Crypto
import Foundation
import OCOPFeeds
import OCOPModel
import OCOPTestSupport
import Testing

/// Lots' events and the state's inspections as GS1 EPCIS 2.0, checked against GS1's own JSON
/// Schema by a validator no one here wrote.
@Suite("EPCIS 2.0 export")
struct EPCISDocumentTests {
    static let tenant = UUID()

    static func sample() throws -> (events: [LotEvent], inspections: [Inspection], catalogue: EPCISDocument.Catalogue) {
        let producer = UUID()
        let tea = Product(tenantID: tenant, producerID: producer, classificationCode: "1.5.a", nameVi: "Chè Shan tuyết Suối Giàng", gtin: "8934567890120")
        let honey = Product(tenantID: tenant, producerID: producer, classificationCode: "1.2.b", nameVi: "Mật ong bạc hà")
        let harvestA = Batch(tenantID: tenant, productID: tea.id, lotCode: "SG/26:A", producedOn: LocalDate("2026-03-01")!, quantity: 120, unit: "kg")
        let harvestB = Batch(tenantID: tenant, productID: tea.id, lotCode: "SG/26:B", producedOn: LocalDate("2026-03-02")!, quantity: 80, unit: "kg")
        let blend = Batch(tenantID: tenant, productID: tea.id, lotCode: "SG-BLEND-01", producedOn: LocalDate("2026-03-05")!, quantity: 190, unit: "kg")
        let honeyLot = Batch(tenantID: tenant, productID: honey.id, lotCode: "MO-01", producedOn: LocalDate("2026-04-01")!)
        let events = [
            LotEvent(tenantID: tenant, lotID: harvestA.id, eventType: .object, bizStep: "harvesting", action: "ADD",
                     eventTime: "2026-03-01T07:30:00+07:00", readPoint: "Suối Giàng, Văn Chấn", quantity: 120, unit: "kg",
                     measurements: #"{"moisture": {"value": 74.5, "unit": "%"}}"#, recordedBy: "Lò Văn Dũng"),
            LotEvent(tenantID: tenant, lotID: harvestB.id, eventType: .object, bizStep: "harvesting", action: "ADD",
                     eventTime: "2026-03-02T07:00:00+07:00", readPoint: "8934567000015", quantity: 80, unit: "kg", recordedBy: "x"),
            LotEvent(tenantID: tenant, lotID: blend.id, eventType: .transformation, bizStep: "transforming",
                     eventTime: "2026-03-05T14:00:00+07:00", inputs: [harvestA.id, harvestB.id], outputs: [blend.id],
                     quantity: 190, unit: "kg", recordedBy: "x"),
            LotEvent(tenantID: tenant, lotID: honeyLot.id, eventType: .object, bizStep: "packing", action: "OBSERVE",
                     eventTime: "2026-04-01T09:00:00+07:00", recordedBy: "x"),
        ]
        let officeKey = Curve25519.Signing.PrivateKey()
        let key = InspectionKey(office: "Chi cục QLCL Yên Bái", tenantCode: "15", publicKey: officeKey.publicKey.rawRepresentation.base64EncodedString(),
                                validFrom: LocalDate("2026-01-01")!)
        let inspection = try Inspection(tenantID: tenant, productID: tea.id, lotID: blend.id, keyID: key.id, kind: .labResult,
                                        inspectedOn: LocalDate("2026-03-10")!, verdict: .pass, findings: "Đạt QCVN 8-2:2011/BYT", inspector: "Phạm Văn Đức")
            .signed(with: officeKey)
        let catalogue = EPCISDocument.Catalogue(lots: [harvestA, harvestB, blend, honeyLot], products: [tea, honey], keys: [key])
        for event in events { #expect(event.validationErrors(reference: .standard).isEmpty, "\(event)") }
        for lot in [harvestA, harvestB, blend, honeyLot] { #expect(lot.validationErrors(reference: .standard).isEmpty, "\(lot)") }
        return (events, [inspection], catalogue)
    }

    @Test func theDocumentIsValidAgainstGS1sSchemaAndCarriesTheChain() async throws {
        let sample = try Self.sample()
        let document = EPCISDocument.document(events: sample.events, inspections: sample.inspections, catalogue: sample.catalogue,
                                              creationDate: "2026-04-02T00:00:00+07:00")
        let text = document.serialized(pretty: true)
        #expect(text.contains("https://id.gs1.org/01/08934567890120/10/SG%2F26%3AA"), "GTIN-13 padded, lot percent-encoded")
        #expect(text.contains("urn:ocop-vn:lot:"), "a product without a GTIN has no GS1 identity")
        #expect(text.contains("\"inputQuantityList\"") && text.contains("\"KGM\""))
        #expect(text.contains("https://id.gs1.org/414/8934567000015"), "a GLN read point")
        #expect(text.contains("\"disposition\": \"conformant\"") && text.contains(sample.inspections[0].signature))

        guard let standards = sharedStandards else {
            if ProcessInfo.processInfo.environment["CI"] != nil { Issue.record("../shared/standards is missing") }
            return
        }
        let schema = standards.appendingPathComponent("gs1-epcis/EPCIS-JSON-Schema.json")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("epcis-\(UUID().uuidString).jsonld")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(text.utf8).write(to: file)
        #expect(try await validateEPCISDocument(file, schema: schema) == "")

        // The validator is real: a document without eventTime is refused.
        try Data(text.replacingOccurrences(of: "\"eventTime\"", with: "\"whenever\"").utf8).write(to: file)
        #expect(try await validateEPCISDocument(file, schema: schema) != "")
    }
}
