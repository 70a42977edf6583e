/// One part (A, B or C) of an OCOP score sheet: a named group of criteria with a maximum.
///
/// The criteria's maxima sum to the part's maximum, so a part total can never exceed it when
/// every criterion is within its own maximum; validation still checks both, because stored
/// evaluations carry part totals of their own.
public struct CriteriaPart: Sendable, Hashable, Codable {
    /// `A`, `B` or `C`: the part's letter, which also names its column (`part_a`...).
    public var code: String
    public var name: BilingualText
    public var maximum: Double
    public var criteria: [Criterion]

    public init(code: String, name: BilingualText, maximum: Double, criteria: [Criterion]) {
        self.code = code
        self.name = name
        self.maximum = maximum
        self.criteria = criteria
    }

    /// The evaluations column holding this part's total, e.g. `part_a`.
    public var column: String { "part_\(code.lowercased())" }
}
