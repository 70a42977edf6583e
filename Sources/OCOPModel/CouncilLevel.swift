/// The administrative level of an evaluation council or certificate issuer, stored as text in
/// `evaluations.council` and `certificates.issuer`.
///
/// Since 1 July 2025 there are two: the province council (3★, 4★) and the central office
/// (5★). District councils certified 3★ until the district level was abolished on
/// 1 July 2025; the level is kept so older records stay valid. What each level may certify,
/// and when, is data in ``CertificationPolicy``.
public enum CouncilLevel: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// Cấp huyện: until 30 June 2025 only.
    case district
    /// Cấp tỉnh: the province OCOP council.
    case province
    /// Cấp trung ương: the central office (Ministry of Agriculture and Environment).
    case central

    public static func < (lhs: CouncilLevel, rhs: CouncilLevel) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
