import Foundation
import Logging
import OCOPNetwork
import OCOPReplica

/// "Đồng bộ ngay": one sync at a time, started from a page and run in the background, so the
/// page that started it (and every other) answers at once; its outcome is kept for the pages.
actor SyncRunner {
    /// How to reach the daemon; nil when the workspace was started without a server.
    let configuration: SyncClientConfiguration?
    private let replica: Replica
    private let logger: Logger
    private(set) var isRunning = false
    private(set) var last: Outcome?

    /// The end of the last sync started here.
    struct Outcome: Sendable {
        var finished: Date
        var summary: SyncSummary?
        /// Why it failed (unreachable, refused login…), as `ocop sync` says it.
        var failure: String?
    }

    init(replica: Replica, configuration: SyncClientConfiguration?, logger: Logger) {
        self.replica = replica
        self.configuration = configuration
        self.logger = logger
    }

    /// Starts a sync unless one is running or there is no server; says whether it started.
    func start() -> Bool {
        guard !isRunning, let configuration else { return false }
        isRunning = true
        let replica = self.replica
        let logger = self.logger
        Task.detached {
            let outcome: Outcome
            do {
                let summary = try await SyncClient.sync(replica, configuration: configuration, logger: logger)
                outcome = Outcome(finished: Date(), summary: summary)
            } catch {
                outcome = Outcome(finished: Date(), failure: "\(error)")
            }
            await self.finish(outcome)
        }
        return true
    }

    private func finish(_ outcome: Outcome) {
        last = outcome
        isRunning = false
    }

    /// Waits until no sync runs (tests, shutdown).
    func waitUntilIdle() async {
        while isRunning { try? await Task.sleep(for: .milliseconds(50)) }
    }
}
