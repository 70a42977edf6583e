import Foundation
import OCOPModel

/// A GS1 EPCIS 2.0 JSON-LD document of lots' value-chain events and the state's inspections,
/// for partners' traceability systems.
///
/// - A lot is identified as GS1 does, by GTIN and lot number in GS1 Digital Link form
///   (`https://id.gs1.org/01/{GTIN-14}/10/{lot}`); a product without a GTIN has no GS1
///   identity, so its lot is `urn:ocop-vn:lot:{id}` instead.
/// - `lot_events` become `ObjectEvent`s (harvesting, commissioning, packing, shipping…) and
///   `TransformationEvent`s (input lots → output lots) with their quantities.
/// - Inspections become `ObjectEvent`s with business step `inspecting`, disposition
///   `conformant`/`non_conformant`, and the office's signature in `ocop:signature` so the
///   partner can verify them (`Protocol/INSPECTIONS.md`).
/// - Our own fields use the `ocop:` prefix (`https://ocop.gov.vn/ns/epcis#`), as EPCIS allows
///   for extensions.
public enum EPCISDocument {
    /// The lot, product and key records the events refer to.
    public struct Catalogue: Sendable {
        public var lots: [UUID: Batch]
        public var products: [UUID: Product]
        public var keys: [UUID: InspectionKey]

