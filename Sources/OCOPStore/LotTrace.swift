import Foundation
import OCOPModel

/// Everything a lot's public trace page shows, read in one transaction: the lot, its product and
/// producer, where it came from, what happened to it and to the lots it was made of, the state's
/// inspections and the product's certificates.
///
/// These are records as stored, personal data included: what may be shown of them is the
/// page's to decide (``PublicProducer``).
public struct LotTrace: Sendable {
    /// How a trace link names a lot.
    public enum Key: Sendable, Hashable {
        /// The lot's id (the short link `/l/{id}`).
        case id(UUID)
        /// A product's GTIN and the lot code printed on the package (GS1 Digital Link).
        case gtin(GTIN, lotCode: String)
    }

    /// How far upstream a trace follows transformations' inputs, and how many events it reads
    /// at most, so a page never walks an unbounded graph.
    public static let maximumDepth = 8
    public static let maximumEvents = 200

    public var lot: Batch
    public var product: Product
    public var producer: Producer?
    /// The consents to publish a trading name of the producer and of the upstream producers.
    public var consents: [ProducerConsent]
    public var tenant: Tenant?
    /// The lots this one was made of through transformations, transitively (bounded), and
    /// their products.
    public var upstreamLots: [Batch]
    public var upstreamProducts: [Product]
    /// The producers of upstream products other than the lot's own producer: a blend can hold
    /// another household's harvest, whose owner's name its product's name may carry.
    public var upstreamProducers: [Producer]
    /// The material areas of the lot, of its product and of upstream lots, and their
    /// growing-area codes.
    public var materialAreas: [MaterialArea]
    public var growingAreaCodes: [GrowingAreaCode]
    /// The events of the lot and of the upstream lots, by time then id.
    public var events: [LotEvent]
    /// The inspections of the lot, of upstream lots and of its product (not tied to another
    /// lot), by date then id, and the keys that signed them.
    public var inspections: [Inspection]
    public var inspectionKeys: [InspectionKey]
    /// The product's certificates by issue date, and their dated facts.
    public var certificates: [Certificate]
    public var certificateEvents: [CertificateEvent]

    public init(lot: Batch, product: Product, producer: Producer?, consents: [ProducerConsent], tenant: Tenant?,
                upstreamLots: [Batch], upstreamProducts: [Product], upstreamProducers: [Producer] = [], materialAreas: [MaterialArea],
                growingAreaCodes: [GrowingAreaCode], events: [LotEvent], inspections: [Inspection],
                inspectionKeys: [InspectionKey], certificates: [Certificate], certificateEvents: [CertificateEvent]) {
        self.lot = lot
        self.product = product
        self.producer = producer
        self.consents = consents
        self.tenant = tenant
        self.upstreamLots = upstreamLots
        self.upstreamProducts = upstreamProducts
        self.upstreamProducers = upstreamProducers
        self.materialAreas = materialAreas
        self.growingAreaCodes = growingAreaCodes
        self.events = events.sorted { ($0.eventTime, $0.id.uuidString) < ($1.eventTime, $1.id.uuidString) }
        self.inspections = inspections.sorted { ($0.inspectedOn, $0.id.uuidString) < ($1.inspectedOn, $1.id.uuidString) }
        self.inspectionKeys = inspectionKeys
        self.certificates = certificates.sorted { ($0.issuedOn, $0.id.uuidString) < ($1.issuedOn, $1.id.uuidString) }
        self.certificateEvents = certificateEvents
    }

    /// The input lots named by `events`' transformations recorded for lots in `lots`, not yet
    /// in `seen`: the next step upstream.
    public static func inputs(of events: [LotEvent], producing lots: Set<UUID>, seen: Set<UUID>) -> Set<UUID> {
        var next = Set<UUID>()
        for event in events where event.eventType == .transformation && lots.contains(event.lotID) {
            for input in (try? LotEvent.decodeLots(event.inputs, field: "inputs")) ?? [] where !seen.contains(input) {
                next.insert(input)
            }
        }
        return next
    }
}

/// The walk upstream both backends share, one step per round of reads: read the events of
/// ``frontier`` (indexed by `lot_id`, at most ``eventLimit``), hand them to ``add(events:)``,
/// read the lots it returns (by id) and hand them to ``add(lots:)``; repeat while the frontier
/// is not empty. It stops at ``LotTrace/maximumDepth`` or once ``LotTrace/maximumEvents`` are read.
package struct UpstreamWalk {
    package private(set) var lots: [Batch] = []
    package private(set) var events: [LotEvent] = []
    /// The lots whose events are read next.
    package private(set) var frontier: Set<UUID>
    private var seen: Set<UUID>
    private var depth = 0

    package init(from lot: UUID) {
        frontier = [lot]
        seen = [lot]
    }

    /// How many events the next read may return.
    package var eventLimit: Int { LotTrace.maximumEvents - events.count }

    /// Takes the frontier's events; returns the input lots to read next (none once the walk ends).
    package mutating func add(events read: [LotEvent]) -> Set<UUID> {
        events += read.prefix(eventLimit)
        let next = LotTrace.inputs(of: read, producing: frontier, seen: seen)
        depth += 1
        guard depth <= LotTrace.maximumDepth, eventLimit > 0 else {
            frontier = []
            return []
        }
        seen.formUnion(next)
        frontier = next
        return next
    }

    /// Takes the lots ``add(events:)`` asked for; any not found are dropped from the frontier.
    package mutating func add(lots read: [Batch]) {
        lots += read
        frontier = frontier.intersection(read.map(\.id))
    }
}
