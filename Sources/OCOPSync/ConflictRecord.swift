/// A write that lost to a concurrent write, kept so the central office can review it.
///
/// A record names only the losing write, never the winner, so replicas that see the same
/// concurrent writes in different orders record the same facts. Records form a grow-only set
/// that replicas exchange with their changes; the set is identical wherever the same changes
/// have been seen.
public struct ConflictRecord: Hashable, Sendable {
    public enum Kind: UInt8, Sendable, CaseIterable {
        /// Two replicas wrote the same column without seeing each other's write.
        case concurrentUpdate = 1
        /// A column was updated while another replica, unaware of the update, deleted the row.
        case updateOfDeletedRow = 2
    }

    /// The pseudo-column name under which existence (insert versus delete) conflicts are recorded.
    public static let existenceColumn = "_exists"

    public var table: String
    public var key: SyncValue
    public var column: String
    public var kind: Kind
    /// The value that lost (for existence conflicts: 1 for "exists", 0 for "deleted").
    public var losingValue: SyncValue
    public var losingStamp: Stamp

    public init(table: String, key: SyncValue, column: String, kind: Kind, losingValue: SyncValue, losingStamp: Stamp) {
        self.table = table
        self.key = key
        self.column = column
        self.kind = kind
        self.losingValue = losingValue
        self.losingStamp = losingStamp
    }

    /// The replica whose write lost.
    public var origin: ReplicaID { losingStamp.dot.replica }
}
