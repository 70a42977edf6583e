/// For each replica, the highest counter of its writes to one row that a holder has seen.
///
/// A row's writes from one replica reach others in counter order, so "has seen counter n" also
/// means "has seen every earlier write of that replica to this row".
public struct VersionVector: Hashable, Sendable, CustomStringConvertible {
    public private(set) var counters: [ReplicaID: UInt64]

    public init(_ counters: [ReplicaID: UInt64] = [:]) {
        self.counters = counters.filter { $0.value > 0 }
    }

    public static let empty = VersionVector()

    public subscript(replica: ReplicaID) -> UInt64 {
        counters[replica] ?? 0
    }

    public var isEmpty: Bool { counters.isEmpty }

    /// Whether the write named by `dot` is known to this vector.
    public func contains(_ dot: Dot) -> Bool {
        self[dot.replica] >= dot.counter
    }

    /// Records the write `dot`.
    public mutating func add(_ dot: Dot) {
        if dot.counter > self[dot.replica] { counters[dot.replica] = dot.counter }
    }

    /// The pointwise maximum: everything either side has seen.
    public func merging(_ other: VersionVector) -> VersionVector {
        var result = self
        result.formUnion(other)
        return result
    }

    public mutating func formUnion(_ other: VersionVector) {
        for (replica, counter) in other.counters where counter > self[replica] {
            counters[replica] = counter
        }
    }

    /// Whether every write `self` has seen is also seen by `other`.
    public func isCovered(by other: VersionVector) -> Bool {
        counters.allSatisfy { other[$0.key] >= $0.value }
    }

    /// Entries in replica order, for deterministic encoding.
    public var sortedEntries: [(replica: ReplicaID, counter: UInt64)] {
        counters.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    public var description: String {
        "[" + sortedEntries.map { "\($0.replica):\($0.counter)" }.joined(separator: ", ") + "]"
    }
}
