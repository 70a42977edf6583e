import Foundation

/// The identity of one replica: a province's machine, the central office, or the national store.
///
/// A replica id is 16 random bytes chosen when the replica is created, so ids are unique without
/// coordination and say nothing about administrative codes (provinces were renumbered in 2025).
/// Ids order by their bytes; that order breaks ties between writes with equal clocks.
public struct ReplicaID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The 16 bytes as two big-endian halves, so comparison is byte order.
    public let high: UInt64
    public let low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Creates an id from exactly 16 bytes; returns nil for any other length.
    public init?<Bytes: Collection>(bytes: Bytes) where Bytes.Element == UInt8 {
        guard bytes.count == 16 else { return nil }
        // Contiguous bytes (an array, `Data`) are read in place: the merge makes one id per row
        // it writes, and iterating `Data` through the generic path cost more than the rest.
        if let id = bytes.withContiguousStorageIfAvailable(ReplicaID.init(contiguous:)) {
            self = id
        } else {
            self = Array(bytes).withUnsafeBufferPointer(ReplicaID.init(contiguous:))
        }
    }

    private init(contiguous bytes: UnsafeBufferPointer<UInt8>) {
        var high: UInt64 = 0
        var low: UInt64 = 0
        for index in 0..<8 {
            high = high << 8 | UInt64(bytes[index])
            low = low << 8 | UInt64(bytes[index + 8])
        }
        self.init(high: high, low: low)
    }

    public init(uuid: UUID) {
        let u = uuid.uuid
        self.init(bytes: [u.0, u.1, u.2, u.3, u.4, u.5, u.6, u.7, u.8, u.9, u.10, u.11, u.12, u.13, u.14, u.15])!
    }

    /// Parses the canonical UUID text form.
    public init?(string: String) {
        guard let uuid = UUID(uuidString: string) else { return nil }
        self.init(uuid: uuid)
    }

    /// A new random id.
    public static func random() -> ReplicaID {
        ReplicaID(uuid: UUID())
    }

    public var bytes: [UInt8] {
        var result = [UInt8]()
        result.reserveCapacity(16)
        for shift in stride(from: 56, through: 0, by: -8) { result.append(UInt8(truncatingIfNeeded: high >> UInt64(shift))) }
        for shift in stride(from: 56, through: 0, by: -8) { result.append(UInt8(truncatingIfNeeded: low >> UInt64(shift))) }
        return result
    }

    public var uuid: UUID {
        let b = bytes
        return UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }

    public var description: String { uuid.uuidString.lowercased() }

    public static func < (lhs: ReplicaID, rhs: ReplicaID) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}
