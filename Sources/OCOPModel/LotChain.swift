import Foundation

/// Following the value chain through transformations: which lots went into a lot (upstream,
/// back to the harvests) and which lots it went into (downstream, on to what was sold).
///
/// A transformation links each of its inputs to each of its outputs; the trace follows those
/// links transitively, so a blend of blends leads back to every harvest. Pure: the caller
/// passes the province's events. Cycles (which a bad sync could create) end the walk.
public struct LotChain: Sendable {
    /// A lot reached from the starting lot, `depth` transformations away (1 = directly).
    public struct Step: Sendable, Hashable {
        public var lotID: UUID
        public var depth: Int
        /// The transformation that made the link.
        public var eventID: UUID
    }

    private var outputsOf: [UUID: [(lot: UUID, event: UUID)]] = [:]
    private var inputsOf: [UUID: [(lot: UUID, event: UUID)]] = [:]

    /// Indexes the transformation events among `events` (others are ignored); events whose lot
    /// lists do not decode are skipped.
    public init(events: [LotEvent]) {
        for event in events where event.eventType == .transformation {
            guard let ins = try? LotEvent.decodeLots(event.inputs, field: "inputs"),
                  let outs = try? LotEvent.decodeLots(event.outputs, field: "outputs") else { continue }
            for input in ins {
                for output in outs {
                    outputsOf[input, default: []].append((output, event.id))
                    inputsOf[output, default: []].append((input, event.id))
                }
            }
        }
    }

    /// The lots `lot` was made from, nearest first.
    public func upstream(of lot: UUID) -> [Step] { walk(from: lot, links: inputsOf) }

    /// The lots `lot` went into, nearest first.
    public func downstream(of lot: UUID) -> [Step] { walk(from: lot, links: outputsOf) }

    private func walk(from start: UUID, links: [UUID: [(lot: UUID, event: UUID)]]) -> [Step] {
        var seen: Set<UUID> = [start]
        var steps: [Step] = []
        var frontier = [start]
        var depth = 0
        while !frontier.isEmpty {
            depth += 1
            var next: [UUID] = []
            for lot in frontier {
                for link in links[lot] ?? [] where seen.insert(link.lot).inserted {
                    steps.append(Step(lotID: link.lot, depth: depth, eventID: link.event))
                    next.append(link.lot)
                }
            }
            frontier = next
        }
        return steps
    }
}
