import ArgumentParser
import Foundation
import GRDB
import OCOPQuery
import OCOPReplica
import OCOPStore

/// `--national PATH`: the national dataset (the daemon's store file), for the central office's
/// commands (`query`, `report`, `conflicts review|resolve`, `central`).
struct NationalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("The national dataset: the sync daemon's store file (default: $OCOP_NATIONAL).", valueName: "path")
    )
    var national: String?

    static let environmentVariable = "OCOP_NATIONAL"

    var path: String {
        get throws {
            if let national, !national.isEmpty { return national }
            if let value = ProcessInfo.processInfo.environment[Self.environmentVariable], !value.isEmpty { return value }
            throw CLIError.usage("give the national dataset with --national PATH (or set \(Self.environmentVariable))")
        }
    }

    /// Opens the dataset read-only: nothing done through it can change the file.
    func openReadOnly() throws -> CentralReportsSource {
        let path = try path
        return try mappingCentralErrors { CentralReportsSource(database: try NationalDatabase.openReadOnly(at: path)) }
    }

    /// Opens the store for a central write; the file must exist and be a national dataset.
    func openStore() throws -> SQLiteNationalStore {
        let path = try path
        return try mappingCentralErrors {
            _ = try NationalDatabase.openReadOnly(at: path)
            return try SQLiteNationalStore.open(at: path)
        }
    }
}

/// The read-only handles the report commands use.
struct CentralReportsSource {
    let database: any DatabaseReader

    var reports: CentralReports { CentralReports(database: database) }
    var review: ConflictReview { ConflictReview(database: database) }
}

/// Runs `body`, turning the central office's errors into ``CLIError``s with their exit status.
func mappingCentralErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as QueryError {
        switch error.code {
        case .notFound: throw CLIError.notFound(error.message)
        case .writeRefused, .invalidSQL: throw CLIError.badData(error.message)
        }
    } catch let error as CentralError {
        switch error.code {
        case .notFound: throw CLIError.notFound(error.message)
        case .badData: throw CLIError.badData(error.message)
        }
    } catch let error as StoreError {
        throw CLIError.notFound(error.message)
    }
}