        public init(lots: [Batch], products: [Product], keys: [InspectionKey]) {
            self.lots = Dictionary(lots.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            self.products = Dictionary(products.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            self.keys = Dictionary(keys.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        }
    }

    static let extensionNamespace = "https://ocop.gov.vn/ns/epcis#"

    /// The document: `events` and `inspections` in time order, created at `creationDate`
    /// (ISO 8601; pass a time derived from the data so the same data gives the same bytes).
    public static func document(events: [LotEvent], inspections: [Inspection], catalogue: Catalogue, creationDate: String) -> FeedJSON {
        var items: [(time: String, id: String, json: FeedJSON)] = []
        for event in events { items.append((event.eventTime, event.id.uuidString, json(event, catalogue: catalogue))) }
        for inspection in inspections {
            items.append((inspection.inspectedOn.description + "T00:00:00+07:00", inspection.id.uuidString, json(inspection, catalogue: catalogue)))
        }
        items.sort { ($0.time, $0.id) < ($1.time, $1.id) }
        return .object([
            ("@context", .array([.string("https://ref.gs1.org/standards/epcis/epcis-context.jsonld"),
                                 .object([("ocop", .string(extensionNamespace))])])),
            ("type", .string("EPCISDocument")),
            ("schemaVersion", .string("2.0")),
            ("creationDate", .string(creationDate)),
            ("epcisBody", .object([("eventList", .array(items.map(\.json)))])),
        ])
    }

    /// The EPC class of a lot: its GS1 Digital Link on id.gs1.org (``DigitalLink``), or a URN
    /// where the lot has no GS1 identity (no GTIN, or a lot code AI (10) cannot carry).
    public static func epcClass(_ lot: Batch, product: Product?) -> String {
        let link = DigitalLink.uri(base: "https://id.gs1.org", gtin: product?.gtin, lotCode: lot.lotCode, lotID: lot.id)
        return link.hasPrefix("https://id.gs1.org/01/") ? link : "urn:ocop-vn:lot:\(lot.id.uuidString.lowercased())"
    }

    /// How a lot code goes into a GS1 Digital Link (``DigitalLink/percentEncoded(_:)``).
    public static func percentEncoded(_ text: String) -> String { DigitalLink.percentEncoded(text) }

    static func quantity(_ lot: UUID, _ value: Double?, _ unit: String?, catalogue: Catalogue) -> FeedJSON {
        let epc = catalogue.lots[lot].map { epcClass($0, product: catalogue.products[$0.productID]) } ?? "urn:ocop-vn:lot:\(lot.uuidString.lowercased())"
        return .object([
            ("epcClass", .string(epc)),
            ("quantity", value.map(FeedJSON.number)),
            ("uom", value != nil ? unit.map { .string(unitCode($0)) } : nil),
        ])
    }

    /// UN/CEFACT Rec. 20 codes for the units provinces use; others pass as written.
    static func unitCode(_ unit: String) -> String {
        switch unit.lowercased() {
        case "kg": return "KGM"
        case "g": return "GRM"
        case "tấn", "t": return "TNE"
        case "lít", "l": return "LTR"
        case "ml": return "MLT"
        default: return unit
        }
    }

    static func readPoint(_ text: String?) -> FeedJSON? {
        guard let text else { return nil }
        let id = text.count == 13 && text.allSatisfy(\.isNumber)
            ? "https://id.gs1.org/414/\(text)" : "urn:ocop-vn:place:\(percentEncoded(text))"
        return .object([("id", .string(id))])
    }

    static func offset(_ time: String) -> String {
        if time.hasSuffix("Z") { return "+00:00" }
        return String(time.suffix(6))
    }

    static func json(_ event: LotEvent, catalogue: Catalogue) -> FeedJSON {
        let lot = catalogue.lots[event.lotID]
        var pairs: [(String, FeedJSON?)] = [
            ("type", .string(event.eventType.rawValue)),
            ("eventID", .string("urn:uuid:\(event.id.uuidString.lowercased())")),
            ("eventTime", .string(event.eventTime)),
            ("eventTimeZoneOffset", .string(offset(event.eventTime))),
        ]
        switch event.eventType {
        case .object:
            pairs.append(("action", .string(event.action ?? "OBSERVE")))
            pairs.append(("quantityList", .array([quantity(event.lotID, event.quantity, event.unit, catalogue: catalogue)])))
        case .transformation:
            let inputs = (try? LotEvent.decodeLots(event.inputs, field: "inputs")) ?? []
            let outputs = (try? LotEvent.decodeLots(event.outputs, field: "outputs")) ?? []
            pairs.append(("inputQuantityList", .array(inputs.map { quantity($0, nil, nil, catalogue: catalogue) })))
            pairs.append(("outputQuantityList", .array(outputs.map { quantity($0, $0 == event.lotID ? event.quantity : nil, event.unit, catalogue: catalogue) })))
        }
        pairs.append(("bizStep", .string(event.bizStep)))
        pairs.append(("readPoint", readPoint(event.readPoint)))
        if let data = event.measurements.data(using: .utf8),
           let measurements = try? JSONSerialization.jsonObject(with: data) as? [String: Any], !measurements.isEmpty {
            let items: [FeedJSON] = measurements.keys.sorted().map { name in
                let entry = measurements[name] as? [String: Any]
                return .object([
                    ("ocop:name", .string(name)),
                    ("ocop:value", (entry?["value"] as? Double).map(FeedJSON.number)),
                    ("ocop:unit", (entry?["unit"] as? String).map(FeedJSON.string)),
                ])
            }
            pairs.append(("ocop:measurements", .array(items)))
        }
        pairs.append(("ocop:lot", lot.map { .string($0.lotCode) }))
        return .object(pairs)
    }

    static func json(_ inspection: Inspection, catalogue: Catalogue) -> FeedJSON {
        let lotClass: FeedJSON
        if let lotID = inspection.lotID {
            lotClass = quantity(lotID, nil, nil, catalogue: catalogue)
        } else {
            let id = catalogue.products[inspection.productID]?.gtin.flatMap(DigitalLink.gtin14).map { "https://id.gs1.org/01/\($0)" }
                ?? "urn:ocop-vn:product:\(inspection.productID.uuidString.lowercased())"
            lotClass = .object([("epcClass", .string(id))])
        }
        let key = catalogue.keys[inspection.keyID]
        return .object([
            ("type", .string("ObjectEvent")),
            ("eventID", .string("urn:uuid:\(inspection.id.uuidString.lowercased())")),
            ("eventTime", .string(inspection.inspectedOn.description + "T00:00:00+07:00")),
            ("eventTimeZoneOffset", .string("+07:00")),
            ("action", .string("OBSERVE")),
            ("quantityList", .array([lotClass])),
            ("bizStep", .string("inspecting")),
            ("disposition", .string(inspection.verdict == .pass ? "conformant" : "non_conformant")),
            ("ocop:inspectionKind", .string(inspection.kind.rawValue)),
            ("ocop:findings", .string(inspection.findings)),
            ("ocop:inspector", .string(inspection.inspector)),
            ("ocop:office", key.map { .string($0.office) }),
            ("ocop:keyID", .string(inspection.keyID.uuidString.lowercased())),
            ("ocop:publicKey", key.map { .string($0.publicKey) }),
            ("ocop:signedBytes", .string(String(decoding: inspection.signedBytes, as: UTF8.self))),
            ("ocop:signature", .string(inspection.signature)),
        ])
    }
}
