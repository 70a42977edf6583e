import Foundation
import Logging
import OCOPSync

// The sync protocol for the daemon: the synchronous bodies in SQLiteNationalStore.swift, run on
// the store's write threads so that no cooperative thread or event loop waits on the disk, and
// logged as an operator needs them.
extension SQLiteNationalStore {
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
        logger.logPush(batch, result, from: principal, elapsed: clock.now - started)
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
