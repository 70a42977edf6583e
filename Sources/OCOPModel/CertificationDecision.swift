/// What a council's evaluation leads to under the ``CertificationPolicy``.
public enum CertificationDecision: Sendable, Hashable {
    /// Below the lowest certified level (1★, 2★): recorded, but no decision and no certificate.
    case noCertificate(stars: Int)
    /// The council may certify this level itself.
    case certify(stars: Int)
    /// The level is above what the council may certify: the product is proposed to `council`,
    /// which alone may certify it. A province proposing a product that scored 5★ makes it a
    /// "potential 5★" (candidate) until the central office decides.
    case propose(stars: Int, to: CouncilLevel)
    /// The council may not certify anything on that date (e.g. a district council after
    /// 30 June 2025).
    case notAuthorised(council: CouncilLevel)

    /// Whether the product is a 5★ candidate awaiting the central office.
    public var isFiveStarCandidate: Bool {
        if case .propose(5, _) = self { return true }
        return false
    }
}
