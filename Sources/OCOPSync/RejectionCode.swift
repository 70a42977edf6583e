/// Why the server refused one change of a push (the PUSH_ACK reason codes of `Protocol/SPEC.md`).
/// The change is parked on the client for the user to fix and never blocks the changes behind it.
public enum RejectionCode: UInt16, Sendable, CaseIterable, CustomStringConvertible {
    /// The credentials may not write this row: another province's row, moving a row to another
    /// province, or a decision only the central office takes (5★).
    case forbiddenTenant = 1
    /// A value is missing, of the wrong type, or breaks a rule of the OCOP data model.
    case invalidData = 2
    /// The table is not part of the schema version the batch was written under.
    case unknownTable = 3
    /// A column is not part of the table in that schema version.
    case unknownColumn = 4
    /// The table is written by the central office only.
    case readOnlyTable = 5
    /// Anything else, for example the server could not store the change; retry later.
    case other = 0xFFFF

    public var description: String {
        switch self {
        case .forbiddenTenant: return "forbidden"
        case .invalidData: return "invalid data"
        case .unknownTable: return "unknown table"
        case .unknownColumn: return "unknown column"
        case .readOnlyTable: return "read-only table"
        case .other: return "other"
        }
    }
}
