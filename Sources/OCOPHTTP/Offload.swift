import NIOPosix

/// Runs blocking work (SQLite reads and writes) on NIO's thread pool, off the cooperative
/// threads that serve requests, so one slow report never stalls the other connections.
func offload<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await NIOThreadPool.singleton.runIfActive(body)
}
