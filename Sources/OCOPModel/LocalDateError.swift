/// Why a ``LocalDate`` could not be made.
public enum LocalDateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text is not of the form `YYYY-MM-DD`.
    case malformed(String)
    /// The year is outside 1...9999 (four-digit years only).
    case yearOutOfRange(Int)
    /// The month is outside 1...12.
    case monthOutOfRange(Int)
    /// The day does not exist in that month (e.g. 2023-02-29).
    case dayOutOfRange(year: Int, month: Int, day: Int, daysInMonth: Int)

    public var description: String {
        switch self {
        case .malformed(let text):
            return "\"\(text)\" is not a date of the form YYYY-MM-DD"
        case .yearOutOfRange(let year):
            return "year \(year) is outside 1...9999"
        case .monthOutOfRange(let month):
            return "month \(month) is outside 1...12"
        case let .dayOutOfRange(year, month, day, daysInMonth):
            return "day \(day) does not exist in \(year)-\(month < 10 ? "0" : "")\(month), which has \(daysInMonth) days"
        }
    }
}
