import Foundation

/// A versioned OCOP score sheet definition: parts, criteria with maxima, the bonus cap and the
/// star bands, as data.
///
/// An evaluation stores the id of the set it was scored under (`evaluations.criteria_set`) and
/// keeps it forever: a product scored under Decision 1048 (2019) is not re-judged by the 2023
/// rules. Sets are looked up through ``ReferenceData``.
///
/// Scores are real numbers (councils give half points). Sums are rounded to 6 decimal places
/// before any comparison, so that binary floating point (0.1 + 0.2) never moves a product
/// across a maximum or a star band.
public struct CriteriaSet: Sendable, Hashable, Codable, Identifiable {
    /// Stable id, e.g. `QD148-2023`.
    public var id: String
    /// The legal instrument, e.g. `148/QĐ-TTg`.
    public var decision: String
    /// The classification version products were classified under while this set applied.
    public var classificationVersion: String
    public var effectiveFrom: LocalDate
    /// Last day of use for new evaluations; `nil` while in force.
    public var effectiveUntil: LocalDate?
    /// The parts, in order (A, B, C).
    public var parts: [CriteriaPart]
    /// The most bonus points a sheet may add (0: the set has no bonus).
    public var bonusMaximum: Double
    /// The cap on parts plus bonus, and the top of the last star band (100).
    public var maximumTotal: Double
    /// Star bands in ascending order, the first starting at 0.
    public var starBands: [StarBand]
    /// What is known and assumed about this set, for documentation and reports.
    public var notes: String

    public init(id: String, decision: String, classificationVersion: String, effectiveFrom: LocalDate,
                effectiveUntil: LocalDate?, parts: [CriteriaPart], bonusMaximum: Double,
                maximumTotal: Double, starBands: [StarBand], notes: String) {
        self.id = id
        self.decision = decision
        self.classificationVersion = classificationVersion
        self.effectiveFrom = effectiveFrom
        self.effectiveUntil = effectiveUntil
        self.parts = parts
        self.bonusMaximum = bonusMaximum
        self.maximumTotal = maximumTotal
        self.starBands = starBands
        self.notes = notes
    }

    /// Whether the set applies to evaluations made on `date`.
    public func isInForce(on date: LocalDate) -> Bool {
        effectiveFrom <= date && (effectiveUntil.map { date <= $0 } ?? true)
    }

    /// The part with this letter, or `nil`.
    public func part(code: String) -> CriteriaPart? {
        parts.first { $0.code == code }
    }

    /// The criterion with this code and the part it belongs to, or `nil`.
    public func criterion(code: String) -> (part: CriteriaPart, criterion: Criterion)? {
        for part in parts {
            if let criterion = part.criteria.first(where: { $0.code == code }) { return (part, criterion) }
        }
        return nil
    }

    /// Every criterion, part by part.
    public var allCriteria: [Criterion] { parts.flatMap(\.criteria) }

    /// The star level of a total: the band with the greatest minimum not above it.
    ///
    /// Throws (naming `evaluations.total`) for a total that is not a finite number, negative, or
    /// above ``maximumTotal``: such a total is a data error, not a 1★ or 5★ product.
    public func stars(forTotal total: Double) throws(ValidationError) -> Int {
        guard total.isFinite else {
            throw ValidationError(record: "evaluations", field: "total", reason: "must be a number")
        }
        let value = Self.rounded(total)
        guard value >= 0 else {
            throw ValidationError(record: "evaluations", field: "total", reason: "\(Self.format(total)) is negative")
        }
        guard value <= maximumTotal else {
            throw ValidationError(record: "evaluations", field: "total",
                                  reason: "\(Self.format(total)) exceeds the maximum \(Self.format(maximumTotal)) of criteria set \(id)")
        }
        guard let band = starBands.last(where: { $0.minimum <= value }) else {
            throw ValidationError(record: "evaluations", field: "total", reason: "no star band of criteria set \(id) covers \(Self.format(total))")
        }
        return band.stars
    }

    /// The band for a star level, or `nil`.
    public func band(stars: Int) -> StarBand? {
        starBands.first { $0.stars == stars }
    }

    /// The range of totals that earns `stars`: `minimum..<next minimum`, the last band closed
    /// at ``maximumTotal``. `nil` for an unknown level.
    public func totalRange(stars: Int) -> (minimum: Double, upperBound: Double, upperInclusive: Bool)? {
        guard let index = starBands.firstIndex(where: { $0.stars == stars }) else { return nil }
        if index + 1 < starBands.count {
            return (starBands[index].minimum, starBands[index + 1].minimum, false)
        }
        return (starBands[index].minimum, maximumTotal, true)
    }

    /// Problems in the set's own data: criteria maxima not summing to their part's maximum,
    /// parts not summing to the maximum total, duplicate codes, bands not ascending from 0.
    /// Empty for good data; tests run it on every shipped set.
    public func consistencyProblems() -> [String] {
        var problems: [String] = []
        var codes: Set<String> = []
        for part in parts {
            let sum = Self.rounded(part.criteria.reduce(0) { $0 + $1.maximum })
            if sum != Self.rounded(part.maximum) {
                problems.append("\(id): criteria of part \(part.code) sum to \(Self.format(sum)), not \(Self.format(part.maximum))")
            }
            for criterion in part.criteria {
                if !codes.insert(criterion.code).inserted { problems.append("\(id): criterion \(criterion.code) appears twice") }
                if !criterion.code.hasPrefix(part.code) { problems.append("\(id): criterion \(criterion.code) is not named after part \(part.code)") }
                if !(criterion.maximum > 0) { problems.append("\(id): criterion \(criterion.code) has no positive maximum") }
            }
        }
        let partsSum = Self.rounded(parts.reduce(0) { $0 + $1.maximum })
        if partsSum != Self.rounded(maximumTotal) {
            problems.append("\(id): parts sum to \(Self.format(partsSum)), not \(Self.format(maximumTotal))")
        }
        if starBands.first?.minimum != 0 { problems.append("\(id): the first star band must start at 0") }
        for (lower, upper) in zip(starBands, starBands.dropFirst())
        where !(lower.minimum < upper.minimum && lower.stars < upper.stars) {
            problems.append("\(id): star bands \(lower.stars) and \(upper.stars) are not ascending")
        }
        if bonusMaximum < 0 { problems.append("\(id): negative bonus maximum") }
        return problems
    }

    /// Rounds to 6 decimal places: the precision at which scores are compared.
    static func rounded(_ value: Double) -> Double {
        (value * 1_000_000).rounded() / 1_000_000
    }

    /// A score as people write it: `41`, `29.5`, `33.25` (6 decimals at most).
    public static func format(_ value: Double) -> String {
        guard value.isFinite else { return String(value) }
        let r = rounded(value)
        if r == r.rounded(), abs(r) < 1e15 { return String(Int(r)) }
        var text = String(format: "%.6f", r)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
