import Foundation
import Logging
import Metrics
import ServiceLifecycle
import OCOPNetwork
import OCOPPostgres
import OCOPStore

// The composition root: the one place that knows which backend holds the national dataset.
// Everything else in the daemon talks to the store protocols (`any NationalBackend`): SQLite in
// the data directory by default, PostgreSQL when the configuration (or --store) names one.
extension DaemonOptions {
    /// Opens the national store, creating it on first use: for the commands that set a store up
    /// (`serve`, `central add`, `tenant add`, `token issue`).
    ///
    /// Creating a SQLite store is said on standard error, with where the path came from: run
    /// without `--config` by mistake, a command would otherwise succeed against a new, empty store.
    func openStore(_ configuration: ServerConfiguration) async throws -> any NationalBackend {
        if let url = configuration.store { return try await openPostgres(url, configuration) }
        let path = configuration.databasePath
        let isNew = !FileManager.default.fileExists(atPath: path)
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        let store = try SQLiteNationalStore.open(at: path, logger: Logger(label: "ocop.store"))
        if isNew {
            let source = dataDir != nil ? "--data-dir" : config.map { "dataDirectory in \($0)" } ?? "the default data directory: no --config given"
            FileHandle.standardError.write(Data("note: created a new, empty national store at \(path) (from \(source))\n".utf8))
        }
        return store
    }

    /// Opens the national store only if it exists. Every command that reads or changes what is
    /// there uses this: run without `--config` (or with a mistyped data directory) it must say
    /// so, not create a new, empty store and report that it is empty.
    func openExistingStore(_ configuration: ServerConfiguration) async throws -> any NationalBackend {
        if let url = configuration.store { return try await openPostgres(url, configuration) }
        let path = configuration.databasePath
        guard FileManager.default.fileExists(atPath: path) else {
            let source = dataDir != nil ? "--data-dir" : config.map { "dataDirectory in \($0)" } ?? "the default data directory (no --config given)"
            let advice = config == nil && dataDir == nil
                ? "Give the daemon's configuration, e.g. --config /etc/ocop-sync/syncd.json"
                : "Check the data directory: it must be the one the daemon serves"
            throw ConfigurationError(message: "there is no national store at \(path) (from \(source)); nothing was created. \(advice)")
        }
        return try SQLiteNationalStore.open(at: path, logger: Logger(label: "ocop.store"))
    }

    /// The existing store with the configuration loaded (the common case).
    func existingStore() async throws -> any NationalBackend { try await openExistingStore(try load()) }

    /// PostgreSQL: the database must exist (an administrator creates it); its tables are made
    /// or upgraded on first use.
    private func openPostgres(_ url: String, _ configuration: ServerConfiguration) async throws -> any NationalBackend {
        do {
            let settings = try PostgresStoreConfiguration(url: url, passwordFile: configuration.storePasswordFile)
            let standby = try configuration.storeStandby.map { try PostgresStoreConfiguration(url: $0, passwordFile: configuration.storePasswordFile) }
            return try await PostgresNationalStore.open(settings, standby: standby, logger: Logger(label: "ocop.store"))
        } catch let error as PostgresStoreError {
            throw ConfigurationError(message: error.description)
        }
    }
}

/// Publishes how far the read standby is behind (`ocop_store_standby_lag_seconds`,
/// `ocop_store_standby_lag_feed_positions`) every few seconds, for alerts.
struct StandbyLagReporter: Service {
    let store: PostgresNationalStore
    let logger: Logger
    static let interval: Duration = .seconds(10)

    /// Nil unless the store reads from a standby.
    init?(store: any NationalBackend, logger: Logger) {
        guard let store = store as? PostgresNationalStore, store.hasStandby else { return nil }
        self.store = store
        self.logger = logger
    }

    func run() async throws {
        let seconds = Gauge(label: "ocop_store_standby_lag_seconds")
        let positions = Gauge(label: "ocop_store_standby_lag_feed_positions")
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    do {
                        if let lag = try await store.standbyLag() {
                            seconds.record(lag.seconds)
                            positions.record(Double(lag.feedPositions))
                        }
                    } catch {
                        logger.warning("cannot measure the standby's lag", metadata: ["error": "\(error)"])
                    }
                    try await Task.sleep(for: Self.interval)
                }
            }
        } catch is CancellationError {
            // Graceful shutdown.
        }
    }
}
