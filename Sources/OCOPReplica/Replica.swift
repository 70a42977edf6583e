import Foundation
import GRDB
import Logging
import OCOPModel
import OCOPSync

/// Who a replica belongs to.
public enum ReplicaRole: String, Sendable, Codable {
    /// A province office: writes its own rows, reads its own rows and central decisions.
    case province
    /// The central office (and the national store): writes any row.
    case central
}

/// An OCOP dataset in one SQLite file that records every change for sync.
///
/// Write to it with plain SQL or GRDB through ``write(_:)`` — or from any other program, such as
/// the `sqlite3` shell: triggers capture every write to a synced table in the writing
/// transaction. The replica stamps captured writes with dots and hybrid clocks the next time the
/// library touches it, hands out the changes the server has not acknowledged
/// (``outgoingBatch(maxWrites:)``), and merges remote changes (``applyIncoming(changes:conflicts:cursor:)``)
/// with the same ``Merge`` the central store uses.
public final class Replica: Sendable {
    public let path: String
    public let replicaID: ReplicaID
    public let role: ReplicaRole
    /// The province this replica belongs to (nil for the central office).
    public let tenantID: UUID?
    /// The database; writes through it are captured like any other.
    package let database: any DatabaseWriter
    package let storage: SyncStorage

    private init(path: String, database: any DatabaseWriter, storage: SyncStorage) throws {
        self.path = path
        self.database = database
        self.storage = storage
        let identity = try database.read { db -> (String?, String?, String?) in
            guard try db.tableExists("_sync_meta") else { return (nil, nil, nil) }
            return (try SyncMeta.string(db, .replicaID), try SyncMeta.string(db, .role), try SyncMeta.string(db, .tenantID))
        }
        guard let idText = identity.0, let id = ReplicaID(string: idText), let roleText = identity.1,
              let role = ReplicaRole(rawValue: roleText) else { throw ReplicaError.notAReplica(path) }
        replicaID = id
        self.role = role
        tenantID = identity.2.flatMap(UUID.init(uuidString:))
    }

    /// Creates a new replica file (or an in-memory one for `":memory:"`).
    public static func create(at path: String, role: ReplicaRole, tenantID: UUID?, replicaID: ReplicaID = .random()) throws -> Replica {
        try create(at: path, role: role, tenantID: tenantID, replicaID: replicaID, feed: nil)
    }

    /// Creates a replica, or with `feed` a national store that numbers every change for pulls
    /// by cursor (the store gives its own feed).
    package static func create(
        at path: String, role: ReplicaRole, tenantID: UUID?, replicaID: ReplicaID = .random(), feed: (any ChangeFeed)?
    ) throws -> Replica {
        if path != ":memory:", FileManager.default.fileExists(atPath: path) { throw ReplicaError.alreadyExists(path) }
        if role == .province, tenantID == nil { throw ReplicaError.invalidArgument("a province replica needs its tenant id") }
        let database = try makeDatabase(path: path)
        let storage = SyncStorage(feed: feed)
        try SyncSchemaMigrations.migrator(storage).migrate(database)
        try database.write { db in
            try SyncMeta.set(db, .replicaID, replicaID.description)
            try SyncMeta.set(db, .role, role.rawValue)
            if let tenantID { try SyncMeta.set(db, .tenantID, tenantID.uuidString.lowercased()) }
            try SyncMeta.set(db, .schemaVersion, Int64(OCOPSchema.version))
            try SyncMeta.set(db, .feedSequence, feed != nil ? 0 : -1)
        }
        return try Replica(path: path, database: database, storage: storage)
    }

    /// Opens an existing replica file.
    ///
    /// A file written by an earlier release is upgraded to the current layout first; each step
    /// applied is logged on `logger` (see ``SyncSchemaMigrations``).
    public static func open(at path: String, logger: Logger? = nil) throws -> Replica {
        try open(at: path, logger: logger, feed: nil)
    }

    /// Whether the file at `path` is a national store (it numbers its changes in a feed).
    package static func keepsFeed(at path: String) throws -> Bool {
        guard FileManager.default.fileExists(atPath: path) else { throw ReplicaError.notAReplica(path) }
        return try makeDatabase(path: path).read(keepsFeed)
    }

