/// A provincial-level administrative unit over the period its code meant it.
///
/// Codes are two-digit text (`"01"`), as in the government's code table. A code's meaning
/// depends on the date: `"15"` was Yên Bái until 30 June 2025 and is Lào Cai from 1 July 2025.
/// That is why record ids never embed codes and lookups take a date (see ``ProvinceRegistry``).
public struct Province: Sendable, Hashable, Codable {
    public var code: String
    public var name: String
    /// Province or city; `nil` where our sources do not say (the units before 2025).
    public var kind: ProvinceKind?
    /// First day of this meaning of the code; `nil` if before our sources.
    public var validFrom: LocalDate?
    /// Last day of this meaning of the code; `nil` while in force.
    public var validUntil: LocalDate?

    public init(code: String, name: String, kind: ProvinceKind?, validFrom: LocalDate?, validUntil: LocalDate?) {
        self.code = code
        self.name = name
        self.kind = kind
        self.validFrom = validFrom
        self.validUntil = validUntil
    }

    /// Whether this unit existed, under this code, on `date`.
    public func isInForce(on date: LocalDate) -> Bool {
        (validFrom.map { $0 <= date } ?? true) && (validUntil.map { date <= $0 } ?? true)
    }
}
