/// One reason a record is invalid, naming the table, the field and the problem in plain
/// language, e.g. `products.name_vi: must not be empty`.
///
/// `record` is the table name from ``OCOPSchema`` (so a message points at a column a user can
/// find), `field` the column (or, for a part of a column, `column[key]`), `reason` a sentence
/// fragment a province clerk can act on.
public struct ValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The table (record type), e.g. `products`.
    public var record: String
    /// The column, e.g. `name_vi`, or `criterion_scores[A1]`.
    public var field: String
    /// What is wrong, e.g. `must not be empty`.
    public var reason: String

    public init(record: String, field: String, reason: String) {
        self.record = record
        self.field = field
        self.reason = reason
    }

    /// `record.field: reason`.
    public var description: String { "\(record).\(field): \(reason)" }
}

/// All the reasons a record is invalid, thrown by `validate()` so that a caller fixing a row
/// sees every problem at once rather than one per attempt.
public struct ValidationErrors: Error, Sendable, Hashable, CustomStringConvertible {
    /// The problems, in field order; never empty when thrown.
    public var errors: [ValidationError]

    public init(_ errors: [ValidationError]) {
        self.errors = errors
    }

    /// One problem per line.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
