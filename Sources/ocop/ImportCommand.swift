import ArgumentParser
import Foundation
import OCOPModel
import OCOPReplica

/// `ocop import producers|products FILE.csv`: all-or-nothing CSV import through `CSVImport`.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import producers or products from a CSV file (UTF-8), all or nothing.",
        discussion: """
            If any row is bad, every problem is printed to stderr as FILE:LINE: field: reason and \
            nothing is imported (exit 1). Line numbers are the file's physical lines (the header is line 1). \
            Comma- and semicolon-separated files are both read (Excel in a Vietnamese locale saves \
            with semicolons). Start from `ocop import template producers > producers.csv`; \
            `ocop producer list --csv` and `ocop product list --csv` write files this command reads back.
            """,
        subcommands: [Producers.self, Products.self, Template.self]
    )

    /// Options shared by both imports.
    struct Options: ParsableArguments {
        @OptionGroup var replicaOptions: ReplicaOptions
        @Argument(help: ArgumentHelp("The CSV file (UTF-8, a BOM is fine; header line first).", valueName: "file.csv")) var file: String
        @Flag(help: "Check the file and report what would be imported; change nothing.") var dryRun = false
        @Flag(help: "Print the result (count and ids, or the errors) as JSON on stdout.") var json = false
        @Option(help: ArgumentHelp("On a central-office replica: the province the rows belong to.", valueName: "uuid"),
                transform: ArgumentParsers.uuid)
        var tenant: UUID?

        func readFile() throws -> Data {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CLIError.notFound("cannot read \(file)")
            }
            return data
        }

        /// Saves (unless a dry run) and reports the outcome; on failure prints every error and exits 1.
        func finish<Record: SyncedRecord>(_ outcome: Result<[Record], CSVImportFailure>, noun: String, replica: Replica) throws {
            switch outcome {
            case .success(let records):
                if !dryRun { try replica.saveAll(records) }
                if json {
                    try printJSON(.object([
                        "file": .string(file), "table": .string(Record.schema.name), "dry_run": .bool(dryRun),
                        "imported": .int(dryRun ? 0 : records.count), "valid": .int(records.count),
                        "ids": .array(dryRun ? [] : records.map { .uuid($0.id) }), "errors": .array([]),
                    ]))
                } else if dryRun {
                    print("\(file): \(records.count) \(noun) would be imported (dry run: nothing changed).")
                } else {
                    print("Imported \(records.count) \(noun) from \(file).")
                }
            case .failure(let failure):
                if json {
                    try printJSON(.object([
                        "file": .string(file), "table": .string(Record.schema.name), "dry_run": .bool(dryRun),
                        "imported": .int(0), "valid": .int(0), "ids": .array([]),
                        "errors": .array(failure.errors.map { error in
                            .object(["line": .int(error.line), "field": .string(error.column), "reason": .string(error.reason)])
                        }),
                    ]))
                }
                let lines = failure.errors.map { error in
                    "\(file):\(error.line): " + (error.column.map { "\($0): " } ?? "") + error.reason
                }
                let rows = Set(failure.errors.map(\.line)).count
                throw CLIError(.badData, lines: lines + ["error: \(file): \(failure.errors.count) problem(s) on \(rows) line(s); nothing was imported"])
            }
        }
    }

    struct Producers: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import producers from a CSV file.",
            discussion: """
                Columns (header names, any order): \(CSVImport.producerColumns.joined(separator: ", ")); \
                name and type are required. Types: cooperative, enterprise, cooperative_group, household, \
                or HTX, doanh nghiệp, tổ hợp tác, hộ kinh doanh... Example:
                  ocop import producers producers.csv --dry-run
                """
        )

        @OptionGroup var options: Options

        func run() throws {
            let replica = try options.replicaOptions.open()
            let tenantID = try replica.tenantForNewRows(option: options.tenant)
            let data = try options.readFile()
            let existing = try replica.fetchAll(Producer.self).filter { $0.tenantID == tenantID }
            let outcome = Result { () throws(CSVImportFailure) in
                try CSVImport(tenantID: tenantID).producers(from: data, existing: existing)
            }
            try options.finish(outcome, noun: "producer(s)", replica: replica)
        }
    }

    struct Products: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import products from a CSV file; their producers must be registered first.",
            discussion: """
                Columns (header names, any order): \(CSVImport.productColumns.joined(separator: ", ")); \
                name_vi, classification_code and producer (tax code or exact name) are required. \
                classification_version defaults to the current one, status to registered. Example:
                  ocop import products products.csv
                """
        )

        @OptionGroup var options: Options

        func run() throws {
            let replica = try options.replicaOptions.open()
            let tenantID = try replica.tenantForNewRows(option: options.tenant)
            let data = try options.readFile()
            let producers = try replica.fetchAll(Producer.self).filter { $0.tenantID == tenantID }
            let areas = try replica.fetchAll(MaterialArea.self).filter { $0.tenantID == tenantID }
            let existing = try replica.fetchAll(Product.self).filter { $0.tenantID == tenantID }
            let outcome = Result { () throws(CSVImportFailure) in
                try CSVImport(tenantID: tenantID).products(from: data, producers: producers, materialAreas: areas, existing: existing)
            }
            try options.finish(outcome, noun: "product(s)", replica: replica)
        }
    }
}
