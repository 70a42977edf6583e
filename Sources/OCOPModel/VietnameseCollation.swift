import Foundation

/// Sorting and comparing Vietnamese text the way a Vietnamese reader expects.
///
/// Vietnamese alphabetical order puts `ă`, `â` after `a`, `đ` after `d`, `ê` after `e`,
/// `ô`, `ơ` after `o` and `ư` after `u`, and orders tones (as a secondary difference)
/// none < huyền (`à`) < hỏi (`ả`) < ngã (`ã`) < sắc (`á`) < nặng (`ạ`). Plain code-point
/// order gets this wrong (`Đ` U+0110 sorts after `z`).
///
/// Implementation: both strings are normalised to NFC, then compared with ICU's collator for
/// `vi` (CLDR's Vietnamese tailoring) from the ICU inside Foundation (`_FoundationICU`; see
/// `VietnameseSortKey.swift` for why not `String.compare(locale:)`), or with Foundation's
/// `compare(_:options:range:locale:)` under `Locale(identifier: "vi_VN")` where that module is
/// absent. The tests pin the order so a platform without the tailoring fails loudly. Strings the
/// collation considers equal but that differ (for instance in case or in ignorable characters)
/// are ordered by their NFC Unicode scalars, so the order is total and deterministic: two
/// replicas sorting the same names get the same list.
public enum VietnameseCollation {
    /// The locale whose collation is used.
    public static let locale = Locale(identifier: "vi_VN")

    /// Compares two strings: Vietnamese collation, ties broken by NFC scalar values.
    ///
    /// - Parameter caseInsensitive: if `true`, `Hòa` and `hòa` compare equal in the first step
    ///   (they are still ordered by scalars in the tie-break, so the result is never
    ///   `.orderedSame` for different NFC strings).
    public static func compare(_ lhs: String, _ rhs: String, caseInsensitive: Bool = false) -> ComparisonResult {
        let l = lhs.normalizedNFC()
        let r = rhs.normalizedNFC()
        let primary = icuCompare(l, r, caseInsensitive: caseInsensitive)
            ?? l.compare(r, options: caseInsensitive ? [.caseInsensitive] : [], range: nil, locale: locale)
        if primary != .orderedSame { return primary }
        if l.unicodeScalars.elementsEqual(r.unicodeScalars) { return .orderedSame }
        return l.unicodeScalars.lexicographicallyPrecedes(r.unicodeScalars) { $0.value < $1.value }
            ? .orderedAscending : .orderedDescending
    }

    /// `true` if `lhs` sorts before `rhs`: a predicate for `sorted(by:)`.
    public static func areInIncreasingOrder(_ lhs: String, _ rhs: String) -> Bool {
        compare(lhs, rhs) == .orderedAscending
    }

    /// Whether two strings are the same text up to normalisation, case and surrounding
    /// whitespace: how a name typed in a CSV is matched to a stored name. Diacritics matter
    /// (`Đà` is not `Da`, `hoà` is not `hóa`).
    public static func matches(_ lhs: String, _ rhs: String) -> Bool {
        lhs.trimmedNFC().lowercased().normalizedNFC() == rhs.trimmedNFC().lowercased().normalizedNFC()
    }
}

extension Sequence where Element == String {
    /// The elements in Vietnamese alphabetical order (see ``VietnameseCollation``).
    public func sortedVietnamese() -> [String] {
        sorted(by: VietnameseCollation.areInIncreasingOrder)
    }
}
