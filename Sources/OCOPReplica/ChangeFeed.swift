import Foundation
import GRDB
import OCOPSync

/// Where a replica's changes are numbered for others to pull.
///
/// A province replica has none: it only pushes. The national store numbers every row change
/// and every conflict record in one feed, with the province each row belongs to and the replica
/// whose push made the change (so it is not sent back); that logic is the server's and lives
/// with the store (`NationalChangeFeed` in OCOPStore), which hands it to the sync engine here.
///
/// A store with a feed also decides where a row's metadata is found from its key: the sync
/// engine reads and writes it only through ``storedMetadata(_:_:keys:)`` and
/// ``recordRowChange(_:_:pk:meta:isDeleted:echo:owner:previousPosition:storage:directory:)``.
package protocol ChangeFeed: Sendable {
    /// Adds what the feed keeps with a synced table's rows (run when the table is created and by
    /// the migration that introduced it; must be idempotent).
    func install(_ db: Database, _ table: SyncedTable) throws

    /// Brings the rows of a store written before the feed kept their positions in the rows
    /// (December 2026) to that layout; run once, by a migration.
    func upgrade(_ db: Database, tables: [SyncedTable]) throws

    /// The stored metadata and feed position of the rows of `table` with these keys (at most a
    /// few hundred); keys without metadata are absent.
    func storedMetadata(_ db: Database, _ table: SyncedTable, keys: [DatabaseValue]) throws -> [DatabaseValue: StoredMetadata]

    /// Stores `meta` (a row's encoded metadata) together with the row's new feed position, and
    /// returns that position.
    ///
    /// - Parameters:
    ///   - echo: the replica whose push left the row exactly as it has it (nil for local writes).
    ///   - owner: the row's `tenant_id` value when the caller knows it (nil: read it from the row).
    ///   - previousPosition: the row's position before this change, as ``storedMetadata(_:_:keys:)``
    ///     gave it (nil for a row new to the store).
    func recordRowChange(
        _ db: Database, _ table: SyncedTable, pk: DatabaseValue, meta: Data, isDeleted: Bool, echo: ReplicaID?, owner: SyncValue?,
        previousPosition: Int64?, storage: SyncStorage, directory: inout ReplicaDirectory
    ) throws -> Int64

    /// Gives a conflict record that was just added its feed position.
    func recordNewConflict(_ db: Database, _ conflict: ConflictRecord, directory: inout ReplicaDirectory) throws
}

/// A row's metadata as stored, not yet decoded, with its feed position.
package struct StoredMetadata: Sendable {
    package var bytes: Data
    package var position: Int64

    package init(bytes: Data, position: Int64) {
        self.bytes = bytes
        self.position = position
    }
}
