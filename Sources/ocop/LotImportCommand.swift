import ArgumentParser
import Foundation
import OCOPModel
import OCOPReplica

extension LotCommand {
    /// `ocop lot import FILE.csv`: through `CSVImport.lots` and `ocop import`'s reporting.
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import lots from a CSV file (UTF-8), all or nothing.",
            discussion: """
                Columns (header names, any order): \(CSVImport.lotColumns.joined(separator: ", ")); product \
                (GTIN, id or exact name), lot_code and produced_on (YYYY-MM-DD) are required. The rules of \
                `ocop lot add` apply to every row. If any row is bad, every problem is printed as \
                FILE:LINE: field: reason and nothing is imported (exit 1). Example:
                  ocop lot import lots.csv --dry-run
                """
        )

        @OptionGroup var options: ImportCommand.Options

        func run() throws {
            let replica = try options.replicaOptions.open()
            let tenantID = try replica.tenantForNewRows(option: options.tenant)
            let data = try options.readFile()
            let products = try replica.fetchAll(Product.self).filter { $0.tenantID == tenantID }
            let areas = try replica.fetchAll(MaterialArea.self).filter { $0.tenantID == tenantID }
            let codes = try replica.fetchAll(GrowingAreaCode.self)
            let existing = try replica.fetchAll(Batch.self)
            let outcome = Result { () throws(CSVImportFailure) in
                try CSVImport(tenantID: tenantID).lots(from: data, products: products, materialAreas: areas,
                                                       growingAreaCodes: codes, existing: existing, today: today())
            }
            try options.finish(outcome, noun: "lot(s)", replica: replica)
        }
    }
}
