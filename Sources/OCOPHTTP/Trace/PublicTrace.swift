import Foundation
import OCOPModel
import OCOPStore

/// What a lot's public trace page may show, decided once for the HTML and the JSON-LD: every
/// producer-related text passes through ``PublicProducer`` (a household under its neutral
/// label unless it consented, owners' names cut from product names, descriptions naming them
/// withheld); representatives, ID numbers, phones, addresses and who recorded an event are
/// never read into it.
struct PublicTrace: Sendable {
    struct Place: Sendable {
        var areaName: String
        var commune: String?
        var areaHa: Double?
        var codes: [Code]
    }
    struct Code: Sendable {
        var code: String
        var crop: String
        var issuedBy: String
        var validFrom: LocalDate
        var validUntil: LocalDate?
        var validToday: Bool
    }
    struct Event: Sendable {
        var time: String
        var bizStep: String
        var lotCode: String
        var productName: String
        /// Whether the event is the scanned lot's own (not an upstream lot's).
        var isThisLot: Bool
        var place: String?
        var quantity: Double?
        var unit: String?
        /// Input lots of a transformation, as "product – lot code".
        var inputs: [String]
    }
    struct InspectionEntry: Sendable {
        var id: UUID
        var kind: Inspection.Kind
        var inspectedOn: LocalDate
        var verdict: Inspection.Verdict
        var findings: String?
        var inspector: String
        var office: String?
        var signatureVerified: Bool
        var lotCode: String?
    }
    struct CertificateEntry: Sendable {
        var number: String
        var stars: Int
        var issuer: String
        var issuedOn: LocalDate
        var expiresOn: LocalDate
        /// On the day of the scan; nil before its issue.
        var status: CertificateStatus?
    }

    var lotID: UUID
    var lotCode: String
    var gtin: GTIN?
    var productName: String
    var productNameEn: String?
    var descriptionVi: String?
    var descriptionEn: String?
    var producerName: String
    var producerType: ProducerType
    var producerIsNeutralLabel: Bool
    var provinceName: String?
    var commune: String?
    var producedOn: LocalDate
    var quantity: Double?
    var unit: String?
    var places: [Place]
    var events: [Event]
    var inspections: [InspectionEntry]
    var certificates: [CertificateEntry]
    /// The day of the scan, in Vietnam time.
    var today: LocalDate

