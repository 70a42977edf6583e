import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO

/// The connection a statement ran on was closed before the statement finished (PostgreSQL
/// restarted, or ended the session): whether it happened is unknown, so the caller's request
/// fails and is sent again later (a push is idempotent).
struct ConnectionLost: Error, CustomStringConvertible {
    var description: String {
        "the connection to the database was lost (PostgreSQL restarted or ended the session); the request is to be sent again"
    }
}

/// Fails the statements of a connection the server closed.
///
/// postgres-nio 1.33 drops a query written to a connection whose channel has just closed without
/// ever completing it (vapor/postgres-nio#487, reverted in #501), so a push in flight when
/// PostgreSQL restarts would wait for ever and its province would hear nothing. Every statement
/// of the store runs through ``run(on:_:)``, which also finishes when the connection's channel
/// closes. One close callback is registered per connection, not per statement, so a long-lived
/// pooled connection does not collect callbacks.
final class PostgresConnectionWatch: Sendable {
    private typealias Failure = @Sendable (any Error) -> Void

    private struct Watched {
        var waiting: [Int: Failure] = [:]
        var next = 0
    }

    private let connections = NIOLockedValueBox([ObjectIdentifier: Watched]())

    func run<T: Sendable>(on connection: PostgresConnection, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        guard !connection.isClosed else { throw ConnectionLost() }
        let id = ObjectIdentifier(connection)
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let resumed = NIOLockedValueBox(false)
            let finish: @Sendable (Result<T, any Error>) -> Void = { result in
                let first = resumed.withLockedValue { done -> Bool in
                    defer { done = true }
                    return !done
                }
                if first { continuation.resume(with: result) }
            }
            let (token, isNew) = connections.withLockedValue { connections -> (Int, Bool) in
                let isNew = connections[id] == nil
                var watched = connections[id] ?? Watched()
                let token = watched.next
                watched.next += 1
                watched.waiting[token] = { finish(.failure($0)) }
                connections[id] = watched
                return (token, isNew)
            }
            if isNew {
                connection.closeFuture.whenComplete { [connections] _ in
                    let waiting = connections.withLockedValue { $0.removeValue(forKey: id)?.waiting.values.map { $0 } ?? [] }
                    for fail in waiting { fail(ConnectionLost()) }
                }
            }
            Task { [connections] in
                let result: Result<T, any Error>
                do {
                    result = .success(try await body())
                } catch {
                    result = .failure(error)
                }
                connections.withLockedValue { _ = $0[id]?.waiting.removeValue(forKey: token) }
                finish(result)
            }
        }
    }
}
