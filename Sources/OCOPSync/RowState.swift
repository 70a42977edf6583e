/// A value written to one column, with the stamp of the write that put it there.
public struct ColumnWrite: Hashable, Sendable {
    public var value: SyncValue
    public var stamp: Stamp

    public init(value: SyncValue, stamp: Stamp) {
        self.value = value
        self.stamp = stamp
    }
}

/// Whether a row exists: written by inserts (false) and deletes (true).
///
/// Existence is a register like any column, so a delete is a write (a tombstone) and a later
/// insert of the same key revives the row.
public struct Existence: Hashable, Sendable {
    public var isDeleted: Bool
    public var stamp: Stamp

    public init(isDeleted: Bool, stamp: Stamp) {
        self.isDeleted = isDeleted
        self.stamp = stamp
    }
}

/// What one holder knows of one row: its version vector, existence, and each column's last write.
///
/// A state may be partial: a delta carries only the columns the receiver may not know yet, and
/// the receiver keeps its own value for every column the delta leaves out.
public struct RowState: Hashable, Sendable {
    public var versionVector: VersionVector
    public var existence: Existence?
    public var columns: [String: ColumnWrite]

    public init(versionVector: VersionVector = .empty, existence: Existence? = nil, columns: [String: ColumnWrite] = [:]) {
        self.versionVector = versionVector
        self.existence = existence
        self.columns = columns
    }

    /// Whether the row is present in its table (inserted and not deleted since).
    public var isVisible: Bool { existence?.isDeleted == false }

    /// Records a local write by `stamp` of the given column values (an insert or an update).
    public mutating func recordWrite(_ values: [String: SyncValue], stamp: Stamp, insert: Bool) {
        versionVector.add(stamp.dot)
        if insert { existence = Existence(isDeleted: false, stamp: stamp) }
        for (column, value) in values { columns[column] = ColumnWrite(value: value, stamp: stamp) }
    }

    /// Records a local delete by `stamp`.
    public mutating func recordDelete(stamp: Stamp) {
        versionVector.add(stamp.dot)
        existence = Existence(isDeleted: true, stamp: stamp)
    }

    /// The same state restricted to the given columns (a delta for a receiver that knows the rest).
    public func restricted(to columnNames: some Sequence<String>, includeExistence: Bool) -> RowState {
        var result = RowState(versionVector: versionVector, existence: includeExistence ? existence : nil)
        for name in columnNames { if let write = columns[name] { result.columns[name] = write } }
        return result
    }
}

/// One row's change as replicas exchange it.
public struct RowChange: Hashable, Sendable {
    public var table: String
    public var key: SyncValue
    public var state: RowState

    public init(table: String, key: SyncValue, state: RowState) {
        self.table = table
        self.key = key
        self.state = state
    }
}
