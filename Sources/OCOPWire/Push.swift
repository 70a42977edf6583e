import OCOPSync

/// PUSH (client → server): local changes with counters `firstCounter...lastCounter`.
public struct Push: Hashable, Sendable {
    /// The schema version the changes were written under.
    public var schemaVersion: UInt32
    /// First and last local change counter this push covers.
    public var firstCounter: UInt64
    public var lastCounter: UInt64
    public var changes: [RowChange]
    public var conflicts: [ConflictRecord]

    public init(schemaVersion: UInt32, firstCounter: UInt64, lastCounter: UInt64, changes: [RowChange], conflicts: [ConflictRecord] = []) {
        self.schemaVersion = schemaVersion
        self.firstCounter = firstCounter
        self.lastCounter = lastCounter
        self.changes = changes
        self.conflicts = conflicts
    }
}
