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

    public func push(_ batch: PushBatch) async throws -> PushResult {
        try await store.push(RetiredProvince.adopt(batch, for: principal), from: principal)
    }

    public func pull(after cursor: UInt64) async throws -> PullResult {
        if let refusal = RetiredProvince.pullRefusal(for: principal) { throw StoreError(.invalidArgument, refusal) }
        return try await store.pull(after: cursor, limit: pageSize, for: principal)
    }
}
