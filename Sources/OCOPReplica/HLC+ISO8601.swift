import Foundation
import OCOPModel
import OCOPSync

extension HLC {
    /// The wall-clock part as ISO 8601 UTC with milliseconds, e.g. `2025-08-01T03:15:00.123Z`:
    /// what `ISO8601DateFormatter` prints with fractional seconds, without creating one (feeds
    /// and reports print one per row). The day comes from ``LocalDate/init(daysSinceEpoch:)``.
    public var iso8601: String {
        let millis = Int(clamping: self.millis)
        let millisOfDay = millis % 86_400_000
        guard let day = try? LocalDate(daysSinceEpoch: millis / 86_400_000) else {
            // Beyond year 9999: no real clock, but still a valid timestamp.
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
        }
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let seconds = millisOfDay / 1000
        return "\(day)T\(pad(seconds / 3600, 2)):\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2)).\(pad(millisOfDay % 1000, 3))Z"
    }
}
