/// The versioned reference data every replica carries identically: product classifications,
/// criteria sets (score sheets and star bands) and provincial units.
///
/// Rules changed in 2019, 2023 and 2025 and records keep the rules they were made under, so
/// everything here is data looked up by version id, never an enum of the current rules.
/// Validation of records takes a `ReferenceData` (default ``standard``) so tests and future
/// rule changes can supply their own.
public struct ReferenceData: Sendable, Hashable {
    public var classifications: [ClassificationVersion]
    public var criteriaSets: [CriteriaSet]
    public var provinces: ProvinceRegistry
    /// Who may certify which star levels, validity and notice periods.
    public var certificationPolicy: CertificationPolicy

    public init(classifications: [ClassificationVersion], criteriaSets: [CriteriaSet], provinces: ProvinceRegistry,
                certificationPolicy: CertificationPolicy = .standard) {
        self.classifications = classifications
        self.criteriaSets = criteriaSets
        self.provinces = provinces
        self.certificationPolicy = certificationPolicy
    }

    /// The built-in data: classifications QD148-2023 and QD1048-2019, criteria sets of the same
    /// ids, the 2025 provinces with the 63 → 34 merger, and the standard certification policy.
    public static let standard = ReferenceData(
        classifications: [.qd148_2023, .qd1048_2019],
        criteriaSets: [.qd148_2023, .qd1048_2019],
        provinces: .standard
    )

    /// The day the OCOP programme began: Decision 490/QĐ-TTg of 7 May 2018 approved it. No
    /// certificate, dossier or report date is earlier.
    public static let programmeStart = LocalDate.known(2018, 5, 7)

    /// The classification version with this id (e.g. `QD148-2023`), or `nil`.
    public func classification(version: String) -> ClassificationVersion? {
        classifications.first { $0.id == version }
    }

    /// The classification version in force on `date`, or `nil` before the first one.
    public func classification(on date: LocalDate) -> ClassificationVersion? {
        classifications.filter { $0.isInForce(on: date) }.max { $0.effectiveFrom < $1.effectiveFrom }
    }

    /// The node `(version, code)`, e.g. `("QD148-2023", "1.4.a")` → soy paste, fish sauce…
    public func classificationNode(version: String, code: String) -> ClassificationNode? {
        classification(version: version)?.node(code: code)
    }

    /// The label of `(version, code)` in a language, or `nil` if either is unknown.
    public func label(version: String, code: String, in language: Language) -> String? {
        classification(version: version)?.label(code: code, in: language)
    }

    /// `(version, code)` and its ancestors, sector first; empty if unknown.
    public func parentChain(version: String, code: String) -> [ClassificationNode] {
        classification(version: version)?.parentChain(code: code) ?? []
    }

    /// The criteria set with this id (e.g. `QD148-2023`), or `nil`.
    public func criteriaSet(id: String) -> CriteriaSet? {
        criteriaSets.first { $0.id == id }
    }

    /// The criteria set in force for evaluations made on `date`, or `nil` before the first.
    public func criteriaSet(on date: LocalDate) -> CriteriaSet? {
        criteriaSets.filter { $0.isInForce(on: date) }.max { $0.effectiveFrom < $1.effectiveFrom }
    }

    /// Problems in all the data (see the parts' `consistencyProblems()`), plus criteria sets
    /// naming unknown classification versions. Empty for good data.
    public func consistencyProblems() -> [String] {
        var problems = classifications.flatMap { $0.consistencyProblems() } + criteriaSets.flatMap { $0.consistencyProblems() }
        for set in criteriaSets where classification(version: set.classificationVersion) == nil {
            problems.append("\(set.id): unknown classification version \(set.classificationVersion)")
        }
        return problems
    }
}
