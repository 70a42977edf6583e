import Foundation
import OCOPStore
import OCOPSync

extension SyncValue {
    /// The cell as a person reads it: 16-byte blobs (ids) as lowercase UUIDs, other blobs as
    /// hex, `NULL` as the empty string in CSV and `NULL` in tables.
    public var displayText: String? {
        switch self {
        case .null: return nil
        case .integer(let int): return String(int)
        case .real(let double): return String(double)
        case .text(let text): return text
        case .blob(let bytes):
            if let id = uuid(fromBlob: bytes) { return id.uuidString.lowercased() }
            return bytes.map { String(format: "%02x", $0) }.joined()
        }
    }
}

// How `ocop query` and the API print a result; the backend only returns the values.
extension QueryResult {
    /// An aligned plain-text table (NULL shown as `NULL`), then nothing else.
    public func table() -> String {
        let cells = rows.map { $0.map { $0.displayText ?? "NULL" } }
        var widths = columns.map(\.count)
        for row in cells {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ row: [String]) -> String {
            var text = ""
            for (index, cell) in row.enumerated() {
                if index > 0 { text += "  " }
                text += index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }
            return text
        }
        return ([line(columns)] + cells.map(line)).joined(separator: "\n")
    }

    /// CSV as RFC 4180: a header line, CRLF line breaks, fields quoted when they contain a
    /// comma, a double quote, CR or LF (quotes doubled); NULL is an empty field.
    public func csv() -> String {
        func field(_ text: String) -> String {
            if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) {
                return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return text
        }
        var lines = [columns.map(field).joined(separator: ",")]
        for row in rows { lines.append(row.map { field($0.displayText ?? "") }.joined(separator: ",")) }
        return lines.map { $0 + "\r\n" }.joined()
    }

    /// A JSON array of objects, keys in column order; integers and reals as numbers, NULL as
    /// `null`, 16-byte blobs as UUID strings, other blobs as hex strings.
    public func json() -> String {
        func string(_ text: String) -> String {
            let data = (try? JSONEncoder.plain.encode(text)) ?? Data("\"\"".utf8)
            return String(decoding: data, as: UTF8.self)
        }
        func value(_ cell: QueryValue) -> String {
            switch cell {
            case .null: return "null"
            case .integer(let int): return String(int)
            case .real(let double): return double.isFinite ? String(double) : "null"
            case .text, .blob: return string(cell.displayText ?? "")
            }
        }
        if rows.isEmpty { return "[]" }
        let objects = rows.map { row in
            "  {" + zip(columns, row).map { "\(string($0)): \(value($1))" }.joined(separator: ", ") + "}"
        }
        return "[\n" + objects.joined(separator: ",\n") + "\n]"
    }
}

extension JSONEncoder {
    static var plain: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }
}

