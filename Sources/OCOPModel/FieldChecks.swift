import Foundation

/// Collects ``ValidationError``s for one record; the shared vocabulary of field checks, so the
/// same problem is worded the same way in every table.
struct FieldChecks {
    let record: String
    private(set) var errors: [ValidationError] = []

    init(_ record: String) { self.record = record }

    mutating func fail(_ field: String, _ reason: String) {
        errors.append(ValidationError(record: record, field: field, reason: reason))
    }

    /// Longest text accepted in a name-like field (characters).
    static let maximumNameLength = 300
    /// Longest text accepted in a free-text field (characters).
    static let maximumTextLength = 10_000

    /// Text that must be present: not blank, NFC, no surrounding spaces, no control characters.
    mutating func requiredText(_ value: String, _ field: String, maximumLength: Int = maximumNameLength) {
        if value.unicodeScalars.allSatisfy({ Self.whitespace.contains($0) }) {
            fail(field, "must not be empty")
            return
        }
        text(value, field, maximumLength: maximumLength)
    }

    /// Optional text: if present, the same rules as required text (an empty string should be
    /// `nil` instead).
    mutating func optionalText(_ value: String?, _ field: String, maximumLength: Int = maximumNameLength) {
        guard let value else { return }
        requiredText(value, field, maximumLength: maximumLength)
    }

    /// What `trimmingCharacters(in: .whitespacesAndNewlines)` removes, looked up per scalar: these
    /// checks run for every text value every writer stores, so they look only at what they must.
    private static let whitespace = CharacterSet.whitespacesAndNewlines

    private mutating func text(_ value: String, _ field: String, maximumLength: Int) {
        if !value.isNFC {
            fail(field, "is not in Unicode NFC form (normalise it with normalizedNFC())")
        }
        if let first = value.unicodeScalars.first, let last = value.unicodeScalars.last,
           Self.whitespace.contains(first) || Self.whitespace.contains(last) {
            fail(field, "has leading or trailing spaces")
        }
        let allowsNewlines = maximumLength > Self.maximumNameLength
        // Unicode's control characters (general category Cc) are exactly U+0000–U+001F and U+007F–U+009F.
        if value.unicodeScalars.contains(where: { scalar in
            (scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value))
                && !(allowsNewlines && (scalar == "\n" || scalar == "\t" || scalar == "\r"))
        }) {
            fail(field, "contains control characters")
        }
        // A character is at least one UTF-8 byte: count characters only when the bytes could exceed.
        if value.utf8.count > maximumLength, value.count > maximumLength {
            fail(field, "is \(value.count) characters long; the maximum is \(maximumLength)")
        }
    }

    /// A real number that must be finite and within `range`.
    mutating func number(_ value: Double, _ field: String, atLeast minimum: Double, exclusive: Bool = false) {
        guard value.isFinite else { fail(field, "must be a number"); return }
        if exclusive ? !(value > minimum) : !(value >= minimum) {
            fail(field, "\(CriteriaSet.format(value)) must be \(exclusive ? "greater than" : "at least") \(CriteriaSet.format(minimum))")
        }
    }

    /// A reference to another row must not be the row itself.
    mutating func notSelf(_ reference: UUID?, id: UUID, _ field: String) {
        if reference == id { fail(field, "must not refer to the record itself") }
    }

    static func isASCIIDigits(_ text: Substring) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }
}
