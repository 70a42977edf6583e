/// One version of the OCOP product classification, as reference data.
///
/// Classifications changed with the rules (Decision 1048/QĐ-TTg in 2019, Decision 148/QĐ-TTg in
/// 2023) and a product keeps the version it was classified under, so versions are data
/// side by side, not an enum; a product row stores `classification_version` and
/// `classification_code`.
///
/// Code scheme (ours; the decisions number their lists differently across versions): sector
/// `N`, group `N.M`, sub-group `N.M.x` with a lowercase letter, e.g. `1` Food → `1.3` Processed
/// food → `1.3.d` from meat, eggs, milk, seafood, honey. See ``ClassificationNode``.
public struct ClassificationVersion: Sendable, Hashable, Codable, Identifiable {
    /// Stable id stored in `products.classification_version`, e.g. `QD148-2023`.
    public var id: String
    /// The legal instrument, e.g. `148/QĐ-TTg`.
    public var decision: String
    /// First day the version applies to new classifications.
    public var effectiveFrom: LocalDate
    /// Last day it applies, `nil` while in force. Products classified earlier keep it.
    public var effectiveUntil: LocalDate?
    /// The finest level our sources give for this version.
    public var finestLevel: ClassificationLevel
    /// Every node, parents before children.
    public var nodes: [ClassificationNode] {
        didSet { lookup = NodeLookup(nodes) }
    }
    /// Where each code is and which codes have children: every product a server merges is
    /// checked against the classification, and searching the list each time was a tenth of it.
    private var lookup: NodeLookup

    public init(id: String, decision: String, effectiveFrom: LocalDate, effectiveUntil: LocalDate?,
                finestLevel: ClassificationLevel, nodes: [ClassificationNode]) {
        self.id = id
        self.decision = decision
        self.effectiveFrom = effectiveFrom
        self.effectiveUntil = effectiveUntil
        self.finestLevel = finestLevel
        self.nodes = nodes
        self.lookup = NodeLookup(nodes)
    }

    private enum CodingKeys: String, CodingKey {
        case id, decision, effectiveFrom, effectiveUntil, finestLevel, nodes
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try container.decode(String.self, forKey: .id),
            decision: try container.decode(String.self, forKey: .decision),
            effectiveFrom: try container.decode(LocalDate.self, forKey: .effectiveFrom),
            effectiveUntil: try container.decodeIfPresent(LocalDate.self, forKey: .effectiveUntil),
            finestLevel: try container.decode(ClassificationLevel.self, forKey: .finestLevel),
            nodes: try container.decode([ClassificationNode].self, forKey: .nodes)
        )
    }

    public static func == (lhs: ClassificationVersion, rhs: ClassificationVersion) -> Bool {
        lhs.id == rhs.id && lhs.decision == rhs.decision && lhs.effectiveFrom == rhs.effectiveFrom
            && lhs.effectiveUntil == rhs.effectiveUntil && lhs.finestLevel == rhs.finestLevel && lhs.nodes == rhs.nodes
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(nodes)
    }

    /// Whether the version applies on `date`.
    public func isInForce(on date: LocalDate) -> Bool {
        effectiveFrom <= date && (effectiveUntil.map { date <= $0 } ?? true)
    }

    /// The node with this code, or `nil`.
    public func node(code: String) -> ClassificationNode? {
        lookup.positions[code].map { nodes[$0] }
    }

    /// The label of a code in a language, or `nil` if the code is unknown.
    public func label(code: String, in language: Language) -> String? {
        node(code: code)?.name.text(in: language)
    }

    /// The node and its ancestors, sector first (`1`, `1.1`, `1.1.a`); empty if unknown.
    public func parentChain(code: String) -> [ClassificationNode] {
        guard let node = node(code: code) else { return [] }
        var chain = [node]
        var current = node.parentCode
        while let parent = current, let parentNode = self.node(code: parent) {
            chain.insert(parentNode, at: 0)
            current = parentNode.parentCode
        }
        return chain
    }

    /// The direct children of a code (pass `nil` for the sectors), in list order.
    public func children(of code: String?) -> [ClassificationNode] {
        nodes.filter { $0.parentCode == code }
    }

    /// The sectors, in order.
    public var sectors: [ClassificationNode] { children(of: nil) }

    /// Whether the code is known and has no children: a product is classified at a leaf.
    public func isLeaf(code: String) -> Bool {
        lookup.positions[code] != nil && !lookup.parents.contains(code)
    }

    /// Problems in the data itself (malformed or duplicate codes, orphans, parents listed after
    /// children, nodes deeper than ``finestLevel``); empty for good data. Tests run it on every
    /// shipped version.
    public func consistencyProblems() -> [String] {
        var problems: [String] = []
        var seen: Set<String> = []
        for node in nodes {
            guard let level = node.level else {
                problems.append("\(id): code \"\(node.code)\" does not follow the N / N.M / N.M.x scheme")
                continue
            }
            if level > finestLevel { problems.append("\(id): \(node.code) is finer than \(finestLevel)") }
            if !seen.insert(node.code).inserted { problems.append("\(id): \(node.code) appears twice") }
            if let parent = node.parentCode, !seen.contains(parent) {
                problems.append("\(id): \(node.code) comes before or without its parent \(parent)")
            }
            if node.name.vi.isEmpty || node.name.en.isEmpty { problems.append("\(id): \(node.code) lacks a name") }
        }
        return problems
    }
}

/// The codes of a version's nodes: where each is in the list (the first, if one appears twice,
/// as a search of the list finds it) and which are the parent of another.
private struct NodeLookup: Sendable {
    let positions: [String: Int]
    let parents: Set<String>

    init(_ nodes: [ClassificationNode]) {
        positions = Dictionary(nodes.enumerated().map { ($0.element.code, $0.offset) }, uniquingKeysWith: { first, _ in first })
        parents = Set(nodes.compactMap(\.parentCode))
    }
}
