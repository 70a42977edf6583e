import ArgumentParser
import Foundation
import Logging
import OCOPNetwork
import OCOPPostgres
import OCOPStore

/// `ocop-syncd store copy`: moves a central office's national dataset to another backend.
struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Move the national dataset between backends.",
        subcommands: [StoreCopy.self]
    )
}

struct StoreCopy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a national SQLite store into an empty PostgreSQL database, verified by a digest of both.",
        discussion: """
            Every synced row keeps its clocks, dots and feed position, every conflict record, cursor, account, \
            token and resolution is carried, and the store keeps its replica id and counter: provinces go on \
            syncing from where they were, with the same secrets, without re-initialising. Stop the daemon first \
            (the copy reads one consistent state, and writes made after it would stay behind). The copy is one \
            transaction: on any error the destination is left empty. Both stores are read again afterwards and \
            their digests compared; a difference is an error.
            """
    )

    @Option(name: .long, help: "The national SQLite store to copy (e.g. /var/lib/ocop-sync/national.sqlite).")
    var from: String

    @Option(name: .long, help: "An empty PostgreSQL database: postgres://USER@HOST:PORT/DATABASE.")
    var to: String

    @Option(name: .long, help: "A file holding the PostgreSQL password (else PGPASSWORD).")
    var storePasswordFile: String?

    func run() async throws {
        guard FileManager.default.fileExists(atPath: from) else {
            throw ConfigurationError(message: "store copy: there is no national store at \(from); nothing was copied")
        }
        guard PostgresStoreConfiguration.isURL(to) else {
            throw ConfigurationError(message: "store copy: --to must be a PostgreSQL URL (postgres://USER@HOST:PORT/DATABASE), got \(to)")
        }
        let logger = Logger(label: "ocop.store")
        let source = try SQLiteNationalStore.open(at: from, logger: logger)
        let settings: PostgresStoreConfiguration
        do {
            settings = try PostgresStoreConfiguration(url: to, passwordFile: storePasswordFile)
        } catch let error as PostgresStoreError {
            throw ConfigurationError(message: error.description)
        }
        let contents = try await source.contents()
        print("read \(from): \(contents.summary)")
        let destination: PostgresNationalStore
        do {
            destination = try await PostgresNationalStore.open(settings, logger: logger)
        } catch let error as PostgresStoreError {
            throw ConfigurationError(message: error.description)
        }
        do {
            try await destination.load(contents)
        } catch let error as StoreError {
            await destination.close()
            throw ConfigurationError(message: "store copy: \(error.message)")
        }
        await destination.close()
        // Read both back from scratch: the digest proves what is stored, not what was sent.
        let reopened = try await PostgresNationalStore.open(settings, logger: logger)
        let copied = try await reopened.contents()
        await reopened.close()
        let expected = try await source.contents().digest
        print("source digest      \(expected)")
        print("destination digest \(copied.digest)")
        guard expected == copied.digest else {
            throw ConfigurationError(message: "store copy: the digests differ; do not switch the daemon to \(settings). Drop that database and copy again")
        }
        print("copied to \(settings): \(copied.summary). Point the daemon at it (store: \(settings)) and start it.")
    }
}
