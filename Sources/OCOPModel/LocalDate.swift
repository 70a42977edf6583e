import Foundation

/// A calendar date without a time or a time zone, as OCOP documents use them (issue dates,
/// evaluation dates, production dates).
///
/// Stored and coded as ISO 8601 `YYYY-MM-DD` text, so it sorts as text and reads the same in
/// SQLite, JSON and CSV. Only real proleptic Gregorian dates with a four-digit year (1...9999)
/// can be made: `2023-02-29` is rejected, `2024-02-29` is accepted.
///
/// Why not `Date`: a `Date` is an instant, and turning it into a day needs a time zone; a
/// certificate issued on 1 March in Hà Nội must be 1 March everywhere.
public struct LocalDate: Sendable, Hashable, Comparable {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Makes a date, throwing ``LocalDateError`` if it is not a real calendar date.
    public init(year: Int, month: Int, day: Int) throws(LocalDateError) {
        guard (1...9999).contains(year) else { throw .yearOutOfRange(year) }
        guard (1...12).contains(month) else { throw .monthOutOfRange(month) }
        let last = LocalDate.daysInMonth(year: year, month: month)
        guard (1...last).contains(day) else {
            throw .dayOutOfRange(year: year, month: month, day: day, daysInMonth: last)
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `YYYY-MM-DD` (ASCII digits, four-digit year, two-digit month and day).
    ///
    /// Surrounding whitespace is not accepted: callers trim input first, so a stray space in a
    /// file is reported rather than silently ignored.
    public init(parsing text: String) throws(LocalDateError) {
        let bytes = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard bytes.count == 10, bytes[4] == 0x2D, bytes[7] == 0x2D,
              let year = digits(0..<4), let month = digits(5..<7), let day = digits(8..<10)
        else { throw .malformed(text) }
        try self.init(year: year, month: month, day: day)
    }

    /// A date written as a literal in reference data; the tests check every one, so a bad
    /// literal is a programming error.
    static func known(_ year: Int, _ month: Int, _ day: Int) -> LocalDate {
        do { return try LocalDate(year: year, month: month, day: day) } catch { fatalError("invalid reference date: \(error)") }
    }

    /// Whether `year` is a Gregorian leap year (divisible by 4, except centuries not divisible by 400).
    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// The number of days in `month` (1...12) of `year`.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// This date moved by a number of calendar months, the day clamped to the target month's
    /// length: `2024-01-31 + 1 month = 2024-02-29`, `2024-02-29 + 36 months = 2027-02-28`.
    ///
    /// Throws if the result leaves years 1...9999.
    public func adding(months: Int) throws(LocalDateError) -> LocalDate {
        let zeroBased = year * 12 + (month - 1) + months
        let newYear = zeroBased >= 0 ? zeroBased / 12 : (zeroBased - 11) / 12
        let newMonth = zeroBased - newYear * 12 + 1
        guard (1...9999).contains(newYear) else { throw .yearOutOfRange(newYear) }
        let newDay = Swift.min(day, LocalDate.daysInMonth(year: newYear, month: newMonth))
        return try LocalDate(year: newYear, month: newMonth, day: newDay)
    }

    /// This date moved by a number of days (negative moves back). Throws if the result leaves
    /// years 1...9999.
    public func adding(days: Int) throws(LocalDateError) -> LocalDate {
        try LocalDate(daysSinceEpoch: daysSinceEpoch + days)
    }

    /// The number of days from this date to `other`: positive if `other` is later,
    /// e.g. `2024-02-28` to `2024-03-01` is 2.
    public func days(to other: LocalDate) -> Int {
        other.daysSinceEpoch - daysSinceEpoch
    }

    /// Days since 1970-01-01 (negative before), by Howard Hinnant's `days_from_civil`.
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01, by Howard Hinnant's `civil_from_days`.
    public init(daysSinceEpoch days: Int) throws(LocalDateError) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        try self.init(year: y, month: m, day: d)
    }

    /// The calendar day of `instant` in `timeZone` (default: Vietnam, UTC+7, which has no
    /// daylight saving time).
    public init(_ instant: Date, in timeZone: TimeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh") ?? TimeZone(secondsFromGMT: 7 * 3600)!) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        // A Gregorian calendar always yields a valid year, month and day.
        self.year = parts.year!
        self.month = parts.month!
        self.day = parts.day!
    }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}

extension LocalDate: CustomStringConvertible, LosslessStringConvertible {
    /// The ISO 8601 text `YYYY-MM-DD`.
    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: Swift.max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// Parses `YYYY-MM-DD`; `nil` if it is not a real date.
    public init?(_ description: String) {
        guard let date = try? LocalDate(parsing: description) else { return nil }
        self = date
    }
}

extension LocalDate: Codable {
    /// Decodes from a single `YYYY-MM-DD` string; a malformed or impossible date is a
    /// `DecodingError.dataCorrupted` whose description says why.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try LocalDate(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
