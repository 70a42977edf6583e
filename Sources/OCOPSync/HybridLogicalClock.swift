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

extension HLC {
    /// The wall-clock part as ISO 8601 UTC with milliseconds, e.g. `2025-08-01T03:15:00.123Z`
    /// (what `ISO8601DateFormatter` prints with fractional seconds, without creating one:
    /// feeds and reports print one per row).
    public var iso8601: String {
        let millis = Int64(clamping: self.millis)
        let seconds = millis / 1000, fraction = millis % 1000
        let days = seconds / 86_400, secondOfDay = seconds % 86_400
        // Days since 1970-01-01 to a civil date (H. Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(fraction, 3))Z"
    }
}
