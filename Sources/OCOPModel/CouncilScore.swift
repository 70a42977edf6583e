import Foundation

/// A product's score computed from its council members' sheets (see ``CouncilScoring``).
public struct CouncilScore: Sendable, Hashable {
    public var criteriaSetID: String
    /// The members who scored, in the order of their sheets.
    public var members: [String]
    /// Each member's sheet total, in the same order.
    public var memberTotals: [Double]
    /// Per part letter, the mean of the members' part totals (not rounded: rounding each part
    /// before adding could move a mean of exactly 50 to 49.999999).
    public var partTotals: [String: Double]
    /// The mean of the bonus points each sheet's total kept (a bonus cut by the 100-point cap
    /// counts as cut), so that parts + bonus = ``total``.
    public var bonus: Double
    /// Per criterion, the mean of the members' points.
    public var criterionScores: [String: Double]
    /// The mean of the members' totals, rounded as ``CriteriaSet`` rounds.
    public var total: Double
    /// The stars ``total`` earns in the criteria set's bands.
    public var stars: Int
    /// The day of the last sheet: the day the council's evaluation is dated.
    public var scoredOn: LocalDate

    public init(criteriaSetID: String, members: [String], memberTotals: [Double], partTotals: [String: Double], bonus: Double,
                criterionScores: [String: Double], total: Double, stars: Int, scoredOn: LocalDate) {
        self.criteriaSetID = criteriaSetID
        self.members = members
        self.memberTotals = memberTotals
        self.partTotals = partTotals
        self.bonus = bonus
        self.criterionScores = criterionScores
        self.total = total
        self.stars = stars
        self.scoredOn = scoredOn
    }

    /// The council's evaluation of the product (`evaluations`), dated ``scoredOn``: the mean
    /// parts, bonus and per-criterion points, the total and the stars.
    public func evaluation(id: UUID = UUIDv7.generate(), tenantID: UUID, productID: UUID,
                           council: CouncilLevel = .province) -> Evaluation {
        Evaluation(id: id, tenantID: tenantID, productID: productID, criteriaSet: criteriaSetID, evaluatedOn: scoredOn,
                   council: council, partA: partTotals["A"] ?? 0, partB: partTotals["B"] ?? 0, partC: partTotals["C"] ?? 0,
                   bonus: bonus, total: total, stars: stars, criterionScores: Evaluation.encodeCriterionScores(criterionScores))
    }
}
