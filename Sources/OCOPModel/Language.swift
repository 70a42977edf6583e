/// The languages the dataset keeps text in: Vietnamese is the original, English our translation.
public enum Language: String, Sendable, Hashable, Codable, CaseIterable {
    case vi
    case en
}
