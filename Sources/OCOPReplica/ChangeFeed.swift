import Foundation
import GRDB
import OCOPSync

/// Where a replica's changes are numbered for others to pull.
///
/// A province replica has none: it only pushes. The national store numbers every row change
/// and every conflict record in one feed, with the province each row belongs to and the replica
/// whose push made the change (so it is not sent back); that logic is the server's and lives
/// with the store (`NationalChangeFeed` in OCOPStore), which hands it to the sync engine here.
package protocol ChangeFeed: Sendable {
    /// Stores `meta` (a row's encoded metadata) together with the row's new feed position.
    ///
    /// - Parameters:
    ///   - echo: the replica whose push left the row exactly as it has it (nil for local writes).
    ///   - owner: the row's `tenant_id` value when the caller knows it (nil: read it from the row).
    func recordRowChange(
        _ db: Database, _ table: SyncedTable, pk: DatabaseValue, meta: Data, isDeleted: Bool, echo: ReplicaID?, owner: SyncValue?,
        storage: SyncStorage, directory: inout ReplicaDirectory
    ) throws

    /// Gives a conflict record that was just added its feed position.
    func recordNewConflict(_ db: Database, _ conflict: ConflictRecord, directory: inout ReplicaDirectory) throws
}
