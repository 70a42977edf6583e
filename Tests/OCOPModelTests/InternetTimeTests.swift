import Foundation
import OCOPModel
import Testing

@Suite("Internet times (RFC 3339 with an offset)")
struct InternetTimeTests {
    /// Foundation's reading and Vietnam-time formatting, the reference the integer code must match.
    static func reference(_ text: String) -> (seconds: Int64, display: String)? {
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime]
        guard let date = parser.date(from: text) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 7 * 3600)!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return (Int64(date.timeIntervalSince1970.rounded()),
                String(format: "%02d/%02d/%04d %02d:%02d", c.day!, c.month!, c.year!, c.hour!, c.minute!))
    }

    @Test("random instants and offsets read and shown as Foundation does")
    func agreesWithFoundation() throws {
        var random = SystemRandomNumberGenerator()
        let writer = ISO8601DateFormatter()
        for _ in 0..<3_000 {
            // 1950 to 2150, any second, offsets from −12:00 to +14:00 in quarter hours.
            let instant = Date(timeIntervalSince1970: TimeInterval(Int64.random(in: -631_152_000...5_680_281_600, using: &random)))
            let offset = Int.random(in: -48...56, using: &random) * 15 * 60
            writer.timeZone = TimeZone(secondsFromGMT: offset)!
            writer.formatOptions = [.withInternetDateTime]
            let text = writer.string(from: instant)
            let time = try #require(InternetTime(text), "\(text) was not read")
            let expected = try #require(Self.reference(text))
            #expect(time.secondsSinceEpoch == expected.seconds, "\(text)")
            #expect(time.vietnamDisplay == expected.display, "\(text)")
        }
    }

    @Test("edges: the turn of a day, a year and a leap day in Vietnam time")
    func edges() throws {
        #expect(InternetTime("2025-12-31T16:59:00Z")?.vietnamDisplay == "31/12/2025 23:59")
        #expect(InternetTime("2025-12-31T17:00:00Z")?.vietnamDisplay == "01/01/2026 00:00")
        #expect(InternetTime("2024-02-29T08:30:00+07:00")?.vietnamDisplay == "29/02/2024 08:30")
        #expect(InternetTime("2024-02-28T20:00:00-05:00")?.vietnamDisplay == "29/02/2024 08:00")
        #expect(InternetTime("1969-12-31T23:59:59Z")?.secondsSinceEpoch == -1)
        #expect(InternetTime("1969-12-31T23:59:59Z")?.vietnamDisplay == "01/01/1970 06:59")
    }

    @Test("what is not the plain form is not read", arguments: [
        "", "2026-03-05", "2026-03-05T08:30:00", "2026-03-05 08:30:00+07:00", "2026-02-30T08:30:00+07:00",
        "2026-13-05T08:30:00+07:00", "2026-03-05T24:00:00+07:00", "2026-03-05T08:60:00+07:00", "2026-03-05T08:30:60Z",
        "2026-03-05T08:30:00+0700", "2026-03-05T08:30:00.5+07:00", "2026-03-05T08:30:00+24:00", "２026-03-05T08:30:00Z",
        "2026-03-05T08:30:00z",
    ])
    func refuses(_ text: String) {
        #expect(InternetTime(text) == nil)
    }
}
