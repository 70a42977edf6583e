import Foundation
import GRDB
import Logging
import OCOPReplica

/// The reads of a national dataset in SQLite (``NationalReads``), over any connection to it: the
/// store's own, or a read-only one opened by ``SQLiteNationalStore/openReadOnly(at:)`` for the
/// `ocop` commands that must not be able to change the file.
///
/// All the SQL of reports, lookups, conflict review and feeds lives in its extensions, so the
/// modules that compose them stay free of any database dialect.
public final class SQLiteNationalReader: Sendable {
    package let database: any DatabaseReader
    let storage = SyncStorage(feed: NationalChangeFeed())

    package init(database: any DatabaseReader) {
        self.database = database
    }

    /// One read transaction on the store's read threads.
    func reading<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let database = self.database
        return try await StoreThreads.read { try database.read(body) }
    }
}

extension SQLiteNationalStore {
    /// Opens the national dataset at `path` read-only (SQLite `SQLITE_OPEN_READONLY` plus
    /// `PRAGMA query_only`), so nothing done through it can change the file. Throws
    /// ``QueryError`` (not found) if there is no national dataset there.
    public static func openReadOnly(at path: String) throws -> SQLiteNationalReader {
        guard FileManager.default.fileExists(atPath: path) else {
            throw QueryError(.notFound, "no national dataset at \(path)")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA query_only = ON") }
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try checkNational(queue, path: path)
        } catch let error as QueryError {
            throw error
        } catch {
            throw QueryError(.notFound, "\(path) is not a national dataset: \(error)")
        }
        return SQLiteNationalReader(database: queue)
    }

    /// Throws unless `reader` holds a national dataset (a central replica keeping a feed, with
    /// the server's tables).
    static func checkNational(_ reader: any DatabaseReader, path: String) throws {
        let isNational = try reader.read { db -> Bool in
            guard try db.tableExists("_sync_meta"), try db.tableExists("_server_replicas") else { return false }
            let feed = try Int64.fetchOne(db, sql: "SELECT value FROM _sync_meta WHERE key = 'feed_sequence'") ?? -1
            return feed >= 0
        }
        if !isNational {
            throw QueryError(.notFound, "\(path) is not a national dataset (no change feed or server tables); use the daemon's store file")
        }
    }

    /// Opens the existing national dataset at `path` for writing, refusing a file that is not
    /// one (a province replica, a stray file) instead of turning it into a store.
    public static func openExisting(at path: String, logger: Logger = Logger(label: "ocop.store")) throws -> SQLiteNationalStore {
        _ = try openReadOnly(at: path)
        return try open(at: path, logger: logger)
    }
}
