import ArgumentParser
import Foundation
import OCOPModel

extension ImportCommand {
    /// `ocop import template producers|products`: the header an office fills in.
    struct Template: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write an empty CSV file with the header `ocop import` expects (UTF-8 with a BOM, for Excel).",
            discussion: """
                Example:
                  ocop import template producers --output producers.csv
                Open it in Excel, fill in one row per producer, save as CSV, then `ocop import producers producers.csv`.
                """
        )

        enum Kind: String, ExpressibleByArgument, CaseIterable { case producers, products }

        @Argument(help: "producers or products.") var kind: Kind
        @Option(name: [.short, .long], help: ArgumentHelp("Write to this file (default: standard output).", valueName: "file.csv"))
        var output: String?

        func run() throws {
            let columns = kind == .producers ? CSVImport.producerColumns : CSVImport.productColumns
            try writeCSV(CSVExport.template(columns: columns), to: output)
            if let output { StandardError.print("wrote \(output): \(columns.joined(separator: ","))") }
        }
    }
}

/// Writes CSV text to a file, or to standard output without a trailing print newline.
func writeCSV(_ text: String, to path: String?) throws {
    let data = Data(text.utf8)
    guard let path else {
        FileHandle.standardOutput.write(data)
        return
    }
    guard FileManager.default.createFile(atPath: path, contents: data) else {
        throw CLIError.notFound("cannot write \(path)")
    }
}
