/// One problem in an imported CSV file: the physical line (header = line 1), the column (by
/// its header name; `nil` when the problem is the whole line or file), and the reason.
public struct CSVImportError: Error, Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: String?
    public var reason: String

    public init(line: Int, column: String?, reason: String) {
        self.line = line
        self.column = column
        self.reason = reason
    }

    /// `line 4, column tax_code: reason` or `line 4: reason`.
    public var description: String {
        if let column { return "line \(line), column \(column): \(reason)" }
        return "line \(line): \(reason)"
    }
}

/// A CSV import that produced no records because of ``errors`` (all of them, in line order).
/// Imports are all-or-nothing: one bad row rejects the file.
public struct CSVImportFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var errors: [CSVImportError]

    public init(errors: [CSVImportError]) {
        self.errors = errors
    }

    /// One error per line of text.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
