import Foundation
import GRDB
import OCOPModel
import OCOPSync

/// How an officer settles a conflict the sync recorded on this replica.
package enum ConflictReviewChoice: String, Sendable {
    /// The row keeps the value it holds (the merge's winner); the conflict leaves the queue.
    case keepCurrent = "keep"
    /// The losing value is written back as a new local change, which then syncs like any edit.
    case takeOther = "take"
}

extension ConflictRecord {
    /// A stable name for one conflict: its row, column and the losing write's dot.
    package var reviewKey: String {
        "\(table)/\(key)/\(column)/\(losingStamp.dot.replica)/\(losingStamp.dot.counter)"
    }
}

extension Replica {
    /// Conflicts no officer has settled yet in the workspace, oldest first.
    package func conflictsToReview() throws -> [ConflictRecord] {
        let reviewed = try read { db in Set(try String.fetchAll(db, sql: "SELECT conflict FROM _workspace_conflict_reviews")) }
        return try conflicts().filter { !reviewed.contains($0.reviewKey) }
    }

    /// Settles `conflict`: keeps the row as it is, or writes the losing value back as a local
    /// change (checked like any write of the row: a value the row can no longer take is
    /// refused with the model's reasons and nothing is written). Either way the officer and
    /// the choice are recorded, and the row's history says so.
    package func review(_ conflict: ConflictRecord, choice: ConflictReviewChoice, by user: String,
                        reference: ReferenceData = .standard) throws {
        guard let schema = OCOPSchema.table(named: conflict.table) else {
            throw ReplicaError(code: .invalidArgument, message: "\(conflict.table) is not a synced table")
        }
        if choice == .takeOther {
            guard conflict.column != ConflictRecord.existenceColumn, schema.columnNames.contains(conflict.column) else {
                throw ReplicaError(code: .invalidArgument, message: "a deleted or re-created row is settled by editing or deleting the row itself")
            }
        }
        try write { db in
            if choice == .takeOther {
                try db.execute(sql: "UPDATE \"\(schema.name)\" SET \"\(conflict.column)\" = ? WHERE id = ?",
                               arguments: [conflict.losingValue.databaseValue, conflict.key.databaseValue])
                guard db.changesCount == 1 else {
                    throw ReplicaError(code: .invalidArgument, message: "the row of this conflict is no longer in this replica")
                }
                let problems = try StoredRowValidation.problems(db, table: schema.name, key: conflict.key.databaseValue, reference: reference)
                // Thrown inside the transaction: the update is rolled back.
                if !problems.isEmpty { throw ValidationErrors(problems) }
            }
            try db.execute(sql: "INSERT OR REPLACE INTO _workspace_conflict_reviews (conflict, user, at, choice) VALUES (?, ?, ?, ?)",
                           arguments: [conflict.reviewKey, user, Date().timeIntervalSince1970, choice.rawValue])
            if let id = UUID(uuidString: conflict.key.displayText) {
                try Self.recordWorkspaceWrite(db, user: user, table: schema.name, key: id,
                                              action: choice == .takeOther ? "conflictTookOther" : "conflictKept", fields: [conflict.column])
            }
        }
    }
}

extension SyncValue {
    /// The value as a person reads it: a 16-byte key as its UUID (lowercase), text as is, NULL as "—".
    package var displayText: String {
        switch self {
        case .null: return "—"
        case .text(let text): return text
        case .blob(let bytes) where bytes.count == 16:
            return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9],
                               bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15])).uuidString.lowercased()
        default: return "\(self)"
        }
    }
}