    /// Whether the open database numbers its changes in a feed (a national store; -1 elsewhere).
    private static func keepsFeed(_ db: Database) throws -> Bool {
        try db.tableExists("_sync_meta") ? (try SyncMeta.int(db, .feedSequence) ?? -1) >= 0 : false
    }

    /// Opens a replica or, with the store's `feed`, a national store. A national store opened
    /// without its feed is refused: its writes would go unnumbered and no province would get them.
    package static func open(at path: String, logger: Logger?, feed: (any ChangeFeed)?) throws -> Replica {
        guard FileManager.default.fileExists(atPath: path) else { throw ReplicaError.notAReplica(path) }
        let database = try makeDatabase(path: path)
        let keepsFeed = try database.read(Self.keepsFeed)
        if keepsFeed, feed == nil {
            throw ReplicaError.invalidArgument("\(path) is a national store, not a replica: open it with the national store (ocop-syncd, or ocop's --national options)")
        }
        let storage = SyncStorage(feed: keepsFeed ? feed : nil)
        // Only a file that is a replica is upgraded: anything else is refused untouched.
        if try database.read({ try $0.tableExists("_sync_meta") }) {
            let migrator = SyncSchemaMigrations.migrator(storage)
            let pending = try database.read { try migrator.appliedIdentifiers($0) }
            let steps = migrator.migrations.filter { !pending.contains($0) }
            if !steps.isEmpty { logger?.notice("upgrading \(path)", metadata: ["steps": "\(steps.joined(separator: ", "))"]) }
            let started = ContinuousClock.now
            try migrator.migrate(database)
            if !steps.isEmpty { logger?.notice("upgraded \(path)", metadata: ["seconds": "\((ContinuousClock.now - started).components.seconds)"]) }
        }
        return try Replica(path: path, database: database, storage: storage)
    }

    private static func makeDatabase(path: String) throws -> any DatabaseWriter {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // FULL: an acknowledged or applied batch survives power loss, not just a crash.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // The writer merges batches whose rows are spread over a national store's B-trees:
            // 32 MiB of page cache (SQLite's default is 2 MiB) keeps their inner pages and the
            // hot leaves in memory. Readers keep the default; the cache fills only as it is used.
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA cache_size = -32768") }
        }
        if path == ":memory:" { return try DatabaseQueue(configuration: configuration) }
        return try DatabasePool(path: path, configuration: configuration)
    }

    // MARK: Local access

    /// Runs `updates` in a write transaction. Every write to a synced table is captured.
    package func write<T>(_ updates: (Database) throws -> T) throws -> T {
        try database.write(updates)
    }

    /// Runs `value` with read-only access.
    package func read<T>(_ value: (Database) throws -> T) throws -> T {
        try database.read(value)
    }

    // MARK: Sync state

    /// Stamps writes captured since the library last looked (for example made with the `sqlite3`
    /// shell); returns how many were stamped.
    @discardableResult
    public func stamp() throws -> Int {
        try database.write { db in
            var directory = try ReplicaDirectory(db)
            return try storage.stampPendingWrites(db, local: replicaID, directory: &directory)
        }
    }

    /// What the server has acknowledged and what this replica has pulled.
    public func syncPosition() throws -> SyncPosition {
        try database.read { db in
            SyncPosition(
                acknowledgedThrough: UInt64(max(try SyncMeta.int(db, .acknowledgedThrough) ?? 0, 0)),
                pulledCursor: UInt64(max(try SyncMeta.int(db, .pulledCursor) ?? 0, 0)),
                pendingWrites: try Int.fetchOne(db, sql: "SELECT count(*) FROM _sync_log WHERE seq > ?", arguments: [try SyncMeta.int(db, .acknowledgedThrough) ?? 0]) ?? 0
            )
        }
    }
}

/// Where a replica stands with the server.
public struct SyncPosition: Sendable, Equatable {
    /// Local writes with counters up to this are durably on the server.
    public var acknowledgedThrough: UInt64
    /// Server changes up to this feed position are durably applied here.
    public var pulledCursor: UInt64
    /// Local writes not yet acknowledged.
    public var pendingWrites: Int
}
