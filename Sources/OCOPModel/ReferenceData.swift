/// The versioned reference data every replica carries identically: product classifications,
/// criteria sets (score sheets and star bands), provincial units, and the dossier procedure
/// (documents per rules version, statutory steps and days, the council's quorum).
///
/// Rules changed in 2019, 2023 and 2025 and records keep the rules they were made under, so
/// everything here is data looked up by version id, never an enum of the current rules.
/// Validation of records takes a `ReferenceData` (default ``standard``) so tests and future
/// rule changes can supply their own.
public struct ReferenceData: Sendable, Hashable {
    public var classifications: [ClassificationVersion]
    /// The newest classification version: the default for new products.
    public var newestClassification: ClassificationVersion? { classifications.max { $0.effectiveFrom < $1.effectiveFrom } }
    public var criteriaSets: [CriteriaSet]
    public var provinces: ProvinceRegistry
    /// Who may certify which star levels, validity and notice periods.
    public var certificationPolicy: CertificationPolicy
    /// The documents of a dossier, one list per rules version (criteria set id).
    public var dossierChecklists: [DossierChecklist]
    /// The statutory steps of a dossier with their days, and the council's quorum.
    public var dossierProcedure: DossierProcedure

    public init(classifications: [ClassificationVersion], criteriaSets: [CriteriaSet], provinces: ProvinceRegistry,
                certificationPolicy: CertificationPolicy = .standard,
                dossierChecklists: [DossierChecklist] = [.qd148_2023, .qd1048_2019],
                dossierProcedure: DossierProcedure = .twoLevel2025) {
        self.classifications = classifications
        self.criteriaSets = criteriaSets
        self.provinces = provinces
        self.certificationPolicy = certificationPolicy
        self.dossierChecklists = dossierChecklists
        self.dossierProcedure = dossierProcedure
    }

    /// The built-in data: classifications QD148-2023 and QD1048-2019, criteria sets of the same
    /// ids, the 2025 provinces with the 63 → 34 merger, the standard certification policy, the
    /// dossier checklists of both rules versions and the 2025 two-level procedure.
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

    /// The documents a dossier under `rules` (a criteria set id) holds, or `nil`.
    public func dossierChecklist(rules: String) -> DossierChecklist? {
        dossierChecklists.first { $0.rules == rules }
    }

    /// Problems in all the data (see the parts' `consistencyProblems()`), plus criteria sets
    /// naming unknown classification versions, dossier checklists of unknown rules or with
    /// repeated codes, and steps without days. Empty for good data.
    public func consistencyProblems() -> [String] {
        var problems = classifications.flatMap { $0.consistencyProblems() } + criteriaSets.flatMap { $0.consistencyProblems() }
        for set in criteriaSets where classification(version: set.classificationVersion) == nil {
            problems.append("\(set.id): unknown classification version \(set.classificationVersion)")
        }
        for checklist in dossierChecklists {
            if criteriaSet(id: checklist.rules) == nil { problems.append("dossier checklist \(checklist.rules): unknown criteria set") }
            if Set(checklist.codes).count != checklist.codes.count { problems.append("dossier checklist \(checklist.rules): a document code appears twice") }
            if !checklist.documents.contains(where: \.isRequired) { problems.append("dossier checklist \(checklist.rules): no required document") }
        }
        for step in dossierProcedure.steps where step.days < 1 {
            problems.append("dossier step \(step.code): \(step.days) days")
        }
        if dossierProcedure.minimumSheets < 1 { problems.append("dossier procedure: a quorum of \(dossierProcedure.minimumSheets) sheets") }
        return problems
    }
}
