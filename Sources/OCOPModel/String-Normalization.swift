import Foundation
#if canImport(_FoundationICU)
import _FoundationICU
#endif

extension String {
    /// This text in Unicode Normalization Form C (precomposed), via Foundation's
    /// `precomposedStringWithCanonicalMapping`.
    ///
    /// Vietnamese text arrives both precomposed (`ệ` as one scalar) and decomposed (`e` + `̂` +
    /// `̣`) depending on the keyboard and the operating system; all stored text is NFC so that
    /// equal names compare equal byte for byte in SQLite and across replicas.
    public func normalizedNFC() -> String {
        isNFC ? self : precomposedStringWithCanonicalMapping
    }

    /// Whether this text is already in NFC.
    ///
    /// Every writer checks every text value it stores, so this must be cheap: ASCII is NFC as it
    /// stands, and other text is checked by ICU's normaliser without building a normalised copy
    /// (Foundation's normalisation allocates and bridges; it cost a fifth of a server merge).
    public var isNFC: Bool {
        if utf8.allSatisfy({ $0 < 0x80 }) { return true }
        #if canImport(_FoundationICU)
        if let normalizer = NFCChecker.normalizer {
            let units = Array(utf16)
            var status = U_ZERO_ERROR
            let result = swift_unorm2_isNormalized(normalizer, units, Int32(units.count), &status)
            if status.rawValue <= U_ZERO_ERROR.rawValue { return result != 0 }
        }
        #endif
        return precomposedStringWithCanonicalMapping.utf8.elementsEqual(utf8)
    }

    /// NFC, then leading and trailing whitespace and newlines removed (inner spacing is kept).
    public func trimmedNFC() -> String {
        let text = normalizedNFC()
        // Most text has nothing to trim, and Foundation's trimming is slow (every stored record
        // passes through here when it is read): look at the two ends first. (The set is
        // Foundation's own: it holds U+200B, which Unicode's White_Space does not.)
        let set = CharacterSet.whitespacesAndNewlines
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last,
              set.contains(first) || set.contains(last) else { return text }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// ``trimmedNFC()``, or `nil` if that leaves nothing: how optional text fields are read.
    public func trimmedNFCOrNil() -> String? {
        let text = trimmedNFC()
        return text.isEmpty ? nil : text
    }
}

#if canImport(_FoundationICU)
/// ICU's NFC normaliser: a process-wide singleton that ICU documents as safe to use from any
/// thread without a lock (unlike a collator).
private enum NFCChecker {
    nonisolated(unsafe) static let normalizer: OpaquePointer? = {
        var status = U_ZERO_ERROR
        let instance = swift_unorm2_getNFCInstance(&status)
        return status.rawValue <= U_ZERO_ERROR.rawValue ? instance : nil
    }()
}
#endif
