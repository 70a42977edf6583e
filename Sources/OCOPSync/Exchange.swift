/// What a push and a pull exchange, one set of values for every side: the replica that builds
/// a batch and applies a page, the store that merges and serves them, the in-process channel,
/// and the network client and daemon (which only translate them to and from wire messages).

/// A pushed batch of local changes covering counters `firstCounter...lastCounter`, written
/// under schema version `schemaVersion`; it may also carry conflict records the server lacks.
public struct PushBatch: Sendable, Equatable {
    public var schemaVersion: UInt32
    public var firstCounter: UInt64
    public var lastCounter: UInt64
    public var changes: [RowChange]
    public var conflicts: [ConflictRecord]

    public init(schemaVersion: UInt32, firstCounter: UInt64, lastCounter: UInt64, changes: [RowChange],
                conflicts: [ConflictRecord]) {
        self.schemaVersion = schemaVersion
        self.firstCounter = firstCounter
        self.lastCounter = lastCounter
        self.changes = changes
        self.conflicts = conflicts
    }
}

/// One refused change of a push.
public struct RefusedChange: Sendable, Equatable {
    public var index: Int
    public var table: String
    public var key: SyncValue
    public var code: RejectionCode
    public var message: String

    public init(index: Int, table: String, key: SyncValue, code: RejectionCode, message: String) {
        self.index = index
        self.table = table
        self.key = key
        self.code = code
        self.message = message
    }
}

/// The acknowledgement of a push, sent only after the merge is durably committed.
public struct PushResult: Sendable, Equatable {
    public var acknowledgedThrough: UInt64
    public var applied: Int
    public var alreadySeen: Int
    public var conflicts: Int
    public var refused: [RefusedChange]

    /// Every field, so that a backend in another module can return one.
    public init(acknowledgedThrough: UInt64, applied: Int, alreadySeen: Int, conflicts: Int, refused: [RefusedChange]) {
        self.acknowledgedThrough = acknowledgedThrough
        self.applied = applied
        self.alreadySeen = alreadySeen
        self.conflicts = conflicts
        self.refused = refused
    }
}

/// A page of the feed for one principal, and where the next one starts.
public struct PullResult: Sendable, Equatable {
    public var changes: [RowChange]
    public var conflicts: [ConflictRecord]
    public var nextCursor: UInt64
    public var hasMore: Bool

    /// Every field, so that a backend in another module can return one.
    public init(changes: [RowChange], conflicts: [ConflictRecord], nextCursor: UInt64, hasMore: Bool) {
        self.changes = changes
        self.conflicts = conflicts
        self.nextCursor = nextCursor
        self.hasMore = hasMore
    }
}
