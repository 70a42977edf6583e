/// A range of total scores that earns a star level: `minimum` inclusive up to the next band's
/// minimum exclusive (the last band up to the criteria set's maximum total, inclusive).
///
/// Bands apply to the total as a real number: with bands starting at 0, 30, 50, 70, 90, a
/// total of 29.5 is 1★ and 30 is 2★ ("2★ 30–49" means 30 ≤ total < 50).
public struct StarBand: Sendable, Hashable, Codable {
    public var stars: Int
    /// The lowest total in the band (inclusive).
    public var minimum: Double

    public init(stars: Int, minimum: Double) {
        self.stars = stars
        self.minimum = minimum
    }
}
