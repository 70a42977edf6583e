import Foundation

/// An RFC 3339 time with its offset, such as `2026-03-05T08:30:00+07:00`, read with integer
/// arithmetic.
///
/// Foundation's `ISO8601DateFormatter` costs tens of microseconds to make and is not documented
/// as safe to share between threads; a trace page shows a dozen event times, so they are read
/// here instead. Only the plain form is read (no fractional seconds, no leap second); anything
/// else gives nil and callers fall back to Foundation.
public struct InternetTime: Sendable, Hashable, Comparable {
    /// Seconds since 1970-01-01T00:00:00Z.
    public var secondsSinceEpoch: Int64

    /// Reads `YYYY-MM-DDTHH:MM:SS` followed by `Z` or `±HH:MM`.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 20 || bytes.count == 25 else { return nil }
        func digits(_ from: Int, _ count: Int) -> Int? {
            var value = 0
            for index in from..<(from + count) {
                let byte = bytes[index]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
              bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
              let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2),
              let hour = digits(11, 2), let minute = digits(14, 2), let second = digits(17, 2),
              hour < 24, minute < 60, second < 60,
              let date = try? LocalDate(year: year, month: month, day: day)
        else { return nil }
        var offset = 0
        if bytes.count == 20 {
            guard bytes[19] == UInt8(ascii: "Z") else { return nil }
        } else {
            guard bytes[19] == UInt8(ascii: "+") || bytes[19] == UInt8(ascii: "-"), bytes[22] == UInt8(ascii: ":"),
                  let hours = digits(20, 2), let minutes = digits(23, 2), hours < 24, minutes < 60
            else { return nil }
            offset = (hours * 60 + minutes) * 60 * (bytes[19] == UInt8(ascii: "-") ? -1 : 1)
        }
        secondsSinceEpoch = Int64(date.daysSinceEpoch) * 86_400 + Int64(hour * 3_600 + minute * 60 + second - offset)
    }

    /// The instant as a `Date`.
    public var date: Date { Date(timeIntervalSince1970: TimeInterval(secondsSinceEpoch)) }

    /// `dd/mm/yyyy hh:mm` in Vietnam time (UTC+7, no daylight saving time).
    public var vietnamDisplay: String {
        let local = secondsSinceEpoch + 7 * 3_600
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let seconds = Int(local - days * 86_400)
        guard let date = try? LocalDate(daysSinceEpoch: Int(days)) else { return "" }
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        let year = String(date.year)
        return "\(two(date.day))/\(two(date.month))/\(String(repeating: "0", count: max(0, 4 - year.count)))\(year) \(two(seconds / 3_600)):\(two(seconds / 60 % 60))"
    }

    public static func < (lhs: InternetTime, rhs: InternetTime) -> Bool { lhs.secondsSinceEpoch < rhs.secondsSinceEpoch }
}
