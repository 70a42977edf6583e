/// Why the server refused one change of a push (the PUSH_ACK reason codes of `Protocol/SPEC.md`).
/// The change is parked on the client for the user to fix and never blocks the changes behind it.
///
/// An open set, as the spec requires ("unknown codes MUST be accepted"): a code this version
/// does not know, from a newer server, is kept as it came and shown by number.
public struct RejectionCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16

    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// The credentials may not write this row: another province's row, moving a row to another
    /// province, or a decision only the central office takes (5★).
    public static let forbiddenTenant = RejectionCode(rawValue: 1)
    /// A value is missing, of the wrong type, or breaks a rule of the OCOP data model.
    public static let invalidData = RejectionCode(rawValue: 2)
    /// The table is not part of the schema version the batch was written under.
    public static let unknownTable = RejectionCode(rawValue: 3)
    /// A column is not part of the table in that schema version.
    public static let unknownColumn = RejectionCode(rawValue: 4)
    /// The table is written by the central office only.
    public static let readOnlyTable = RejectionCode(rawValue: 5)
    /// Anything else, for example the server could not store the change; retry later.
    public static let other = RejectionCode(rawValue: 0xFFFF)

    /// The codes this version knows.
    public static let known: [RejectionCode] = [.forbiddenTenant, .invalidData, .unknownTable, .unknownColumn, .readOnlyTable, .other]

    public var description: String {
        switch self {
        case .forbiddenTenant: return "forbidden"
        case .invalidData: return "invalid data"
        case .unknownTable: return "unknown table"
        case .unknownColumn: return "unknown column"
        case .readOnlyTable: return "read-only table"
        case .other: return "other"
        default: return "code \(rawValue)"
        }
    }
}
