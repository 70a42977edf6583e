/// A label in Vietnamese (the original) and English (our translation; no official English
/// list exists for most OCOP vocabularies).
public struct BilingualText: Sendable, Hashable, Codable {
    public var vi: String
    public var en: String

    public init(vi: String, en: String) {
        self.vi = vi
        self.en = en
    }

    /// The text in `language`.
    public func text(in language: Language) -> String {
        switch language {
        case .vi: return vi
        case .en: return en
        }
    }
}
