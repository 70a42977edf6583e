/// One write's identity: the replica that made it and that replica's counter at the time.
///
/// Counters increase with every write a replica makes, across all tables, so a dot names exactly
/// one write in the whole system.
public struct Dot: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let replica: ReplicaID
    public let counter: UInt64

    public init(replica: ReplicaID, counter: UInt64) {
        self.replica = replica
        self.counter = counter
    }

    public static func < (lhs: Dot, rhs: Dot) -> Bool {
        (lhs.replica, lhs.counter) < (rhs.replica, rhs.counter)
    }

    public var description: String { "\(replica):\(counter)" }
}

/// When and by whom a value was written: the order in which concurrent writes are resolved.
///
/// Stamps order by clock, then replica id, then counter, so every replica picks the same winner.
public struct Stamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let hlc: HLC
    public let dot: Dot

    public init(hlc: HLC, dot: Dot) {
        self.hlc = hlc
        self.dot = dot
    }

    public static func < (lhs: Stamp, rhs: Stamp) -> Bool {
        (lhs.hlc, lhs.dot) < (rhs.hlc, rhs.dot)
    }

    public var description: String { "\(dot)@\(hlc)" }
}
