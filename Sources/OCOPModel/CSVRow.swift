import Foundation

/// One record of a CSV file: its fields and the physical line it starts on (1-based; a quoted
/// field with line breaks makes a record span several lines).
public struct CSVRow: Sendable, Hashable {
    public var line: Int
    public var fields: [String]

    public init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }

    /// Whether every field is empty or whitespace: a blank line, skipped by importers.
    public var isBlank: Bool {
        fields.allSatisfy { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
    }
}
