import Crypto
import Foundation
import OCOPSync

/// Everything a national store holds, backend-neutral: for moving a central office from one
/// backend to another (`ocop-syncd store copy`) and for proving the copy whole with a digest.
///
/// Rows keep their sync state and feed positions, so provinces keep syncing from their cursors
/// without re-initialising; the store keeps its own replica id and dot counter, so the central
/// office's next decision is stamped after everything it made before.
package struct StoreContents: Sendable {
    /// One synced row, live or deleted.
    package struct StoredRow: Sendable, Equatable {
        package var key: SyncValue
        package var state: RowState
        /// Its change-feed position.
        package var seq: Int64
        /// The replica whose push made its last change (not sent back to it).
        package var echo: ReplicaID?

        package init(key: SyncValue, state: RowState, seq: Int64, echo: ReplicaID?) {
            self.key = key
            self.state = state
            self.seq = seq
            self.echo = echo
        }
    }

    /// A conflict record with its feed position.
    package struct Conflict: Sendable, Equatable {
        package var record: ConflictRecord
        package var seq: Int64

        package init(record: ConflictRecord, seq: Int64) {
            self.record = record
            self.seq = seq
        }
    }

    /// A row of a server table (accounts, replicas and their cursors, tokens, resolutions,
    /// state, tenant merges), column name → value.
    package typealias Record = [String: SyncValue]

    /// The replica id the store's own writes are stamped with.
    package var storeReplica: ReplicaID
    /// The highest dot counter the store's own writes used.
    package var centralCounter: Int64
    /// The last feed position given out.
    package var feedPosition: Int64
    /// Synced rows by table name.
    package var rows: [String: [StoredRow]] = [:]
    package var conflicts: [Conflict] = []
    /// Server tables by the names of ``serverTables``.
    package var server: [String: [Record]] = [:]

    /// The server tables a copy carries, with their key columns (for a stable order).
    package static let serverTables: [(name: String, key: [String])] = [
        ("accounts", ["user"]),
        ("replicas", ["replica"]),
        ("api_tokens", ["id"]),
        ("resolutions", ["conflict_id"]),
        ("state", ["key"]),
        ("tenant_merges", ["tbl", "pk", "from_tenant"]),
    ]

    package init(storeReplica: ReplicaID, centralCounter: Int64, feedPosition: Int64) {
        self.storeReplica = storeReplica
        self.centralCounter = centralCounter
        self.feedPosition = feedPosition
    }

    /// How many rows of each kind, for people.
    package var summary: String {
        let synced = rows.values.reduce(0) { $0 + $1.count }
        let labels = ["accounts": "accounts", "replicas": "replicas met", "api_tokens": "API tokens", "resolutions": "conflict resolutions",
                      "state": "server settings", "tenant_merges": "rows moved by province merges"]
        let parts = Self.serverTables.map { "\(labels[$0.name] ?? $0.name): \(server[$0.name]?.count ?? 0)" }
        return "synced rows: \(synced), conflict records: \(conflicts.count), " + parts.joined(separator: ", ") + ", feed position: \(feedPosition)"
    }

    /// A SHA-256 over a canonical text of everything: equal on two stores exactly when they hold
    /// the same rows (values, clocks, dots, version vectors, feed positions), conflict records,
    /// cursors, accounts, tokens and server state.
    package var digest: String {
        var hash = SHA256()
        for line in canonicalLines { hash.update(data: Data((line + "\n").utf8)) }
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// The text the digest is taken over, one line per fact, in a fixed order: two stores that
    /// disagree can be compared line by line.
    package var canonicalLines: [String] {
        var lines = ["store \(storeReplica) counter \(centralCounter) feed \(feedPosition)"]
        for table in rows.keys.sorted() {
            for row in rows[table]!.sorted(by: { Self.text($0.key) < Self.text($1.key) }) {
                lines.append("row \(table) \(Self.text(row.key)) seq \(row.seq) echo \(row.echo?.description ?? "-") \(Self.text(row.state))")
            }
        }
        lines += conflicts.map { "conflict \(Self.text($0.record)) seq \($0.seq)" }.sorted()
        for (name, key) in Self.serverTables {
            let records = (server[name] ?? []).map { record in
                (key.map { Self.text(record[$0] ?? .null) }.joined(separator: "|"),
                 record.keys.sorted().map { "\($0)=\(Self.text(record[$0]!))" }.joined(separator: " "))
            }
            lines += records.sorted(by: { $0.0 < $1.0 }).map { "\(name) \($0.1)" }
        }
        return lines
    }

    static func text(_ value: SyncValue) -> String {
        switch value {
        case .null: return "null"
        case .integer(let number): return "i\(number)"
        case .real(let number): return "r\(number.bitPattern)"
        case .text(let text): return "t\(text.utf8.count):\(text)"
        case .blob(let bytes): return "b" + bytes.map { String(format: "%02x", $0) }.joined()
        }
    }

    static func text(_ stamp: Stamp) -> String { "\(stamp.hlc.rawValue)@\(stamp.dot.replica):\(stamp.dot.counter)" }

    static func text(_ state: RowState) -> String {
        let vector = state.versionVector.sortedEntries.map { "\($0.replica):\($0.counter)" }.joined(separator: ",")
        let existence = state.existence.map { "\($0.isDeleted ? "deleted" : "live") \(text($0.stamp))" } ?? "unknown"
        let columns = state.columns.keys.sorted().map { "\($0)=\(text(state.columns[$0]!.value))@\(text(state.columns[$0]!.stamp))" }
        return "vv[\(vector)] \(existence) " + columns.joined(separator: " ")
    }

    static func text(_ record: ConflictRecord) -> String {
        "\(record.table) \(text(record.key)) \(record.column) \(record.kind.rawValue) \(text(record.losingValue)) \(text(record.losingStamp))"
    }
}

/// A store a copy reads from.
package protocol StoreContentsSource: Sendable {
    /// Everything the store holds, read in one consistent snapshot (after numbering anything
    /// still waiting to be numbered).
    func contents() async throws -> StoreContents
}

/// A store a copy writes to.
package protocol StoreContentsDestination: StoreContentsSource {
    /// Loads `contents` into this store, which must be empty (no accounts, no rows), in one
    /// transaction: all of it or nothing.
    func load(_ contents: StoreContents) async throws
}
