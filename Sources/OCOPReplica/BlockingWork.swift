import Dispatch

/// Runs blocking replica work (SQLite waits for the disk) on a thread outside Swift's
/// cooperative pool, so an async caller, such as a sync running beside the workspace's pages,
/// never holds one of the few cooperative threads while it waits.
package enum BlockingWork {
    private static let queue = DispatchQueue(label: "ocop.replica.blocking", qos: .utility, attributes: .concurrent)

    /// The result of `body`, run on the blocking queue.
    package static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}
