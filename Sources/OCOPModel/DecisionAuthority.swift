/// The authority that decides about a certificate, named as it was on the day of the decision.
///
/// Provinces decide 3★ and 4★ (the People's Committee, "UBND tỉnh …" or "UBND thành phố …");
/// the ministry decides 5★. Names change: the 2025 merger retired 29 provincial units and the
/// ministry was renamed on 1 March 2025, so the name is recorded when the decision is made,
/// never recomputed later from today's province.
public struct DecisionAuthority: Sendable, Hashable {
    public var level: CouncilLevel
    /// The province's two-digit code on the day (nil for the central office).
    public var code: String?
    /// The authority's name on the day.
    public var name: String

    public init(level: CouncilLevel, code: String?, name: String) {
        self.level = level
        self.code = code
        self.name = name
    }

    /// The day the Ministry of Agriculture and Rural Development and the Ministry of Natural
    /// Resources and Environment became the Ministry of Agriculture and Environment
    /// (Decree 35/2025/NĐ-CP, in force 1 March 2025).
    public static let ministryRenamed = LocalDate.known(2025, 3, 1)

    /// The ministry that certifies 5★ on `date`.
    public static func central(on date: LocalDate) -> DecisionAuthority {
        DecisionAuthority(
            level: .central, code: nil,
            name: date < ministryRenamed ? "Bộ Nông nghiệp và Phát triển Nông thôn" : "Bộ Nông nghiệp và Môi trường")
    }

    /// The People's Committee of the province whose code was `code` on `date`, or nil if the
    /// code meant no province then. A district council (before 1 July 2025) is named after its
    /// province: which district is not recorded.
    public static func province(code: String, on date: LocalDate, level: CouncilLevel = .province,
                                registry: ProvinceRegistry = .standard) -> DecisionAuthority? {
        guard let unit = registry.province(code: code, on: date) else { return nil }
        var name = unit.name.hasPrefix("Thành phố ") ? String(unit.name.dropFirst("Thành phố ".count)) : unit.name
        // Thừa Thiên Huế province became Huế city on 1 January 2025, under its old code.
        if name == "Thừa Thiên Huế" && date >= .known(2025, 1, 1) { name = "Huế" }
        let kind = unit.kind ?? (registry.isCentrallyRunCity(code: code, on: date) ? .city : .province)
        let committee = "UBND \(kind == .city ? "thành phố" : "tỉnh") \(name)"
        return DecisionAuthority(level: level, code: unit.code, name: level == .district ? "UBND cấp huyện, \(committee.dropFirst(5))" : committee)
    }

    /// The authority of a province tenant on `date`: the code the tenant had then, read from the
    /// reference data (a tenant row's code is the code of its own period).
    public static func of(_ tenant: Tenant, on date: LocalDate, level: CouncilLevel = .province,
                          registry: ProvinceRegistry = .standard) -> DecisionAuthority? {
        province(code: tenant.code, on: date, level: level, registry: registry)
    }
}

extension ProvinceRegistry {
    /// Whether the unit `code` meant on `date` was a centrally-run city. The units before 2025
    /// carry no kind in our sources; these five were the centrally-run cities then (Huế became
    /// the sixth on 1 January 2025).
    public func isCentrallyRunCity(code: String, on date: LocalDate) -> Bool {
        guard let unit = province(code: code, on: date) else { return false }
        if let kind = unit.kind { return kind == .city }
        let cities = ["Hà Nội", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Hồ Chí Minh", "Thành phố Hồ Chí Minh"]
        if unit.name.contains("Huế") { return date >= .known(2025, 1, 1) }
        return cities.contains(unit.name)
    }
}
