import Foundation
import NIOPosix

/// Threads of their own for a store's blocking database work, apart from Swift's cooperative
/// pool and NIO's event loops, so that waiting on the disk never stalls a task or a connection.
///
/// Two lanes, because the daemon's promise is that a slow read (a 9-second feed render, a
/// report) never makes a push wait: writes have their own threads that reads cannot occupy.
/// The lanes are shared by every store in the process (tests open many) and live as long as
/// the process does.
public enum StoreThreads {
    /// SQLite has one writer per file, so a couple of threads are enough; two so that one
    /// store's slow transaction does not queue another store's (tests, tools holding several).
    static let writes = started(NIOThreadPool(numberOfThreads: 2))
    /// WAL readers run side by side: one per core, at least two.
    package static let readThreadCount = max(2, ProcessInfo.processInfo.activeProcessorCount)
    static let reads = started(NIOThreadPool(numberOfThreads: readThreadCount))

    private static func started(_ pool: NIOThreadPool) -> NIOThreadPool {
        pool.start()
        return pool
    }

    /// Runs `body`, which writes, on the write lane.
    public static func write<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await writes.runIfActive(body)
    }

    /// Runs `body`, which only reads or computes (a report, a feed rendering), on the read lane.
    public static func read<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await reads.runIfActive(body)
    }
}
