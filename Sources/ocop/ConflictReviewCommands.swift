import ArgumentParser
import Foundation
import OCOPModel
import OCOPQuery
import OCOPStore
import OCOPSync

/// `ocop conflicts review`: the national dataset's conflicts with both sides, for the central office.
struct ConflictsReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "List the national dataset's conflicts awaiting review: both values, their origins and times.",
        discussion: "Resolve one with `ocop conflicts resolve ID --take winner|loser` or `--value V`."
    )

    @OptionGroup var nationalOptions: NationalOptions
    @Flag(help: "Also list conflicts already resolved.") var all = false
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let source = try nationalOptions.openReadOnly()
        let items = try await mappingCentralErrors { all ? try await source.review.items() : try await source.review.pending() }
        try printConflictItems(items, json: json)
    }
}

/// `ocop conflicts resolve ID`: settles a conflict with a central write on the national dataset.
struct ConflictsResolveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Resolve a conflict: keep the winner, write the loser back, or write a new value.",
        discussion: """
            --take loser and --value write the row on the national dataset as the central office; \
            the write syncs to the owning province on its next sync. --take winner writes nothing \
            (the row already holds it). The conflict is then marked resolved. IDs are from \
            `ocop conflicts review` (a unique prefix of at least 4 characters is enough).
            """
    )

    enum Side: String, ExpressibleByArgument, CaseIterable { case winner, loser }

    @Argument(help: ArgumentHelp("The conflict id.", valueName: "id")) var id: String
    @OptionGroup var nationalOptions: NationalOptions
    @Option(help: "Which side to keep.") var take: Side?
    @Option(help: ArgumentHelp("A new value for the column (NULL or empty for none, if allowed).", valueName: "value")) var value: String?
    @Flag(help: "Print the resolved conflict as JSON.") var json = false

    func validate() throws {
        guard (take == nil) != (value == nil) else {
            throw ArgumentParser.ValidationError("give exactly one of --take winner|loser or --value V")
        }
    }

    func run() async throws {
        let choice: ConflictChoice = if let value { .value(value) } else if take == .loser { .loser } else { .winner }
        let store = try nationalOptions.openStore()
        let item = try await mappingCentralErrors { try await ConflictReview.resolve(id, choice: choice, on: store) }
        if json {
            try printConflictItems([item], json: true)
            return
        }
        let written = item.resolution.map { displayText($0.value) } ?? "?"
        switch choice {
        case .winner:
            print("Resolved conflict \(item.id): kept the winner (\(written)) in \(item.table).\(item.column); nothing to sync.")
        case .loser, .value:
            print("Resolved conflict \(item.id): wrote \(written) to \(item.table).\(item.column) of \(displayText(item.key)); it reaches the province on its next sync.")
        }
    }
}

/// Prints conflict items as a table (or JSON).
func printConflictItems(_ items: [ConflictItem], json: Bool) throws {
    func valueText(_ item: ConflictItem, _ value: SyncValue?) -> String {
        guard let value else { return "?" }
        if item.isExistenceConflict { return value == .integer(0) ? "deleted" : "exists" }
        return displayText(value)
    }
    if json {
        try printEncodable(items)
        return
    }
    guard !items.isEmpty else {
        print("No conflicts awaiting review.")
        return
    }
    var table = TextTable("ID", "TABLE", "ROW", "COLUMN", "WINNER (IN ROW)", "WINNER FROM", "WINNER TIME",
                          "LOSER", "LOSER FROM", "LOSER TIME", "RESOLVED")
    for item in items {
        table.add(item.id, item.table, displayText(item.key), item.isExistenceConflict ? "(row exists)" : item.column,
                  valueText(item, item.winningValue), item.winningOriginLabel ?? "?", item.winningTime.map(isoTime) ?? "?",
                  valueText(item, item.losingValue), item.losingOriginLabel, isoTime(item.losingTime),
                  item.resolution.map { "\($0.choice) \($0.resolvedAt)" } ?? "-")
    }
    print(table.render())
    print("\(items.count) conflict(s).")
}
