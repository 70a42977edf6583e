/// The one merge of OCOP Sync, used by province replicas and by the central store alike.
///
/// Rules, for one row:
/// - **Already seen**: if the incoming version vector is covered by the local one, nothing
///   changes (so a re-sent batch is a no-op).
/// - **Each column is a register** that keeps the write with the greatest ``Stamp`` (hybrid clock,
///   then replica id, then counter). Hybrid clocks make a write that has seen another write carry
///   a greater stamp, so a strictly newer change always wins and concurrent writes get one
///   deterministic winner. Columns only one side changed therefore merge cleanly.
/// - **Conflicts**: when both sides wrote a column without seeing each other's write and the
///   values differ, the losing write is returned as a ``ConflictRecord`` (``ConflictRecord/Kind/concurrentUpdate``).
/// - **Deletes** are writes to the row's existence register. Update versus concurrent delete:
///   the delete wins (the row stays deleted, unless a later insert revives it); the concurrent
///   update is still applied to the deleted row's stored values and is returned as a
///   ``ConflictRecord/Kind/updateOfDeletedRow`` record, so nothing is lost and a revival sees it.
///   Insert versus concurrent delete of the same key is a conflict on the existence register.
///
/// The result is a join: commutative, associative and idempotent on states, so replicas that
/// have seen the same changes hold the same state whatever order they arrived in.
public enum Merge {
    /// What merging an incoming row state into a local one produced.
    public struct Outcome: Sendable {
        /// The merged state.
        public var state: RowState
        /// Columns whose value or stamp now comes from the incoming side.
        public var changedColumns: [String]
        /// Whether the existence register changed.
        public var existenceChanged: Bool
        /// Losing writes to record.
        public var conflicts: [ConflictRecord]
        /// True when the incoming state had nothing new (already seen).
        public var isNoop: Bool {
            changedColumns.isEmpty && !existenceChanged && !versionVectorChanged
        }
        /// Whether the version vector grew.
        public var versionVectorChanged: Bool
    }

    /// Merges `incoming` into `local` (nil when the row is unknown locally).
    public static func merge(local: RowState?, incoming: RowState, table: String, key: SyncValue) -> Outcome {
        guard let local else {
            return Outcome(
                state: incoming, changedColumns: incoming.columns.keys.sorted(),
                existenceChanged: incoming.existence != nil, conflicts: [], versionVectorChanged: !incoming.versionVector.isEmpty
            )
        }
        if incoming.versionVector.isCovered(by: local.versionVector) {
            return Outcome(state: local, changedColumns: [], existenceChanged: false, conflicts: [], versionVectorChanged: false)
        }

        var merged = local
        var conflicts: [ConflictRecord] = []
        var changedColumns: [String] = []
        let localVV = local.versionVector
        let incomingVV = incoming.versionVector

        // Existence register.
        var existenceChanged = false
        var existenceFromIncoming = false
        if let remote = incoming.existence {
            if let mine = local.existence, mine.stamp != remote.stamp {
                let remoteWins = remote.stamp > mine.stamp
                let loser = remoteWins ? mine : remote
                let winnerVV = remoteWins ? incomingVV : localVV
                if loser.isDeleted != (remoteWins ? remote : mine).isDeleted, !winnerVV.contains(loser.stamp.dot) {
                    conflicts.append(ConflictRecord(
                        table: table, key: key, column: ConflictRecord.existenceColumn, kind: .concurrentUpdate,
                        losingValue: .integer(loser.isDeleted ? 0 : 1), losingStamp: loser.stamp
                    ))
                }
                if remoteWins {
                    merged.existence = remote
                    existenceChanged = true
                    existenceFromIncoming = true
                }
            } else if local.existence == nil {
                merged.existence = remote
                existenceChanged = true
                existenceFromIncoming = true
            }
        }

        // Column registers, in name order so conflict records come out in a stable order.
        for name in incoming.columns.keys.sorted() {
            let remote = incoming.columns[name]!
            guard let mine = local.columns[name] else {
                merged.columns[name] = remote
                changedColumns.append(name)
                continue
            }
            if mine.stamp == remote.stamp { continue }
            let remoteWins = remote.stamp > mine.stamp
            let loser = remoteWins ? mine : remote
            let winner = remoteWins ? remote : mine
            let winnerVV = remoteWins ? incomingVV : localVV
            if loser.value != winner.value, !winnerVV.contains(loser.stamp.dot) {
                conflicts.append(ConflictRecord(
                    table: table, key: key, column: name, kind: .concurrentUpdate,
                    losingValue: loser.value, losingStamp: loser.stamp
                ))
            }
            if remoteWins {
                merged.columns[name] = remote
                changedColumns.append(name)
            }
        }

        // Update versus concurrent delete: an update the deleter never saw, kept on a deleted row.
        if let existence = merged.existence, existence.isDeleted {
            let deleterVV = existenceFromIncoming ? incomingVV : localVV
            let otherVV = existenceFromIncoming ? localVV : incomingVV
            let otherColumns = existenceFromIncoming ? local.columns : incoming.columns
            let deleterColumns = existenceFromIncoming ? incoming.columns : local.columns
            for name in otherColumns.keys.sorted() {
                let write = otherColumns[name]!
                guard merged.columns[name] == write, deleterColumns[name] != write else { continue }
                if !deleterVV.contains(write.stamp.dot), !otherVV.contains(existence.stamp.dot) {
                    conflicts.append(ConflictRecord(
                        table: table, key: key, column: name, kind: .updateOfDeletedRow,
                        losingValue: write.value, losingStamp: write.stamp
                    ))
                }
            }
        }

        merged.versionVector.formUnion(incomingVV)
        return Outcome(
            state: merged, changedColumns: changedColumns, existenceChanged: existenceChanged,
            conflicts: conflicts, versionVectorChanged: merged.versionVector != localVV
        )
    }
}
