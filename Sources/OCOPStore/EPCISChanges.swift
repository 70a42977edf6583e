import Foundation
import OCOPModel

/// Lot events and inspections written after a feed position, with the lots, products and keys
/// they name: one page of the incremental EPCIS export (``NationalReads/epcisChanges(since:limit:)``).
public struct EPCISChanges: Sendable {
    public var events: [LotEvent]
    public var inspections: [Inspection]
    public var lots: [Batch]
    public var products: [Product]
    public var keys: [InspectionKey]
    /// The feed position this page reaches: pass it as `since` for the next page.
    public var through: UInt64
    /// Whether the page reaches the store's current position (nothing more to read now).
    public var isComplete: Bool

    public init(events: [LotEvent], inspections: [Inspection], lots: [Batch], products: [Product], keys: [InspectionKey],
                through: UInt64, isComplete: Bool) {
        self.events = events
        self.inspections = inspections
        self.lots = lots
        self.products = products
        self.keys = keys
        self.through = through
        self.isComplete = isComplete
    }

    /// The lots `events` and `inspections` name (their own, transformations' inputs and outputs).
    public static func lotIDs(events: [LotEvent], inspections: [Inspection]) -> Set<UUID> {
        var ids = Set(events.map(\.lotID)).union(inspections.compactMap(\.lotID))
        for event in events where event.eventType == .transformation {
            ids.formUnion((try? LotEvent.decodeLots(event.inputs, field: "inputs")) ?? [])
            ids.formUnion((try? LotEvent.decodeLots(event.outputs, field: "outputs")) ?? [])
        }
        return ids
    }
}
