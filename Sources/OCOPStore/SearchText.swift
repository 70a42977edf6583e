import Foundation

/// Free-text matching for lookups: every word typed must start a word of one of the fields,
/// ignoring case, tones and marks (`đ` matches `d`), so people can type without a Vietnamese
/// keyboard: `nuoc mam` finds `Nước mắm`, `ch` finds `Chè`, `he` does not.
///
/// `package` so that every backend matches with it (SQLite inside a query, PostgreSQL in Swift
/// after reading the names) and lookups find the same rows whichever is behind.
package enum SearchText {
    /// Latin letters with marks → their folded base (`ằ` → `a`, `Đ` → `d`), computed once with
    /// Foundation; folding a name is then a table lookup per scalar.
    private static let table: [UInt32: Unicode.Scalar] = {
        var table: [UInt32: Unicode.Scalar] = [:]
        for range in [UInt32(0x00C0)...0x024F, 0x1E00...0x1EFF] {
            for value in range {
                guard let scalar = Unicode.Scalar(value) else { continue }
                let folded = String(scalar).folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
                if let first = folded.unicodeScalars.first, folded.unicodeScalars.count == 1, first.value != value {
                    table[value] = first
                }
            }
        }
        table[0x0110] = "d" // Đ
        table[0x0111] = "d" // đ
        return table
    }()

    static func fold(_ text: String) -> String {
        fold(normalized: text.precomposedStringWithCanonicalMapping)
    }

    /// `fold` for text already in NFC (everything stored is: input is normalised on the way in).
    static func fold(normalized text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x41...0x5A: scalars.append(Unicode.Scalar(scalar.value + 0x20)!)
            case 0...0x7F: scalars.append(scalar)
            case 0x0300...0x036F: continue // combining marks left over
            default:
                if let folded = table[scalar.value] { scalars.append(folded) } else {
                    scalars.append(contentsOf: String(scalar).lowercased().unicodeScalars)
                }
            }
        }
        return String(scalars)
    }

    /// The words typed, folded, to match with ``matches(_:in:)``.
    package static func words(_ text: String) -> [Substring] {
        fold(text).split(whereSeparator: { $0.isWhitespace || $0.isPunctuation })
    }

    /// Whether every word starts a word of one of `fields` (stored text, already NFC).
    package static func matches(_ words: [Substring], in fields: [String]) -> Bool {
        let haystack = Array(fold(normalized: fields.joined(separator: " ")).utf8)
        return words.allSatisfy { startsAWord(Array($0.utf8), in: haystack) }
    }

    /// Whether `word` occurs in `haystack` at the start of a word (after a space or punctuation).
    private static func startsAWord(_ word: [UInt8], in haystack: [UInt8]) -> Bool {
        guard !word.isEmpty, word.count <= haystack.count else { return word.isEmpty }
        for start in 0...(haystack.count - word.count) {
            if start > 0 {
                let before = haystack[start - 1]
                // Letters, digits and bytes of non-ASCII characters continue a word.
                if before >= 0x80 || (before >= 0x30 && before <= 0x39) || (before >= 0x61 && before <= 0x7A) { continue }
            }
            if haystack[start] == word[0], haystack[start..<(start + word.count)].elementsEqual(word) { return true }
        }
        return false
    }
}
