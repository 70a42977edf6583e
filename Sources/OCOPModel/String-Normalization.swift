import Foundation

extension String {
    /// This text in Unicode Normalization Form C (precomposed), via Foundation's
    /// `precomposedStringWithCanonicalMapping`.
    ///
    /// Vietnamese text arrives both precomposed (`ệ` as one scalar) and decomposed (`e` + `̂` +
    /// `̣`) depending on the keyboard and the operating system; all stored text is NFC so that
    /// equal names compare equal byte for byte in SQLite and across replicas.
    public func normalizedNFC() -> String {
        precomposedStringWithCanonicalMapping
    }

    /// NFC, then leading and trailing whitespace and newlines removed (inner spacing is kept).
    public func trimmedNFC() -> String {
        normalizedNFC().trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// ``trimmedNFC()``, or `nil` if that leaves nothing: how optional text fields are read.
    public func trimmedNFCOrNil() -> String? {
        let text = trimmedNFC()
        return text.isEmpty ? nil : text
    }
}
