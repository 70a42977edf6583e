import Foundation

/// An RFC 4180 CSV reader: comma-separated fields, optionally enclosed in double quotes; a
/// quoted field may contain commas, line breaks and quotes written twice (`""`). Records end
/// with CRLF or LF (a lone CR is also taken as a line break). A UTF-8 byte order mark at the
/// start (as Excel writes) is skipped.
///
/// Excel in a Vietnamese (or any decimal-comma) locale saves "CSV" with semicolons: the
/// delimiter is taken from the first line, `;` when it has more semicolons than commas outside
/// quotes (see ``detectDelimiter(_:)``), else `,`.
///
/// Strict where leniency would hide data errors: a quote inside an unquoted field, text after
/// a closing quote, an unterminated quoted field and invalid UTF-8 are errors naming the line.
/// Fields are returned exactly as written (no trimming, no normalisation): interpretation is
/// the importer's job. A trailing line break does not make an extra record.
public enum CSVParser {
    /// Decodes UTF-8 (skipping a BOM) and parses. Throws ``CSVError`` naming the line of the
    /// first invalid byte sequence, or of a syntax error.
    public static func parse(_ data: Data) throws(CSVError) -> [CSVRow] {
        try parse(try decode(data))
    }

    /// Parses text already decoded; a leading U+FEFF is skipped.
    public static func parse(_ text: String) throws(CSVError) -> [CSVRow] {
        try parse(text, delimiter: detectDelimiter(text))
    }

    /// The field delimiter of a file: `;` when its first non-blank line (the header) has more
    /// semicolons than commas outside quotes, else `,`.
    public static func detectDelimiter(_ text: String) -> Unicode.Scalar {
        var commas = 0
        var semicolons = 0
        var quoted = false
        var seenContent = false
        for c in text.unicodeScalars {
            if c == "\"" { quoted.toggle(); continue }
            if quoted { continue }
            if c == "\n" || c == "\r" {
                if seenContent { break }
                continue
            }
            if c != "\u{FEFF}" && c != " " && c != "\t" { seenContent = true }
            if c == "," { commas += 1 } else if c == ";" { semicolons += 1 }
        }
        return semicolons > commas ? ";" : ","
    }

    /// Parses with a given field delimiter (`,` or `;`).
    public static func parse(_ text: String, delimiter: Unicode.Scalar) throws(CSVError) -> [CSVRow] {
        var rows: [CSVRow] = []
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var line = 1
        var recordLine = 1
        var quoteLine = 1
        enum State { case fieldStart, unquoted, quoted, quoteInQuoted }
        var state = State.fieldStart
        var scalars = text.unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        var atRecordStart = true

        func endField() {
            fields.append(String(field))
            field = String.UnicodeScalarView()
        }
        func endRecord() {
            endField()
            rows.append(CSVRow(line: recordLine, fields: fields))
            fields = []
        }

        var index = scalars.startIndex
        while index < scalars.endIndex {
            let c = scalars[index]
            index = scalars.index(after: index)
            if atRecordStart { recordLine = line; atRecordStart = false }
            var isLineBreak = false
            if c == "\r" {
                isLineBreak = true
                if index < scalars.endIndex, scalars[index] == "\n" {
                    // CRLF: one line break. Inside a quoted field both characters are kept.
                    if state == .quoted { field.append(c); field.append("\n") }
                    index = scalars.index(after: index)
                    line += 1
                    if state != .quoted { state = .fieldStart; endRecord(); atRecordStart = true }
                    continue
                }
            } else if c == "\n" {
                isLineBreak = true
            }
            switch state {
            case .fieldStart, .unquoted:
                if isLineBreak {
                    line += 1
                    state = .fieldStart
                    endRecord()
                    atRecordStart = true
                } else if c == delimiter {
                    endField()
                    state = .fieldStart
                } else if c == "\"" {
                    guard state == .fieldStart else {
                        throw CSVError(line: line, reason: "a quote (\") inside an unquoted field; enclose the whole field in quotes and double the quote (\"\")")
                    }
                    state = .quoted
                    quoteLine = line
                } else {
                    field.append(c)
                    state = .unquoted
                }
            case .quoted:
                if c == "\"" {
                    state = .quoteInQuoted
                } else {
                    if isLineBreak { line += 1 }
                    field.append(c)
                }
            case .quoteInQuoted:
                if c == "\"" {
                    field.append(c)
                    state = .quoted
                } else if c == delimiter {
                    endField()
                    state = .fieldStart
                } else if isLineBreak {
                    line += 1
                    state = .fieldStart
                    endRecord()
                    atRecordStart = true
                } else {
                    throw CSVError(line: line, reason: "text after the closing quote of a field; a quote inside a quoted field must be doubled (\"\")")
                }
            }
        }
        if state == .quoted {
            throw CSVError(line: quoteLine, reason: "a quoted field starting on this line is never closed")
        }
        if !atRecordStart { endRecord() }
        return rows
    }

    /// UTF-8 text of `data` without a BOM, or an error naming the line of the first invalid
    /// byte sequence.
    static func decode(_ data: Data) throws(CSVError) -> String {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if let text = String(bytes: bytes, encoding: .utf8) { return text }
        var line = 1
        var start = 0
        for (offset, byte) in bytes.enumerated() where byte == 0x0A {
            if String(bytes: bytes[start..<offset], encoding: .utf8) == nil { break }
            line += 1
            start = offset + 1
        }
        throw CSVError(line: line, reason: "is not valid UTF-8 text; save the file as \"CSV UTF-8\"")
    }
}
