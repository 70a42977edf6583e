/// One measured figure, printed as `name=value` so scripts can read it.
struct Figure: Sendable {
    var name: String
    var value: Double
    /// What was measured, in a few words (printed as a comment line).
    var note: String
}
