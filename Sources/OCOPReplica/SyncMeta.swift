import GRDB

/// Small named values of a replica's sync state, kept in `_sync_meta`.
package enum SyncMeta {
    package enum Key: String {
        case replicaID = "replica_id"
        case tenantID = "tenant_id"
        case role
        case schemaVersion = "schema_version"
        /// The replica's hybrid clock: never behind any stamp it has made or seen.
        case clock
        /// The last `_sync_log.seq` folded into row metadata.
        case stampedThrough = "stamped_through"
        /// The last local counter the server acknowledged as durably committed.
        case acknowledgedThrough = "acknowledged_through"
        /// The server feed position this replica has durably applied.
        case pulledCursor = "pulled_cursor"
        /// The last feed sequence number given out (central store).
        case feedSequence = "feed_sequence"
    }

    package static func int(_ db: Database, _ key: Key) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT value FROM _sync_meta WHERE key = ?"), arguments: [key.rawValue])
    }

    package static func string(_ db: Database, _ key: Key) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM _sync_meta WHERE key = ?"), arguments: [key.rawValue])
    }

    package static func set(_ db: Database, _ key: Key, _ value: some DatabaseValueConvertible) throws {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO _sync_meta(key, value) VALUES (?, ?)").execute(arguments: [key.rawValue, value])
    }
}
