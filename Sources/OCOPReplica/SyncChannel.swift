import OCOPSync

/// A connection to the server as the sync algorithm needs it: the network client implements it
/// over the wire protocol, tests implement it over a store in the same process.
public protocol SyncChannel {
    /// Sends one batch; returns only once the server durably merged it.
    func push(_ batch: PushBatch) async throws -> PushResult
    /// The page of the feed after `cursor`.
    func pull(after cursor: UInt64) async throws -> PullResult
}

/// What one sync did.
public struct SyncReport: Sendable, Equatable {
    public var batchesPushed = 0
    public var changesPushed = 0
    public var changesRefused = 0
    public var pagesPulled = 0
    public var changesPulled = 0
    public var changesApplied = 0
    public var conflictsRecorded = 0
    public init() {}
}

/// Progress of a sync, for a terminal display.
public enum SyncProgress: Sendable {
    case pushed(changes: Int, remainingWrites: Int)
    case pulled(changes: Int, cursor: UInt64)
}

extension Replica {
    /// Pushes every pending change, then pulls until the feed is drained.
    ///
    /// Safe to run again after any failure: the cursor only moves on the server's durable
    /// acknowledgement and on a durably applied page, and re-sent changes are no-ops.
    public func sync(
        over channel: some SyncChannel, batchSize: Int = 2_000, progress: (SyncProgress) -> Void = { _ in }
    ) async throws -> SyncReport {
        // The replica's own work (reading, stamping, applying) blocks on SQLite: it runs on
        // BlockingWork's threads, never on the caller's cooperative thread (a workspace's pages
        // share those with this sync).
        var report = SyncReport()
        while let batch = try await BlockingWork.run({ try self.outgoingBatch(maxWrites: batchSize) }) {
            let acknowledgement = try await channel.push(batch)
            // Refused conflict records (numbered after the changes, SPEC §9) leave nothing to park.
            let rejections = acknowledgement.refused.filter { $0.index < batch.changes.count }.map(Rejection.init)
            let remaining = try await BlockingWork.run {
                try self.acknowledge(batch, through: acknowledgement.acknowledgedThrough, rejections: rejections)
                return try self.syncPosition().pendingWrites
            }
            report.batchesPushed += 1
            report.changesPushed += batch.changes.count
            report.changesRefused += rejections.count
            progress(.pushed(changes: report.changesPushed, remainingWrites: remaining))
            if acknowledgement.acknowledgedThrough < batch.lastCounter { break }
        }
        var cursor = try await BlockingWork.run { try self.syncPosition().pulledCursor }
        while true {
            let page = try await channel.pull(after: cursor)
            let summary = try await BlockingWork.run {
                try self.applyIncoming(changes: page.changes, conflicts: page.conflicts, cursor: page.nextCursor)
            }
            report.pagesPulled += 1
            report.changesPulled += page.changes.count
            report.changesApplied += summary.applied
            report.conflictsRecorded += summary.conflicts + page.conflicts.count
            cursor = page.nextCursor
            progress(.pulled(changes: report.changesPulled, cursor: cursor))
            if !page.hasMore { break }
        }
        return report
    }
}
