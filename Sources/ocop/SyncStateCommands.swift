import ArgumentParser
import Foundation
import OCOPModel
import OCOPReplica
import OCOPSync

/// `ocop pending`: local changes the server has not acknowledged yet.
struct PendingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pending",
        abstract: "List local changes not yet acknowledged by the server (what the next sync pushes).",
        discussion: "One line per changed row: table, id, insert/update/delete and the columns written. Ends with a count summary."
    )

    @OptionGroup var replicaOptions: ReplicaOptions
    @Flag(help: "Print the changes as JSON.") var json = false

    func run() throws {
        let replica = try replicaOptions.open()
        let batch = try replica.outgoingBatch(maxWrites: Int(Int32.max))
        let position = try replica.syncPosition()
        let changes = batch?.changes ?? []
        let conflictCount = batch?.conflicts.count ?? 0
        let rows = changes.map { change -> (table: String, id: String, kind: String, columns: [String]) in
            let order = OCOPSchema.table(named: change.table)?.columnNames ?? []
            let columns = change.state.columns.keys.sorted { (order.firstIndex(of: $0) ?? .max, $0) < (order.firstIndex(of: $1) ?? .max, $1) }
            let kind: String
            switch change.state.existence {
            case .some(let existence) where existence.isDeleted: kind = "delete"
            case .some: kind = "insert"
            case .none: kind = "update"
            }
            return (change.table, displayText(change.key), kind, kind == "delete" ? [] : columns)
        }
        if json {
            try printJSON(.object([
                "pending_writes": .int(position.pendingWrites),
                "acknowledged_through": .integer(Int64(clamping: position.acknowledgedThrough)),
                "conflict_records_to_push": .int(conflictCount),
                "changes": .array(rows.map { row in
                    .object(["table": .string(row.table), "id": .string(row.id), "change": .string(row.kind),
                             "columns": .array(row.columns.map(JSONValue.string))])
                }),
            ]))
            return
        }
        if !rows.isEmpty {
            var table = TextTable("TABLE", "ID", "CHANGE", "COLUMNS")
            for row in rows { table.add(row.table, row.id, row.kind, row.columns.isEmpty ? "-" : row.columns.joined(separator: ", ")) }
            print(table.render())
        }
        let counts = Dictionary(grouping: rows, by: \.table).mapValues(\.count)
        let byTable = OCOPSchema.tables.compactMap { table in counts[table.name].map { "\($0) \(table.name)" } }.joined(separator: ", ")
        if rows.isEmpty && conflictCount == 0 {
            print("Nothing pending: the server has acknowledged every local change.")
        } else {
            print("\(rows.count) row(s) changed\(byTable.isEmpty ? "" : " (\(byTable))") in \(position.pendingWrites) write(s) not yet acknowledged; \(conflictCount) conflict record(s) to push.")
        }
    }
}

/// `ocop conflicts`: concurrent writes that lost the merge, kept for review.
///
/// A group without options of its own: `list` (the default) takes `--json` and `--replica`,
/// so the group never swallows a `--json` meant for `review` or `resolve`.
struct ConflictsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts",
        abstract: "List recorded conflicts: the losing value of each column two replicas wrote concurrently.",
        discussion: "The winner is already in the row; the losing value is kept here with its origin replica and time for review.",
        // The central office's review of the national dataset (ConflictReviewCommands.swift).
        subcommands: [ConflictsListCommand.self, ConflictsReviewCommand.self, ConflictsResolveCommand.self],
        defaultSubcommand: ConflictsListCommand.self
    )
}

/// `ocop conflicts [list]`: this replica's recorded conflicts.
struct ConflictsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List this replica's recorded conflicts (the default).",
        discussion: "The winner is already in the row; the losing value is kept here with its origin replica and time for review."
    )

    @OptionGroup var replicaOptions: ReplicaOptions
    @Flag(help: "Print the conflicts as JSON.") var json = false

    func run() throws {
        let replica = try replicaOptions.open()
        let conflicts = try replica.conflicts()
        func kindText(_ kind: ConflictRecord.Kind) -> String {
            switch kind {
            case .concurrentUpdate: return "concurrent_update"
            case .updateOfDeletedRow: return "update_of_deleted_row"
            }
        }
        if json {
            try printJSON(.array(conflicts.map { conflict in
                .object([
                    "table": .string(conflict.table),
                    "id": JSONValue.syncValue(conflict.key),
                    "column": .string(conflict.column),
                    "kind": .string(kindText(conflict.kind)),
                    "losing_value": JSONValue.syncValue(conflict.losingValue),
                    "origin_replica": .string(conflict.origin.description),
                    "time": .string(isoTime(conflict.losingStamp.hlc)),
                ])
            }))
            return
        }
        guard !conflicts.isEmpty else {
            print("No conflicts.")
            return
        }
        var table = TextTable("TABLE", "ID", "COLUMN", "KIND", "LOSING VALUE", "ORIGIN REPLICA", "TIME")
        for conflict in conflicts {
            let column = conflict.column == ConflictRecord.existenceColumn ? "(row exists)" : conflict.column
            let value = conflict.column == ConflictRecord.existenceColumn
                ? (conflict.losingValue == .integer(0) ? "deleted" : "exists")
                : displayText(conflict.losingValue)
            table.add(conflict.table, displayText(conflict.key), column, kindText(conflict.kind), value,
                      conflict.origin.description, isoTime(conflict.losingStamp.hlc))
        }
        print(table.render())
        print("\(conflicts.count) conflict(s).")
    }
}

/// `ocop rejected`: changes the server refused, parked for the user to fix.
struct RejectedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rejected",
        abstract: "List changes the server refused (parked until fixed), with the reason.",
        discussion: "Fix the row (e.g. `ocop product edit`) and the next sync sends it again; refused changes never block the others."
    )

    @OptionGroup var replicaOptions: ReplicaOptions
    @Flag(help: "Print the rejections as JSON.") var json = false

    func run() throws {
        let replica = try replicaOptions.open()
        let rejections = try replica.parkedRejections()
        func codeText(_ code: UInt16) -> String {
            RejectionCode(rawValue: code).description
        }
        if json {
            try printJSON(.array(rejections.map { rejection in
                .object([
                    "table": .string(rejection.table),
                    "id": JSONValue.syncValue(rejection.key),
                    "code": .int(Int(rejection.code)),
                    "code_text": .string(codeText(rejection.code)),
                    "reason": .string(rejection.reason),
                ])
            }))
            return
        }
        guard !rejections.isEmpty else {
            print("No rejected changes.")
            return
        }
        var table = TextTable("TABLE", "ID", "CODE", "REASON")
        for rejection in rejections {
            table.add(rejection.table, displayText(rejection.key), codeText(rejection.code), rejection.reason)
        }
        print(table.render())
        print("\(rejections.count) rejected change(s) to fix.")
    }
}
