import OCOPSync

/// CHANGES (server → client): the answer to a PULL.
public struct Changes: Hashable, Sendable {
    /// The schema version the changes are expressed in.
    public var schemaVersion: UInt32
    /// The cursor to send in the next PULL once these changes are durably applied.
    public var nextCursor: UInt64
    /// Whether more changes are waiting after ``nextCursor``.
    public var hasMore: Bool
    public var changes: [RowChange]
    public var conflicts: [ConflictRecord]

    public init(schemaVersion: UInt32, nextCursor: UInt64, hasMore: Bool, changes: [RowChange], conflicts: [ConflictRecord] = []) {
        self.schemaVersion = schemaVersion
        self.nextCursor = nextCursor
        self.hasMore = hasMore
        self.changes = changes
        self.conflicts = conflicts
    }
}
