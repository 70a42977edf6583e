import Foundation
import GRDB
import OCOPSync

/// State one sync transaction keeps in memory and writes once at its end: the local numbering of
/// replica ids used inside row metadata (`_sync_replicas`) and the central store's feed counter.
///
/// Loaded at the start of each sync transaction and saved in that same transaction, so a
/// rolled-back transaction leaves nothing stale behind.
package struct ReplicaDirectory {
    private var indexes: [ReplicaID: UInt64] = [:]
    private var replicas: [UInt64: ReplicaID] = [:]
    private(set) var added: [(UInt64, ReplicaID)] = []
    private var feedSequence: Int64?
    private var feedSequenceChanged = false

    /// The next feed position (central store): numbered in memory, saved by ``save(_:)``.
    package mutating func nextFeedSequence(_ db: Database) throws -> Int64 {
        let next = (try feedSequence ?? SyncMeta.int(db, .feedSequence) ?? 0) + 1
        feedSequence = next
        feedSequenceChanged = true
        return next
    }

    package init(_ db: Database) throws {
        for row in try Row.fetchAll(db, sql: "SELECT idx, id FROM _sync_replicas") {
            let bytes: [UInt8] = Array(row["id"] as Data)
            guard let id = ReplicaID(bytes: bytes) else { continue }
            let idx: Int64 = row["idx"]
            indexes[id] = UInt64(idx)
            replicas[UInt64(idx)] = id
        }
    }

    /// A numbering kept somewhere other than SQLite (the PostgreSQL store): every id a
    /// transaction will encode must be among `entries`, which that store numbers itself.
    package init(entries: some Sequence<(index: UInt64, replica: ReplicaID)>) {
        for (index, replica) in entries {
            indexes[replica] = index
            replicas[index] = replica
        }
    }

    /// Every numbered id.
    package var entries: [(index: UInt64, replica: ReplicaID)] { replicas.map { ($0.key, $0.value) } }

    package mutating func index(of replica: ReplicaID) -> UInt64 {
        if let index = indexes[replica] { return index }
        let index = UInt64(indexes.count + 1)
        indexes[replica] = index
        replicas[index] = replica
        added.append((index, replica))
        return index
    }

    package func existingIndex(of replica: ReplicaID) -> UInt64? { indexes[replica] }

    package func replica(at index: UInt64) throws -> ReplicaID {
        guard let replica = replicas[index] else { throw CompactReader.OutOfBounds(offset: -1) }
        return replica
    }

    /// Writes ids numbered since the last save.
    package mutating func save(_ db: Database) throws {
        for (index, replica) in added {
            try db.execute(sql: "INSERT INTO _sync_replicas(idx, id) VALUES (?, ?)", arguments: [Int64(index), Data(replica.bytes)])
        }
        added.removeAll()
        if feedSequenceChanged, let feedSequence {
            try SyncMeta.set(db, .feedSequence, feedSequence)
            feedSequenceChanged = false
        }
    }
}
