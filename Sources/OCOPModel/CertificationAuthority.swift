/// One rule of who may certify what: a council level may certify a range of star levels over a
/// period. Data in ``CertificationPolicy``.
public struct CertificationAuthority: Sendable, Hashable, Codable {
    public var council: CouncilLevel
    /// The star levels this council may certify, e.g. `3...4` for a province.
    public var stars: ClosedRange<Int>
    /// First day the rule applies; `nil` if since before our records.
    public var effectiveFrom: LocalDate?
    /// Last day the rule applies; `nil` while in force.
    public var effectiveUntil: LocalDate?

    public init(council: CouncilLevel, stars: ClosedRange<Int>, effectiveFrom: LocalDate? = nil, effectiveUntil: LocalDate? = nil) {
        self.council = council
        self.stars = stars
        self.effectiveFrom = effectiveFrom
        self.effectiveUntil = effectiveUntil
    }

    /// Whether the rule applies on `date`.
    public func isInForce(on date: LocalDate) -> Bool {
        (effectiveFrom.map { $0 <= date } ?? true) && (effectiveUntil.map { date <= $0 } ?? true)
    }
}
