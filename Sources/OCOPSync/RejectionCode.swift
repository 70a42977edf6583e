/// Why the server refused one change of a push. Carried in the acknowledgement; the change is
/// parked on the client for the user to fix and never blocks the changes behind it.
public enum RejectionCode: UInt16, Sendable, CaseIterable, CustomStringConvertible {
    /// The table or a column is not part of the schema version the batch was written under.
    case unknownTableOrColumn = 1
    /// The credentials may not write this row (another province's row, a central-only table,
    /// moving a row to another province, a 5★ decision by a province).
    case forbidden = 2
    /// A value is missing, of the wrong type, or breaks a rule of the OCOP data model.
    case invalidData = 3
    /// The server could not store the change (a bug or a full disk); retry later.
    case storageFailure = 4

    public var description: String {
        switch self {
        case .unknownTableOrColumn: return "unknown table or column"
        case .forbidden: return "forbidden"
        case .invalidData: return "invalid data"
        case .storageFailure: return "storage failure"
        }
    }
}
