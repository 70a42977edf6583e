import Foundation
import OCOPModel

/// Free-text matching for lookups: every word typed must start a word of one of the fields,
/// ignoring case, tones and marks (`đ` matches `d`), so people can type without a Vietnamese
/// keyboard: `nuoc mam` finds `Nước mắm`, `ch` finds `Chè`, `he` does not.
///
/// `package` so that every backend matches with it (SQLite inside a query, PostgreSQL in Swift
/// after reading the names) and lookups find the same rows whichever is behind. The folding
/// itself is the model's (``OCOPModel/VietnameseFolding``), shared with the privacy rule.
package enum SearchText {
    static func fold(_ text: String) -> String { VietnameseFolding.fold(text) }

    /// `fold` for text already in NFC (everything stored is: input is normalised on the way in).
    static func fold(normalized text: String) -> String { VietnameseFolding.fold(normalized: text) }

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
