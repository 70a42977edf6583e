import Foundation
import Logging
import OCOPSync

// The sync protocol for the daemon: the synchronous bodies in SQLiteNationalStore.swift, run on
// the store's write threads so that no cooperative thread or event loop waits on the disk, and
// logged as an operator needs them.
extension SQLiteNationalStore {
    /// A push slower than this is logged: it holds the single writer, so every province waits.
    static let slowPushThreshold: Duration = .seconds(2)
    /// Refused changes logged one by one per push; the rest are counted.
    static let refusalsLogged = 20

    public func account(user: String) async throws -> Account? {
        try await StoreThreads.read { try self.account(user: user) }
    }

    public func openSession(replica id: ReplicaID, account: Account) async throws -> SessionState {
        try await StoreThreads.write { try self.openSession(replica: id, account: account) }
    }

    public func push(_ batch: PushBatch, from principal: Principal) async throws -> PushResult {
        let clock = ContinuousClock()
        let started = clock.now
        let result = try await StoreThreads.write { try self.push(batch, from: principal) }
        let elapsed = clock.now - started
        if elapsed > Self.slowPushThreshold {
            logger.notice("slow push", metadata: [
                "replica": "\(principal.replica)", "changes": "\(batch.changes.count)", "applied": "\(result.applied)",
                "seconds": "\(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)",
            ])
        }
        for refusal in result.refused.prefix(Self.refusalsLogged) {
            logger.warning("change refused", metadata: [
                "replica": "\(principal.replica)", "table": "\(refusal.table)", "code": "\(refusal.code)", "reason": "\(refusal.message)",
            ])
        }
        if result.refused.count > Self.refusalsLogged {
            logger.warning("more changes refused", metadata: ["replica": "\(principal.replica)", "count": "\(result.refused.count - Self.refusalsLogged)"])
        }
        return result
    }

    public func pull(after cursor: UInt64, limit: Int, for principal: Principal) async throws -> PullResult {
        // A pull writes too: it numbers pending central writes and records the cursor.
        try await StoreThreads.write { try self.recordPullRequest(after: cursor, for: principal) }
        let page = try await StoreThreads.read { try self.readFeedPage(after: cursor, limit: limit, for: principal) }
        try await StoreThreads.write { try self.recordServed(page, for: principal) }
        return page
    }

    public func readAhead(after cursor: UInt64, limit: Int, for principal: Principal) async throws -> PullResult {
        try await StoreThreads.read { try self.readFeedPage(after: cursor, limit: limit, for: principal) }
    }

    public func pull(after cursor: UInt64, servingReadAhead page: PullResult, for principal: Principal) async throws -> PullResult {
        try await StoreThreads.write {
            try self.recordPullRequest(after: cursor, for: principal)
            try self.recordServed(page, for: principal)
        }
        return page
    }
}
