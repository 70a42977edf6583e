/// One scored criterion of a criteria set, with its maximum.
///
/// Codes are the part letter and a number (`A1`, `B3`), unique within a criteria set; they are
/// the keys of `evaluations.criterion_scores`.
public struct Criterion: Sendable, Hashable, Codable {
    public var code: String
    public var name: BilingualText
    /// The most points the criterion can give (inclusive).
    public var maximum: Double

    public init(code: String, vi: String, en: String, maximum: Double) {
        self.code = code
        self.name = BilingualText(vi: vi, en: en)
        self.maximum = maximum
    }
}
