import ArgumentParser
import Foundation
import OCOPStore
import OCOPQuery

/// `ocop query "SQL"`: read-only SQL over the national dataset.
struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run one read-only SQL statement against the national dataset.",
        discussion: """
            The dataset is opened read-only (and with PRAGMA query_only): a statement that would \
            write is refused (exit 1) and the data is untouched. Ids (16-byte blobs) are shown as \
            UUIDs. Example:
              ocop query "SELECT t.code, count(*) FROM products p JOIN tenants t ON t.id = p.tenant_id GROUP BY 1" --national national.sqlite
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, csv, json
    }

    @Argument(help: ArgumentHelp("The SQL statement (one).", valueName: "sql")) var sql: String
    @OptionGroup var nationalOptions: NationalOptions
    @Option(help: "Output format: table (aligned), csv (RFC 4180) or json.") var format: Format = .table

    func run() async throws {
        let source = try nationalOptions.openReadOnly()
        let result = try await mappingCentralErrors { try await source.store.query(sql) }
        switch format {
        case .table:
            print(result.table())
            print("(\(result.rows.count) row\(result.rows.count == 1 ? "" : "s"))")
        case .csv: print(result.csv(), terminator: "")
        case .json: print(result.json())
        }
    }
}
