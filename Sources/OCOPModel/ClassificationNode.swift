/// One sector, group or sub-group of a classification version.
///
/// Code scheme (ours, documented in ``ClassificationVersion``): sector `N` (1...9), group
/// `N.M` (M = 1...99), sub-group `N.M.x` (x = a...z). The parent of a code is the code with its
/// last segment removed, so codes alone give the hierarchy.
public struct ClassificationNode: Sendable, Hashable, Codable {
    public var code: String
    public var name: BilingualText

    public init(code: String, vi: String, en: String) {
        self.code = code
        self.name = BilingualText(vi: vi, en: en)
    }

    /// The level implied by the code's number of segments, or `nil` if the code does not
    /// follow the scheme.
    public var level: ClassificationLevel? { ClassificationNode.level(ofCode: code) }

    /// The parent's code (`1.1.a` → `1.1` → `1`), `nil` for a sector.
    public var parentCode: String? { ClassificationNode.parentCode(of: code) }

    /// The level a code has under the scheme, or `nil` if it is malformed.
    public static func level(ofCode code: String) -> ClassificationLevel? {
        let parts = code.split(separator: ".", omittingEmptySubsequences: false)
        func isNumber(_ s: Substring, max: Int) -> Bool {
            guard !s.isEmpty, s.count <= 2, s.first != "0", s.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let value = Int(s) else { return false }
            return (1...max).contains(value)
        }
        switch parts.count {
        case 1:
            return parts[0].count == 1 && isNumber(parts[0], max: 9) ? .sector : nil
        case 2:
            return parts[0].count == 1 && isNumber(parts[0], max: 9) && isNumber(parts[1], max: 99) ? .group : nil
        case 3:
            guard parts[0].count == 1, isNumber(parts[0], max: 9), isNumber(parts[1], max: 99),
                  parts[2].count == 1, let letter = parts[2].first, ("a"..."z").contains(letter)
            else { return nil }
            return .subGroup
        default:
            return nil
        }
    }

    /// The parent code under the scheme.
    public static func parentCode(of code: String) -> String? {
        guard let dot = code.lastIndex(of: ".") else { return nil }
        return String(code[..<dot])
    }
}
