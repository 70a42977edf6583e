import Foundation
import OCOPSync

/// How the central office settles a conflict.
public enum ConflictChoice: Sendable, Hashable {
    /// Keep the value in the row (the merge's winner): nothing is written.
    case winner
    /// Write the losing value back as a central decision.
    case loser
    /// Write a new value (text, converted to the column's type).
    case value(String)

    /// The word recorded with a resolution.
    public var label: String {
        switch self {
        case .winner: return "winner"
        case .loser: return "loser"
        case .value: return "value"
        }
    }
}

/// A resolution recorded by the central office (`_central_resolutions`, local to the national
/// dataset: the decision itself syncs as the row write it made).
public struct ConflictResolution: Sendable, Hashable {
    public var choice: String
    public var value: SyncValue
    public var resolvedAt: String

    /// Every field, so that a backend in another module can return one.
    public init(choice: String, value: SyncValue, resolvedAt: String) {
        self.choice = choice
        self.value = value
        self.resolvedAt = resolvedAt
    }
}

/// One recorded conflict with both sides, as the central office reviews it.
public struct ConflictItem: Sendable, Hashable {
    /// A stable id (16 hex digits) derived from the conflict's identity.
    public var id: String
    public var table: String
    public var key: SyncValue
    public var column: String
    public var kind: ConflictRecord.Kind
    public var losingValue: SyncValue
    public var losingOrigin: ReplicaID
    /// The province code (or `central`) the losing replica syncs as, if known.
    public var losingOriginLabel: String
    public var losingTime: HLC
    /// The losing write's dot counter (with ``losingOrigin``, its identity).
    public var losingCounter: UInt64
    /// The value in the row now (for `_exists`: 1 visible, 0 deleted), nil if unknown.
    public var winningValue: SyncValue?
    public var winningOrigin: ReplicaID?
    public var winningOriginLabel: String?
    public var winningTime: HLC?
    /// The province owning the row (tenant-scoped tables).
    public var tenantID: UUID?
    public var resolution: ConflictResolution?

    public var isExistenceConflict: Bool { column == ConflictRecord.existenceColumn }

    /// Every field, so that a backend in another module can return one.
    public init(id: String, table: String, key: SyncValue, column: String, kind: ConflictRecord.Kind, losingValue: SyncValue,
                losingOrigin: ReplicaID, losingOriginLabel: String, losingTime: HLC, losingCounter: UInt64,
                winningValue: SyncValue? = nil, winningOrigin: ReplicaID? = nil, winningOriginLabel: String? = nil,
                winningTime: HLC? = nil, tenantID: UUID? = nil, resolution: ConflictResolution? = nil) {
        self.id = id
        self.table = table
        self.key = key
        self.column = column
        self.kind = kind
        self.losingValue = losingValue
        self.losingOrigin = losingOrigin
        self.losingOriginLabel = losingOriginLabel
        self.losingTime = losingTime
        self.losingCounter = losingCounter
        self.winningValue = winningValue
        self.winningOrigin = winningOrigin
        self.winningOriginLabel = winningOriginLabel
        self.winningTime = winningTime
        self.tenantID = tenantID
        self.resolution = resolution
    }
}

/// Errors of conflict review and central decisions the user can act on.
public struct CentralError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: Sendable, Equatable { case notFound, badData }
    public let code: Code
    public let message: String
    public var description: String { message }
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}

