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
        abstract: "Copy the national dataset between SQLite and PostgreSQL (either way), verified by a digest of both.",
        discussion: """
            From a national SQLite store into an empty PostgreSQL database, or from PostgreSQL into a new SQLite \
            file. Every synced row keeps its clocks, dots and feed position, every conflict record, cursor, account, \
            token and resolution is carried, and the store keeps its replica id and counter: provinces go on \
            syncing from where they were, with the same secrets, without re-initialising. Stop the daemon first \
            (the copy reads one consistent state, and writes made after it would stay behind). The copy is one \
            transaction: on any error the destination is left empty. Both stores are read again afterwards and \
            their digests compared; a difference is an error.
            """
    )

    @Option(name: .long, help: "The store to copy: a national SQLite file, or postgres://USER@HOST:PORT/DATABASE.")
    var from: String

    @Option(name: .long, help: "Where to: an empty PostgreSQL database (postgres://…), or a SQLite file that does not exist yet.")
    var to: String

    @Option(name: .long, help: "A file holding the PostgreSQL password (else PGPASSWORD).")
    var storePasswordFile: String?

    func run() async throws {
        let logger = Logger(label: "ocop.store")
        switch (PostgresStoreConfiguration.isURL(from), PostgresStoreConfiguration.isURL(to)) {
        case (false, true):
            guard FileManager.default.fileExists(atPath: from) else {
                throw ConfigurationError(message: "store copy: there is no national store at \(from); nothing was copied")
            }
            let settings = try postgres(to)
            try await copy(
                from: SQLiteNationalStore.open(at: from, logger: logger), named: from,
                into: { try await PostgresNationalStore.open(settings, logger: logger) }, named: settings.description,
                close: { await ($0 as? PostgresNationalStore)?.close() }
            )
        case (true, false):
            guard !FileManager.default.fileExists(atPath: to) else {
                throw ConfigurationError(message: "store copy: \(to) already exists; a copy never overwrites a store — choose a new file")
            }
            let settings = try postgres(from)
            let source = try await open(settings, logger: logger)
            defer { Task { await source.close() } }
            try await copy(
                from: source, named: settings.description,
                into: { try SQLiteNationalStore.open(at: to, logger: logger) }, named: to, close: { _ in }
            )
        default:
            throw ConfigurationError(message: "store copy: give one SQLite file and one PostgreSQL URL (postgres://USER@HOST:PORT/DATABASE), got \(from) → \(to)")
        }
    }

    private func postgres(_ url: String) throws -> PostgresStoreConfiguration {
        do {
            return try PostgresStoreConfiguration(url: url, passwordFile: storePasswordFile)
        } catch let error as PostgresStoreError {
            throw ConfigurationError(message: error.description)
        }
    }

    private func open(_ settings: PostgresStoreConfiguration, logger: Logger) async throws -> PostgresNationalStore {
        do {
            return try await PostgresNationalStore.open(settings, logger: logger)
        } catch let error as PostgresStoreError {
            throw ConfigurationError(message: error.description)
        }
    }

    /// Reads `source`, loads it into a new destination, then reads both again from scratch and
    /// compares their digests: the digest proves what is stored, not what was sent.
    private func copy(
        from source: some StoreContentsSource, named sourceName: String,
        into makeDestination: () async throws -> any StoreContentsDestination, named destinationName: String,
        close: (any StoreContentsDestination) async -> Void
    ) async throws {
        let contents = try await source.contents()
        print("read \(sourceName): \(contents.summary)")
        let destination: any StoreContentsDestination
        do {
            destination = try await makeDestination()
        } catch let error as PostgresStoreError {
            throw ConfigurationError(message: error.description)
        }
        do {
            try await destination.load(contents)
        } catch let error as StoreError {
            await close(destination)
            throw ConfigurationError(message: "store copy: \(error.message)")
        }
        await close(destination)
        let copied = try await makeDestination().contents()
        let expected = try await source.contents().digest
        print("source digest      \(expected)")
        print("destination digest \(copied.digest)")
        guard expected == copied.digest else {
            throw ConfigurationError(message: "store copy: the digests differ; do not switch the daemon to \(destinationName). Remove it and copy again")
        }
        let next = PostgresStoreConfiguration.isURL(destinationName)
            ? "Set store: \(destinationName) in the daemon's configuration and start it."
            : "A daemon serves national.sqlite in its dataDirectory: move the file there under that name, then start it."
        print("copied to \(destinationName): \(copied.summary). \(next)")
    }
}
