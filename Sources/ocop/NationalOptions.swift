import ArgumentParser
import Foundation
import Logging
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
        return try mappingCentralErrors { CentralReportsSource(store: try SQLiteNationalStore.openReadOnly(at: path)) }
    }

    /// Opens the store for a central write; the file must exist and be a national dataset.
    func openStore() throws -> any NationalBackend {
        let path = try path
        // The store's notices (a conflict resolved, a tenant merged) are for the daemon's log;
        // a command says what it did on stdout, so only warnings and errors reach its stderr.
        var logger = Logger(label: "ocop.store")
        logger.logLevel = .warning
        return try mappingCentralErrors { try SQLiteNationalStore.openExisting(at: path, logger: logger) }
    }
}

/// What the report commands read through: the store protocols only.
struct CentralReportsSource {
    let store: any NationalReads

    var reports: CentralReports { CentralReports(store: store) }
    var review: ConflictReview { ConflictReview(store: store) }
}

/// Runs `body`, turning the central office's errors into ``CLIError``s with their exit status.
func mappingCentralErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch {
        throw centralError(error)
    }
}

/// ``mappingCentralErrors(_:)`` for synchronous work (opening a file).
func mappingCentralErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch {
        throw centralError(error)
    }
}

/// The ``CLIError`` for an error of the central office's modules; other errors pass unchanged.
private func centralError(_ error: any Error) -> any Error {
    do {
        throw error
    } catch let error as QueryError {
        switch error.code {
        case .notFound: return CLIError.notFound(error.message)
        case .writeRefused, .invalidSQL: return CLIError.badData(error.message)
        }
    } catch let error as CentralError {
        switch error.code {
        case .notFound: return CLIError.notFound(error.message)
        case .badData: return CLIError.badData(error.message)
        }
    } catch let error as StoreError {
        return CLIError.notFound(error.message)
    } catch {
        return error
    }
}
