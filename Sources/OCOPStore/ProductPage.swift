import Foundation
import OCOPModel

/// Everything a product's public page shows, read in one transaction: the product, its producer
/// and province, its certificates, how it is sold, its photos, where its raw material grows and
/// its latest lots (each linking to its trace page).
///
/// Records as stored, personal data included: what may be shown of them is the page's to decide
/// (``PublicProducer``, ``FileAttachment/isPublic(ownerIsHousehold:)``).
public struct ProductPage: Sendable {
    /// How a link names a product.
    public enum Key: Sendable, Hashable {
        /// The product's id (`/p/{id}`).
        case id(UUID)
        /// Its GTIN (GS1 Digital Link `/01/{GTIN-14}`).
        case gtin(GTIN)
    }

    /// How many of the latest lots a page lists.
    public static let lotLimit = 20

    public var product: Product
    public var producer: Producer?
    public var consents: [ProducerConsent]
    public var tenant: Tenant?
    /// By issue date, and their dated facts.
    public var certificates: [Certificate]
    public var certificateEvents: [CertificateEvent]
    public var offer: ProductOffer?
    /// The product's attachments, oldest first (the page shows the photos).
    public var attachments: [FileAttachment]
    public var materialArea: MaterialArea?
    public var growingAreaCodes: [GrowingAreaCode]
    /// The latest lots, newest first (at most ``lotLimit``).
    public var lots: [Batch]

    public init(product: Product, producer: Producer?, consents: [ProducerConsent], tenant: Tenant?, certificates: [Certificate],
                certificateEvents: [CertificateEvent], offer: ProductOffer?, attachments: [FileAttachment],
                materialArea: MaterialArea?, growingAreaCodes: [GrowingAreaCode], lots: [Batch]) {
        self.product = product
        self.producer = producer
        self.consents = consents
        self.tenant = tenant
        self.certificates = certificates.sorted { ($0.issuedOn, $0.id.uuidString) < ($1.issuedOn, $1.id.uuidString) }
        self.certificateEvents = certificateEvents
        self.offer = offer
        self.attachments = attachments.sorted { ($0.recordedOn, $0.id.uuidString) < ($1.recordedOn, $1.id.uuidString) }
        self.materialArea = materialArea
        self.growingAreaCodes = growingAreaCodes
        self.lots = lots
    }
}
