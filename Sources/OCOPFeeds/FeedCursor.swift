import OCOPModel

/// Where a partner stands in a feed: the national store's change-feed position (`_sync_rows.seq`)
/// and the day the feed was evaluated on, written `<seq>@<YYYY-MM-DD>` (e.g. `1234@2026-11-22`).
///
/// Both halves matter: a product leaves the feed when a row changes (a revocation arrives) and
/// also when a day passes (its certificate expires with no write at all).
public struct FeedCursor: Sendable, Hashable, Codable, CustomStringConvertible, LosslessStringConvertible {
    public var sequence: Int64
    public var date: LocalDate

    public init(sequence: Int64, date: LocalDate) {
        self.sequence = sequence
        self.date = date
    }

    public var description: String { "\(sequence)@\(date)" }

    /// Parses `<seq>@<YYYY-MM-DD>`; `nil` if malformed.
    public init?(_ description: String) {
        let parts = description.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let sequence = Int64(parts[0]), sequence >= 0, let date = LocalDate(String(parts[1])) else { return nil }
        self.init(sequence: sequence, date: date)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let cursor = FeedCursor(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\"\(text)\" is not a feed cursor (expected <seq>@<YYYY-MM-DD>)")
        }
        self = cursor
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
