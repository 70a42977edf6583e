import Foundation
import OCOPModel
import OCOPStore

/// What a product's public page may show, on one day: the product under its public name, its
/// producer's public face, certificates, offer, photos, raw-material area and latest lots. Built
/// with the same rules as a lot's trace page (``PublicProducer``,
/// ``OCOPModel/FileAttachment/isPublic(ownerIsHousehold:)``).
struct PublicProduct: Sendable {
    struct Lot: Sendable {
        var code: String
        var producedOn: LocalDate
        var link: String
    }

    var productID: UUID
    var gtin: GTIN?
    var name: String
    var nameEn: String?
    var descriptionVi: String?
    var descriptionEn: String?
    var producerName: String
    var producerType: ProducerType
    var commune: String?
    var provinceName: String?
    var certificates: [PublicTrace.CertificateEntry]
    var offer: ProductOffer?
    /// Hashes of the photos, oldest first, each once.
    var photos: [String]
    var areaName: String?
    var growingAreaCodes: [String]
    var lots: [Lot]
    var today: LocalDate

    init(_ page: ProductPage, today: LocalDate, registry: ProvinceRegistry = .standard) {
        let tenantCode = page.tenant?.code
        let provinceName = tenantCode.flatMap { registry.unit(ofTenantCode: $0, on: today)?.name } ?? page.tenant?.name
        let face = page.producer.map { PublicProducer($0, provinceName: provinceName ?? "", consents: page.consents, on: today) }
        let household = page.producer?.isNaturalPerson ?? true
        productID = page.product.id
        gtin = page.product.gtin.flatMap(GTIN.init)
        name = face?.productName(page.product.nameVi) ?? page.product.nameVi
        nameEn = face?.productName(page.product.nameEn) ?? page.product.nameEn
        let descriptions: (vi: String?, en: String?) = face?.descriptions(vi: page.product.descriptionVi, en: page.product.descriptionEn)
            ?? (page.product.descriptionVi, page.product.descriptionEn)
        descriptionVi = descriptions.vi
        descriptionEn = descriptions.en
        producerName = face?.name ?? "Cơ sở sản xuất"
        producerType = page.producer?.type ?? .enterprise
        commune = page.producer?.commune
        self.provinceName = provinceName
        certificates = PublicTrace.certificateEntries(page.certificates, events: page.certificateEvents, on: today)
        offer = page.offer
        var seen = Set<String>()
        photos = page.attachments.filter { $0.role == .photo && $0.isPublic(ownerIsHousehold: household) && seen.insert($0.sha256).inserted }
            .map(\.sha256)
        areaName = page.materialArea.map { area in face?.mentionsOwner(area.name) == true ? "Vùng nguyên liệu" : area.name }
        growingAreaCodes = ([page.materialArea?.growingAreaCode].compactMap { $0 }
            + page.growingAreaCodes.filter { $0.isValid(on: today) }.map(\.code)).reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
        lots = page.lots.map { lot in
            Lot(code: lot.lotCode, producedOn: lot.producedOn,
                link: DigitalLink.uri(base: "", gtin: page.product.gtin, lotCode: lot.lotCode, lotID: lot.id))
        }
        self.today = today
    }
}
