import Foundation
import OCOPModel
import OCOPQuery
import OCOPReplica
import OCOPSync

/// A plain-text table with columns padded to their widest cell (counted in characters, which
/// for NFC Vietnamese is what a terminal shows).
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []

    init(_ headers: String...) { self.headers = headers }

    mutating func add(_ cells: String...) { rows.append(cells) }
    mutating func add(_ cells: [String]) { rows.append(cells) }

    func render() -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            var text = ""
            for (index, cell) in cells.enumerated() {
                if index > 0 { text += "  " }
                let isLast = index == cells.count - 1
                text += isLast ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }
            return text
        }
        return ([line(headers)] + rows.map(line)).joined(separator: "\n")
    }
}

/// What every `list` command prints: with `--json` the full records as an array, else `none`
/// when there are none, else the table `table` makes.
func printList<Record: OCOPRecord>(_ records: [Record], json: Bool, none: String, table: () throws -> TextTable) throws {
    if json {
        try printJSON(.array(records.map(JSONValue.record)))
    } else if records.isEmpty {
        print(none)
    } else {
        print(try table().render())
    }
}

/// Prints `label: value` lines with the values aligned; `nil` values are shown as `-`.
func printFields(_ fields: [(String, String?)]) {
    let width = fields.map(\.0.count).max() ?? 0
    for (label, value) in fields {
        print(label + ":" + String(repeating: " ", count: width - label.count + 1) + (value ?? "-"))
    }
}

/// Scores as councils write them: `41`, `29.5`, `33.25` (6 decimals at most).
func formatScore(_ value: Double) -> String { CriteriaSet.format(value) }

/// `★★★★` for a star level.
func starsText(_ stars: Int) -> String { "\(stars)★" }

// MARK: JSON

/// A JSON value, for output whose shape the commands decide (and for reading score sheets).
enum JSONValue: Codable, Equatable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int64.self) { self = .integer(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// The value as a number, if it is one.
    var number: Double? {
        switch self {
        case .integer(let value): return Double(value)
        case .number(let value): return value
        default: return nil
        }
    }

    static func uuid(_ id: UUID?) -> JSONValue { id.map { .string($0.lowercasedString) } ?? .null }
    static func string(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
    static func int(_ value: Int) -> JSONValue { .integer(Int64(value)) }
    static func score(_ value: Double) -> JSONValue {
        let rounded = (value * 1_000_000).rounded() / 1_000_000
        if rounded == rounded.rounded(), abs(rounded) < 1e15 { return .integer(Int64(rounded)) }
        return .number(rounded)
    }

    /// A record as a JSON object keyed by its column names: every column present (`null` when
    /// empty), ids as lowercase UUID strings.
    static func record<Record: OCOPRecord>(_ record: Record) throws -> JSONValue {
        let data = try JSONEncoder().encode(record)
        guard case .object(var fields) = try JSONDecoder().decode(JSONValue.self, from: data) else {
            throw CLIError(.internalError, lines: ["error: internal error: \(Record.schema.name) did not encode as an object"])
        }
        let uuidColumns = ["id"] + Record.schema.columns.filter { $0.type == .uuid }.map(\.name)
        for column in uuidColumns {
            if case .string(let text)? = fields[column] { fields[column] = .string(text.lowercased()) }
        }
        for column in Record.schema.columns where fields[column.name] == nil {
            fields[column.name] = .null
        }
        return .object(fields)
    }

    /// A sync value (row key, losing value) as JSON; 16-byte blobs (ids) as UUID strings.
    static func syncValue(_ value: SyncValue) -> JSONValue {
        switch value {
        case .null: return .null
        case .integer(let int): return .integer(int)
        case .real(let double): return .number(double)
        case .text, .blob: return .string(value.displayText ?? "")
        }
    }
}

/// A sync value as a person reads it: ids as UUIDs, text without quotes, `NULL`.
func displayText(_ value: SyncValue) -> String { value.displayText ?? "NULL" }

/// Prints a JSON value: pretty, keys sorted, UTF-8 text unescaped.
func printJSON(_ value: JSONValue) throws { try printEncodable(value) }

/// An HLC's wall-clock part as ISO 8601 UTC, e.g. `2025-08-01T03:15:00.123Z`.
func isoTime(_ hlc: HLC) -> String { hlc.iso8601 }

/// Prints a value in the JSON form the HTTP API uses too (``JSONEncoder/report``).
func printEncodable(_ value: some Encodable) throws {
    print(String(decoding: try JSONEncoder.report.encode(value), as: UTF8.self))
}
