import Foundation
import Logging
import OCOPNetwork
import OCOPStore

// The composition root: the one place that knows which backend holds the national dataset.
// Everything else in the daemon talks to the store protocols (`any NationalBackend`), so a
// PostgreSQL backend is chosen here and nowhere else.
extension DaemonOptions {
    /// Opens the national store, creating it (and its directory) on first use: for the
    /// commands that set a store up (`serve`, `central add`, `tenant add`, `token issue`).
    ///
    /// Creating one is said on standard error, with where the path came from: run without
    /// `--config` by mistake, a command would otherwise succeed against a new, empty store.
    func openStore(_ configuration: ServerConfiguration) throws -> any NationalBackend {
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
    func openExistingStore(_ configuration: ServerConfiguration) throws -> any NationalBackend {
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
    func existingStore() throws -> any NationalBackend { try openExistingStore(try load()) }
}
