/// The outcome of a valid ``ScoreSheet``: part totals, bonus, total and star level.
public struct ScoreResult: Sendable, Hashable, Codable {
    public var criteriaSetID: String
    /// Total per part letter (`A`, `B`, `C`), each within the part's maximum.
    public var partTotals: [String: Double]
    public var bonus: Double
    /// Parts plus bonus, capped at the set's maximum total.
    public var total: Double
    /// 1...5 from the set's star bands.
    public var stars: Int

    public init(criteriaSetID: String, partTotals: [String: Double], bonus: Double, total: Double, stars: Int) {
        self.criteriaSetID = criteriaSetID
        self.partTotals = partTotals
        self.bonus = bonus
        self.total = total
        self.stars = stars
    }

    /// The total of a part, 0 if the set has no such part.
    public func partTotal(_ code: String) -> Double {
        partTotals[code] ?? 0
    }
}
