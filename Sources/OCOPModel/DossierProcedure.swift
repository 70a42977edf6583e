/// How dossiers move through the administration: the statutory steps with the days each may
/// take, and the council's quorum. The procedure of the two-level administration of 2025 is
/// ``twoLevel2025`` (in `DossierRules-Builtin.swift`, with its sources).
public struct DossierProcedure: Sendable, Hashable, Codable {
    /// The procedure's name and legal basis, e.g. `148/QĐ-TTg as amended by 1489/QĐ-TTg`.
    public var name: String
    public var effectiveFrom: LocalDate
    /// The steps, in order.
    public var steps: [DossierStep]
    /// The fewest members' score sheets a council decides with.
    public var minimumSheets: Int
    /// Where the quorum comes from, and why this number.
    public var quorumSource: String

    public init(name: String, effectiveFrom: LocalDate, steps: [DossierStep], minimumSheets: Int, quorumSource: String) {
        self.name = name
        self.effectiveFrom = effectiveFrom
        self.steps = steps
        self.minimumSheets = minimumSheets
        self.quorumSource = quorumSource
    }

    /// The step a dossier is in: the one for its stage, or `nil` when no office owes it anything
    /// (returned to the producer, decided, withdrawn, or proposed to the central office for 5★).
    public func currentStep(of dossier: Dossier) -> DossierStep? {
        if dossier.isProposedToCentralOffice { return nil }
        return steps.first { $0.stage == dossier.stage }
    }

    /// The current step's deadline, or `nil` if the dossier is in no step.
    public func deadline(of dossier: Dossier) -> DossierDeadline? {
        guard let step = currentStep(of: dossier), let started = dossier.stageDate,
              let due = try? started.adding(days: step.days) else { return nil }
        return DossierDeadline(step: step, startedOn: started, dueOn: due)
    }
}
