import Foundation
import Logging
import OCOPModel
import OCOPReplica
import OCOPSync

/// The acknowledgement of one push as it is counted, whatever the backend: applied, already
/// seen, conflicts, and refusals with their codes. Written once so that a province is told the
/// same thing by every store.
package struct PushTally {
    package private(set) var result: PushResult
    /// Rows whose change was refused (a conflict record about one is refused with it).
    private var refusedRows = Set<String>()

    /// Starts the count; the acknowledgement never moves backwards, whatever a client sends.
    package init(_ batch: PushBatch, previouslyAcknowledged: UInt64) {
        result = PushResult(
            acknowledgedThrough: max(batch.lastCounter, previouslyAcknowledged), applied: 0, alreadySeen: 0, conflicts: 0, refused: []
        )
    }

    /// Counts the merge results of the batch's changes. A failure that is about the data is a
    /// refusal; anything else (busy, full disk, a database restarting) is thrown, so the whole
    /// push is rolled back and the province sends it again later.
    ///
    /// - Parameter dataProblem: the refusal message for a backend error that is about the row,
    ///   or nil when the error is the database's trouble.
    package mutating func count(
        _ outcomes: [Result<Merge.Outcome, any Error>], of batch: PushBatch, storage: SyncStorage,
        dataProblem: (any Error) -> String? = { _ in nil }
    ) throws {
        for (index, outcome) in outcomes.enumerated() {
            let change = batch.changes[index]
            switch outcome {
            case .success(let merged):
                if merged.isNoop { result.alreadySeen += 1 } else { result.applied += 1 }
                result.conflicts += merged.conflicts.count
            case .failure(let refusal as Refusal):
                refuse(index, change, refusal.code, refusal.message)
            case .failure(let error as ReplicaError) where error.code == .invalidChange:
                refuse(index, change, storage.table(named: change.table) == nil ? .unknownTable : .unknownColumn, error.message)
            case .failure(let error as ReplicaError) where error.code == .corrupt:
                // One row's damaged metadata refuses its own change, named, and no other.
                refuse(index, change, .other, error.message)
            case .failure(let error):
                guard let message = dataProblem(error) else { throw error }
                refuse(index, change, .other, "\(change.table) row: \(message)")
            }
        }
    }

    private mutating func refuse(_ index: Int, _ change: RowChange, _ code: RejectionCode, _ message: String) {
        result.refused.append(RefusedChange(index: index, table: change.table, key: change.key, code: code, message: message))
        refusedRows.insert("\(change.table)\u{0}\(change.key)")
    }

    /// Checks a conflict record the province sent (number `offset` after the changes): the table
    /// it names that the store knows, or nil when it is refused (and counted as such). Whether
    /// the province may see the row is the caller's to check next.
    package mutating func admit(_ conflict: ConflictRecord, offset: Int, of batch: PushBatch, storage: SyncStorage) -> SyncedTable? {
        let index = batch.changes.count + offset
        let row = Self.describe(conflict)
        if refusedRows.contains("\(conflict.table)\u{0}\(conflict.key)") {
            refuseConflict(index, conflict, .invalidData, "\(row): its row's change was refused in the same push")
            return nil
        }
        guard let table = storage.table(named: conflict.table) else {
            refuseConflict(index, conflict, .unknownTable, "\(row): unknown table \(conflict.table)")
            return nil
        }
        guard table.schema.column(named: conflict.column) != nil else {
            refuseConflict(index, conflict, .unknownColumn, "\(row): unknown column \(conflict.column)")
            return nil
        }
        return table
    }

    /// Refuses conflict record number `offset` because its row belongs to another province.
    package mutating func refuseForeign(_ conflict: ConflictRecord, offset: Int, of batch: PushBatch) {
        refuseConflict(batch.changes.count + offset, conflict, .forbiddenTenant,
                       "\(Self.describe(conflict)): the row belongs to another province, or does not exist")
    }

    private mutating func refuseConflict(_ index: Int, _ conflict: ConflictRecord, _ code: RejectionCode, _ message: String) {
        result.refused.append(RefusedChange(index: index, table: conflict.table, key: conflict.key, code: code, message: message))
    }

    private static func describe(_ conflict: ConflictRecord) -> String {
        "conflict record on \(conflict.table) row \(ChangePolicy.describe(conflict.key)) column \(conflict.column)"
    }
}

extension ChangePolicy {
    /// The refusal of a row the model's rules find invalid, naming every field at fault.
    package static func invalidData(_ change: RowChange, _ problems: [ValidationError]) -> Refusal {
        Refusal(code: .invalidData, message: "\(change.table) row \(describe(change.key)): \(problems.map { "\($0.field): \($0.reason)" }.joined(separator: "; "))")
    }

    /// Refuses a pull cursor no server ever gave (cursors are below 2^63).
    package static func checkCursor(_ cursor: UInt64) throws {
        guard cursor <= UInt64(Int64.max) else {
            throw StoreError(.invalidArgument, "cursor \(cursor) was never given by this server (cursors are below 2^63); pull from 0 or from the last nextCursor")
        }
    }
}

extension Logger {
    /// A push slower than this is logged: on SQLite it holds the single writer, so every
    /// province waits; on PostgreSQL it holds its rows' locks.
    static let slowPushThreshold: Duration = .seconds(2)
    /// Refused changes logged one by one per push; the rest are counted.
    static let refusalsLogged = 20

    /// Logs what an operator needs to know about a push, the same for every backend: a slow
    /// push, and the changes it refused with their reasons.
    package func logPush(_ batch: PushBatch, _ result: PushResult, from principal: Principal, elapsed: Duration) {
        if elapsed > Self.slowPushThreshold {
            notice("slow push", metadata: [
                "replica": "\(principal.replica)", "changes": "\(batch.changes.count)", "applied": "\(result.applied)",
                "seconds": "\(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)",
            ])
        }
        for refusal in result.refused.prefix(Self.refusalsLogged) {
            warning("change refused", metadata: [
                "replica": "\(principal.replica)", "table": "\(refusal.table)", "code": "\(refusal.code)", "reason": "\(refusal.message)",
            ])
        }
        if result.refused.count > Self.refusalsLogged {
            warning("more changes refused", metadata: ["replica": "\(principal.replica)", "count": "\(result.refused.count - Self.refusalsLogged)"])
        }
    }
}
