/// When a dossier's current step started and the last day it may take.
public struct DossierDeadline: Sendable, Hashable {
    public var step: DossierStep
    public var startedOn: LocalDate
    /// The last day of the step (start + the step's days).
    public var dueOn: LocalDate

    public init(step: DossierStep, startedOn: LocalDate, dueOn: LocalDate) {
        self.step = step
        self.startedOn = startedOn
        self.dueOn = dueOn
    }

    /// Days past `dueOn` on `date` (0 on or before it).
    public func daysLate(on date: LocalDate) -> Int {
        max(0, dueOn.days(to: date))
    }
}
