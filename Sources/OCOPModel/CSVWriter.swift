import Foundation

/// Writes CSV that ``CSVParser`` (and Excel) read back: comma-separated, CRLF line ends, a
/// field quoted when it holds a comma, semicolon, quote or line break (quotes doubled), and a
/// UTF-8 byte order mark so Excel opens Vietnamese text as UTF-8 rather than the locale's code page.
public enum CSVWriter {
    /// The UTF-8 byte order mark, as a character.
    public static let byteOrderMark = "\u{FEFF}"

    /// A whole document: BOM, header line, then one line per row.
    public static func document(header: [String], rows: [[String]]) -> String {
        byteOrderMark + ([header] + rows).map(line).joined()
    }

    /// One record with its CRLF.
    public static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }

    /// One field, quoted only when needed.
    public static func field(_ text: String) -> String {
        let needsQuotes = text.contains { $0 == "," || $0 == ";" || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            || text.hasPrefix(" ") || text.hasSuffix(" ")
        return needsQuotes ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}
