import Foundation
import OCOPModel
import OCOPSync

/// What the partner feeds are made from, read in one transaction: the records, the feed
/// position, and (for a delta) which rows changed after the partner's cursor.
///
/// Valid only inside ``NationalReads/readFeed(since:_:)``'s body: ``lastChange(table:id:)``
/// reads from the same transaction.
public struct FeedSource {
    /// The store's feed position this read sees.
    public var position: UInt64
    /// Deleted rows' tombstones were collected through this position: a reader resuming from
    /// before it may have missed deletions.
    public var tombstonesCollectedThrough: UInt64
    public var products: [Product]
    public var producers: [Producer]
    public var tenants: [Tenant]
    public var certificates: [Certificate]
    /// The certificates' dated facts (who issued each, when one ended).
    public var certificateEvents: [CertificateEvent]
    /// Producers' consents to publish a trading name.
    public var consents: [ProducerConsent]
    /// Products' offers (price, availability, net content).
    public var offers: [ProductOffer]
    /// Attachments of products and certificates (their photos and scans).
    public var attachments: [FileAttachment]
    /// Material areas and the growing-area codes granted to them.
    public var materialAreas: [MaterialArea]
    public var growingAreaCodes: [GrowingAreaCode]
    /// Rows changed after the `since` position asked for; nil when none was asked.
    public var changes: FeedChanges?
    private let lastChangeOf: (String, UUID) throws -> HLC

    public init(position: UInt64, tombstonesCollectedThrough: UInt64, products: [Product], producers: [Producer],
                tenants: [Tenant], certificates: [Certificate], certificateEvents: [CertificateEvent] = [],
                consents: [ProducerConsent] = [], offers: [ProductOffer] = [], attachments: [FileAttachment] = [],
                materialAreas: [MaterialArea] = [], growingAreaCodes: [GrowingAreaCode] = [], changes: FeedChanges?,
                lastChange: @escaping (String, UUID) throws -> HLC) {
        self.certificateEvents = certificateEvents
        self.consents = consents
        self.offers = offers
        self.attachments = attachments
        self.materialAreas = materialAreas
        self.growingAreaCodes = growingAreaCodes
        self.position = position
        self.tombstonesCollectedThrough = tombstonesCollectedThrough
        self.products = products
        self.producers = producers
        self.tenants = tenants
        self.certificates = certificates
        self.changes = changes
        self.lastChangeOf = lastChange
    }

    /// The clock of the latest write to a row (any column, or its existence); zero if unknown.
    public func lastChange(table: String, id: UUID) throws -> HLC { try lastChangeOf(table, id) }
}

/// The rows changed after a feed position that can change a feed entry.
public struct FeedChanges: Sendable, Equatable {
    public var products: Set<UUID> = []
    public var producers: Set<UUID> = []
    /// The products of changed or deleted certificates.
    public var certificateProducts: Set<UUID> = []
    /// A province renamed or merged: every product may show another province.
    public var tenantsChanged = false
    /// Material areas whose own row or granted codes changed: their products show the code.
    public var materialAreas: Set<UUID> = []

    public init() {}
}
