import OCOPModel
import OCOPReplica
import OCOPSync

/// A sync channel straight into a national store in the same process, without the network:
/// for tools that hold both (tests, the demo, a central office syncing its own replica on the
/// server). Same semantics as the wire: one durable transaction per push, pages by cursor.
public struct InProcessChannel: SyncChannel {
    public let store: any NationalStore
    public let principal: Principal
    public var pageSize: Int

    public init(store: any NationalStore, principal: Principal, pageSize: Int = 500) {
        self.store = store
        self.principal = principal
        self.pageSize = pageSize
    }

    public func push(_ batch: OutgoingBatch) async throws -> PushAcknowledgement {
        let result = try await store.push(
            PushBatch(schemaVersion: OCOPSchema.version, firstCounter: batch.firstCounter, lastCounter: batch.lastCounter,
                      changes: batch.changes, conflicts: batch.conflicts),
            from: principal
        )
        return PushAcknowledgement(
            acknowledgedThrough: result.acknowledgedThrough,
            rejections: result.refused.map { Rejection(table: $0.table, key: $0.key, code: $0.code.rawValue, reason: $0.message) }
        )
    }

    public func pull(after cursor: UInt64) async throws -> PulledPage {
        let page = try await store.pull(after: cursor, limit: pageSize, for: principal)
        return PulledPage(changes: page.changes, conflicts: page.conflicts, nextCursor: page.nextCursor, hasMore: page.hasMore)
    }
}
