/// The depth of a node in an OCOP product classification.
public enum ClassificationLevel: Int, Sendable, Hashable, Codable, Comparable {
    /// Ngành: code `N` (a digit), e.g. `1` Food.
    case sector = 1
    /// Nhóm: code `N.M`, e.g. `1.1` Fresh food.
    case group = 2
    /// Phân nhóm: code `N.M.x` with a lowercase letter, e.g. `1.1.a`.
    case subGroup = 3

    public static func < (lhs: ClassificationLevel, rhs: ClassificationLevel) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
