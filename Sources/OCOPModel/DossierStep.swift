/// One statutory step of the dossier procedure: who acts, at which stage the dossier waits for
/// them, and how many days the step may take before the dossier counts as overdue.
public struct DossierStep: Sendable, Hashable, Codable {
    /// Stable code, e.g. `commune_check`.
    public var code: String
    /// What happens in the step.
    public var name: BilingualText
    /// Who acts, e.g. the commune's People's Committee.
    public var actor: BilingualText
    /// The stage a dossier is at while this step is under way.
    public var stage: Dossier.Stage
    /// Calendar days the step may take, counted from the day it starts (the date of the stage:
    /// `received_on`, `checked_on`, `sent_on`). A dossier is overdue from the day after.
    public var days: Int
    /// The legal basis of the step, and of its days (or that the days are our choice).
    public var source: String

    public init(code: String, name: BilingualText, actor: BilingualText, stage: Dossier.Stage, days: Int, source: String) {
        self.code = code
        self.name = name
        self.actor = actor
        self.stage = stage
        self.days = days
        self.source = source
    }
}
