import Foundation

/// Runs blocking or CPU-bound `work` on a thread of its own and resumes with its result.
///
/// Swift's cooperative pool has one thread per core. A test that blocks one (waiting for a
/// child process) or keeps it busy for seconds (thousands of random schedules) takes half the
/// pool of a two-core machine from every in-process server, client and timer of the run; on a
/// thread of its own it only shares the cores, as the kernel schedules them.
public func onDedicatedThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}