    /// The page of `trace` on `today`, the province named as it is that day.
    init(_ trace: LotTrace, today: LocalDate, registry: ProvinceRegistry = .standard) {
        let tenantCode = trace.tenant?.code
        let provinceName = tenantCode.flatMap { registry.unit(ofTenantCode: $0, on: today)?.name } ?? trace.tenant?.name
        let producer = trace.producer
        let face = producer.map { PublicProducer($0, provinceName: provinceName ?? "", consents: trace.consents, on: today) }
        // Every producer in the chain under its own public face: an upstream household's owner
        // is cut from its product's name, and kept out of free text, as the lot's own producer's is.
        var faces: [UUID: PublicProducer] = [:]
        for other in trace.upstreamProducers {
            faces[other.id] = PublicProducer(other, provinceName: provinceName ?? "", consents: trace.consents, on: today)
        }
        if let producer, let face { faces[producer.id] = face }
        let allFaces = Array(faces.values)
        /// Free text that names a household's owner (of any lot in the chain) is not shown.
        func unlessOwner(_ text: String?) -> String? {
            guard let text, !allFaces.contains(where: { $0.mentionsOwner(text) }) else { return nil }
            return text
        }
        func name(_ product: Product) -> String {
            (faces[product.producerID] ?? face)?.productName(product.nameVi) ?? product.nameVi
        }

        lotID = trace.lot.id
        lotCode = trace.lot.lotCode
        gtin = trace.product.gtin.flatMap(GTIN.init)
        productName = name(trace.product)
        productNameEn = face?.productName(trace.product.nameEn) ?? trace.product.nameEn
        let descriptions: (vi: String?, en: String?) = face?.descriptions(vi: trace.product.descriptionVi, en: trace.product.descriptionEn)
            ?? (trace.product.descriptionVi, trace.product.descriptionEn)
        descriptionVi = descriptions.vi
        descriptionEn = descriptions.en
        producerName = face?.name ?? "Cơ sở sản xuất"
        producerType = producer?.type ?? .enterprise
        producerIsNeutralLabel = face?.isNeutralLabel ?? false
        self.provinceName = provinceName
        commune = producer?.commune ?? trace.materialAreas.first { $0.id == trace.lot.materialAreaID }?.commune
        producedOn = trace.lot.producedOn
        quantity = trace.lot.quantity
        unit = trace.lot.unit
        self.today = today

        let areaOrder = [trace.lot.materialAreaID, trace.product.materialAreaID] + trace.upstreamLots.map(\.materialAreaID)
        var seenAreas = Set<UUID>()
        places = areaOrder.compactMap { $0 }.filter { seenAreas.insert($0).inserted }.compactMap { id in
            guard let area = trace.materialAreas.first(where: { $0.id == id }) else { return nil }
            let codes = trace.growingAreaCodes.filter { $0.materialAreaID == id }.sorted { $0.validFrom < $1.validFrom }.map {
                Code(code: $0.code, crop: $0.crop, issuedBy: $0.issuedBy, validFrom: $0.validFrom, validUntil: $0.validUntil,
                     validToday: $0.isValid(on: today))
            }
            return Place(areaName: unlessOwner(area.name) ?? "Vùng nguyên liệu", commune: area.commune, areaHa: area.areaHa, codes: codes)
        }

        let lots = Dictionary(([trace.lot] + trace.upstreamLots).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        // Each product's public name once, not once for every event that names one of its lots.
        let productNames = Dictionary(([trace.product] + trace.upstreamProducts).map { ($0.id, name($0)) }, uniquingKeysWith: { a, _ in a })
        func describe(_ lotID: UUID) -> (code: String, product: String) {
            guard let lot = lots[lotID] else { return ("?", "") }
            return (lot.lotCode, productNames[lot.productID] ?? "")
        }
        events = trace.events.map { event in
            let lot = describe(event.lotID)
            let inputs = ((try? LotEvent.decodeLots(event.inputs, field: "inputs")) ?? []).map { id in
                let input = describe(id)
                return input.product.isEmpty ? input.code : "\(input.product) – \(input.code)"
            }
            return Event(time: Self.vietnamTime(event.eventTime), bizStep: event.bizStep, lotCode: lot.code, productName: lot.product,
                         isThisLot: event.lotID == trace.lot.id, place: unlessOwner(event.readPoint), quantity: event.quantity,
                         unit: event.unit, inputs: inputs)
        }
        let keys = Dictionary(trace.inspectionKeys.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        inspections = trace.inspections.map { inspection in
            let key = keys[inspection.keyID]
            return InspectionEntry(
                id: inspection.id, kind: inspection.kind, inspectedOn: inspection.inspectedOn, verdict: inspection.verdict,
                findings: unlessOwner(inspection.findings), inspector: inspection.inspector, office: key?.office,
                signatureVerified: key.map(inspection.isSigned(by:)) ?? false, lotCode: inspection.lotID.map { describe($0).code })
        }
        certificates = Self.certificateEntries(trace.certificates, events: trace.certificateEvents, on: today)
    }

    /// A product's certificates as a public page lists them: each with its status on `today` and
    /// the authority as named on the day it issued.
    static func certificateEntries(_ certificates: [Certificate], events: [CertificateEvent], on today: LocalDate) -> [CertificateEntry] {
        certificates.map { certificate in
            let successor = certificates.first { $0.previousCertificateID == certificate.id }
            let history = CertificateHistory(certificate, events: events, successorIssuedOn: successor?.issuedOn)
            // The authority as named on the day it issued; the council level for rows from before dated facts.
            // (A province replica without its tenant row yet recorded no code, only a placeholder name.)
            let issuer = events
                .first { $0.certificateID == certificate.id && $0.kind == .issued && ($0.authorityLevel == .central || $0.authorityCode != nil) }?
                .authorityName ?? Self.level(certificate.issuer)
            return CertificateEntry(number: certificate.number, stars: certificate.stars, issuer: issuer,
                                    issuedOn: certificate.issuedOn, expiresOn: certificate.expiresOn, status: history.status(on: today))
        }
    }

    /// The certificate that speaks for the product today: one in force (most stars), else the
    /// latest issued.
    var currentCertificate: CertificateEntry? {
        certificates.filter { $0.status == .active }.max { ($0.stars, $0.expiresOn) < ($1.stars, $1.expiresOn) }
            ?? certificates.filter { $0.status != nil }.last
    }

    static func level(_ level: CouncilLevel) -> String {
        switch level {
        case .central: return "Trung ương / Central"
        case .province: return "Cấp tỉnh / Province"
        case .district: return "Cấp huyện / District"
        }
    }

    /// An ISO 8601 time as `dd/mm/yyyy hh:mm` in Vietnam time (UTC+7); as written if unreadable.
    static func vietnamTime(_ text: String) -> String {
        if let time = InternetTime(text) { return time.vietnamDisplay }
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime]
        guard let date = parser.date(from: text) else { return text }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 7 * 3600)!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%02d/%02d/%04d %02d:%02d", c.day!, c.month!, c.year!, c.hour!, c.minute!)
    }
}
