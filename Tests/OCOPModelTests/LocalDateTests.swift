import Foundation
import Testing
import OCOPModel

@Suite("LocalDate")
struct LocalDateTests {
    private func d(_ text: String) throws -> LocalDate { try LocalDate(parsing: text) }

    @Test func parsesAndPrintsISO() throws {
        let date = try d("2025-07-01")
        #expect(date.year == 2025 && date.month == 7 && date.day == 1)
        #expect(date.description == "2025-07-01")
        #expect(try LocalDate(year: 33, month: 1, day: 5).description == "0033-01-05")
    }

    @Test(arguments: ["2025-7-01", "2025/07/01", " 2025-07-01", "2025-07-01 ", "20250701", "", "abcd-ef-gh", "2025-07-011", "２０２５-07-01", "+025-07-01"])
    func rejectsMalformedText(_ text: String) {
        #expect(throws: LocalDateError.malformed(text)) { try LocalDate(parsing: text) }
    }

    @Test func rejectsImpossibleDatesWithAClearReason() {
        #expect(throws: LocalDateError.dayOutOfRange(year: 2023, month: 2, day: 29, daysInMonth: 28)) { try LocalDate(parsing: "2023-02-29") }
        #expect(throws: LocalDateError.monthOutOfRange(13)) { try LocalDate(parsing: "2024-13-01") }
        #expect(throws: LocalDateError.monthOutOfRange(0)) { try LocalDate(parsing: "2024-00-10") }
        #expect(throws: LocalDateError.dayOutOfRange(year: 2024, month: 4, day: 31, daysInMonth: 30)) { try LocalDate(parsing: "2024-04-31") }
        #expect(throws: LocalDateError.yearOutOfRange(0)) { try LocalDate(parsing: "0000-01-01") }
        #expect(LocalDateError.dayOutOfRange(year: 2023, month: 2, day: 29, daysInMonth: 28).description
            == "day 29 does not exist in 2023-02, which has 28 days")
    }

    @Test func leapYears() throws {
        #expect(LocalDate.isLeapYear(2024) && LocalDate.isLeapYear(2000))
        #expect(!LocalDate.isLeapYear(1900) && !LocalDate.isLeapYear(2025) && !LocalDate.isLeapYear(2100))
        _ = try d("2024-02-29")
        _ = try d("2000-02-29")
        #expect(throws: LocalDateError.self) { try LocalDate(parsing: "1900-02-29") }
    }

    @Test func addingMonthsClampsTheDay() throws {
        #expect(try d("2024-02-29").adding(months: 36) == d("2027-02-28"))
        #expect(try d("2024-02-29").adding(months: 48) == d("2028-02-29"))
        #expect(try d("2024-01-31").adding(months: 1) == d("2024-02-29"))
        #expect(try d("2023-01-31").adding(months: 1) == d("2023-02-28"))
        #expect(try d("2024-08-31").adding(months: 1) == d("2024-09-30"))
        #expect(try d("2024-11-15").adding(months: 2) == d("2025-01-15"))
        #expect(try d("2025-03-31").adding(months: -1) == d("2025-02-28"))
        #expect(try d("2025-01-15").adding(months: -13) == d("2023-12-15"))
        #expect(try d("2025-07-01").adding(months: 0) == d("2025-07-01"))
        #expect(throws: LocalDateError.yearOutOfRange(10000)) { try LocalDate(parsing: "9999-12-01").adding(months: 1) }
    }

    @Test func daysBetweenAndAddingDays() throws {
        #expect(try d("2024-02-28").days(to: d("2024-03-01")) == 2)
        #expect(try d("2023-02-28").days(to: d("2023-03-01")) == 1)
        #expect(try d("2025-07-01").days(to: d("2025-06-30")) == -1)
        #expect(try d("2024-01-01").days(to: d("2025-01-01")) == 366)
        #expect(try d("1970-01-01").daysSinceEpoch == 0)
        #expect(try d("2000-03-01").daysSinceEpoch == 11_017)
        #expect(try d("2027-03-15").adding(days: -30) == d("2027-02-13"))
        #expect(try d("2024-12-31").adding(days: 1) == d("2025-01-01"))
        for text in ["0001-01-01", "1969-12-31", "2024-02-29", "9999-12-31"] {
            let date = try d(text)
            #expect(try LocalDate(daysSinceEpoch: date.daysSinceEpoch) == date)
        }
    }

    @Test func ordering() throws {
        let dates = try ["2025-07-01", "2024-12-31", "2025-06-30", "2019-08-21"].map(d)
        #expect(dates.sorted().map(\.description) == ["2019-08-21", "2024-12-31", "2025-06-30", "2025-07-01"])
        #expect(try d("2025-06-30") < d("2025-07-01"))
    }

    @Test func codableAsText() throws {
        struct Box: Codable, Equatable { var on: LocalDate }
        let json = try JSONEncoder().encode(Box(on: d("2024-02-29")))
        #expect(String(decoding: json, as: UTF8.self) == #"{"on":"2024-02-29"}"#)
        #expect(try JSONDecoder().decode(Box.self, from: json) == Box(on: d("2024-02-29")))
        let bad = Data(#"{"on":"2023-02-29"}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Box.self, from: bad) }
    }

    @Test func dayOfAnInstantInVietnam() throws {
        // 2025-06-30 18:30 UTC is already 1 July in Vietnam (UTC+7).
        let instant = Date(timeIntervalSince1970: 1_751_308_200)
        #expect(LocalDate(instant) == (try d("2025-07-01")))
        #expect(LocalDate(instant, in: TimeZone(secondsFromGMT: 0)!) == (try d("2025-06-30")))
    }
}
