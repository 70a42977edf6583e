import Foundation
#if canImport(_FoundationICU)
import _FoundationICU
#endif

extension VietnameseCollation {
    /// Sorts `elements` by a text property in Vietnamese order, exactly as
    /// ``compare(_:_:caseInsensitive:)`` orders them, but fast: each text becomes a collation
    /// key once and keys compare as bytes (a national list of 100,000 product names sorts in
    /// a fraction of a second instead of seconds). Without ICU it compares pairwise.
    public static func sorted<Element>(_ elements: [Element], by text: (Element) -> String) -> [Element] {
        #if canImport(_FoundationICU)
        if let collator = ICUCollator(caseInsensitive: false) {
            let keys = elements.map { collator.sortKey(text($0).normalizedNFC()) }
            return zip(keys, elements).sorted { $0.0.lexicographicallyPrecedes($1.0) }.map(\.1)
        }
        #endif
        return elements.sorted { areInIncreasingOrder(text($0), text($1)) }
    }

    /// ICU's `vi` collation of two NFC strings, or nil where ICU is not available.
    static func icuCompare(_ lhs: String, _ rhs: String, caseInsensitive: Bool) -> ComparisonResult? {
        #if canImport(_FoundationICU)
        let shared = caseInsensitive ? ICUCollator.sharedCaseInsensitive : ICUCollator.shared
        return shared?.compare(lhs, rhs)
        #else
        return nil
        #endif
    }
}

#if canImport(_FoundationICU)
/// ICU's collator for `vi` (CLDR's Vietnamese tailoring), as shipped inside Foundation.
///
/// Used directly because Foundation's `String.compare(_:options:range:locale:)` loses the
/// tailoring in some contexts: it orders "oỹl" after "ơ" and "aự" after "â", where `ơ` and
/// `â` are letters of their own that sort after `o` and `a`. A collator is not shared between
/// threads without its lock.
final class ICUCollator: @unchecked Sendable {
    private let collator: OpaquePointer
    private let lock = NSLock()

    static let shared = ICUCollator(caseInsensitive: false)
    static let sharedCaseInsensitive = ICUCollator(caseInsensitive: true)

    init?(caseInsensitive: Bool) {
        var status = U_ZERO_ERROR
        guard let collator = swift_ucol_open("vi", &status), status.rawValue <= U_ZERO_ERROR.rawValue else { return nil }
        if caseInsensitive {
            // Secondary strength: letters and tones count, case does not.
            swift_ucol_setStrength(collator, UCOL_SECONDARY)
        }
        self.collator = collator
    }

    deinit { swift_ucol_close(collator) }

    func compare(_ lhs: String, _ rhs: String) -> ComparisonResult {
        let left = Array(lhs.utf16), right = Array(rhs.utf16)
        let result = lock.withLock { swift_ucol_strcoll(collator, left, Int32(left.count), right, Int32(right.count)) }
        switch result {
        case UCOL_LESS: return .orderedAscending
        case UCOL_GREATER: return .orderedDescending
        default: return .orderedSame
        }
    }

    /// The collation key, then a zero byte, then the UTF-8: keys compare as bytes in the order
    /// of ``VietnameseCollation/compare(_:_:caseInsensitive:)``, ties broken by scalars.
    func sortKey(_ text: String) -> [UInt8] {
        let utf16 = Array(text.utf16)
        return lock.withLock {
            var buffer = [UInt8](repeating: 0, count: utf16.count * 3 + 16)
            var length = Int(swift_ucol_getSortKey(collator, utf16, Int32(utf16.count), &buffer, Int32(buffer.count)))
            if length > buffer.count {
                buffer = [UInt8](repeating: 0, count: length)
                length = Int(swift_ucol_getSortKey(collator, utf16, Int32(utf16.count), &buffer, Int32(buffer.count)))
            }
            // ICU's key ends with its own zero terminator.
            return Array(buffer.prefix(length)) + Array(text.utf8)
        }
    }
}
#endif
