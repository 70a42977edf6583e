/// A hybrid logical clock timestamp: 48 bits of wall-clock milliseconds since the Unix epoch and
/// 16 bits of logical counter, packed in one `UInt64` so timestamps compare as integers.
///
/// A replica's clock never goes backwards and never falls behind a timestamp it has seen, so a
/// write made after seeing another write always carries a larger timestamp. Merge relies on that:
/// the larger stamp wins, and that is the causally later write whenever there is one.
public struct HLC: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public init(millis: UInt64, logical: UInt16) {
        self.rawValue = (millis << 16) | UInt64(logical)
    }

    public static let zero = HLC(rawValue: 0)

    public var millis: UInt64 { rawValue >> 16 }
    public var logical: UInt16 { UInt16(truncatingIfNeeded: rawValue) }

    /// The next timestamp for a local event: later than `self` and not earlier than the wall clock.
    public func tick(wallMillis: UInt64) -> HLC {
        let candidate = HLC(millis: wallMillis, logical: 0)
        return candidate > self ? candidate : HLC(rawValue: rawValue &+ 1)
    }

    /// The clock after receiving `remote`: never behind anything seen.
    public func receiving(_ remote: HLC) -> HLC { Swift.max(self, remote) }

    public static func < (lhs: HLC, rhs: HLC) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "\(millis).\(logical)" }
}

extension HLC {
    /// Milliseconds since the Unix epoch now.
    public static func wallMillisNow() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return UInt64(spec.tv_sec) * 1000 + UInt64(spec.tv_nsec) / 1_000_000
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
