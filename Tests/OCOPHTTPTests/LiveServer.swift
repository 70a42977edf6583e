import Crypto
import Foundation
import Hummingbird
import OCOPHTTP
import OCOPStore
import OCOPTestSupport
import ServiceLifecycle
import Logging

/// The central office's HTTP server over a seeded national dataset, running in-process on
/// 127.0.0.1 (an ephemeral port), reached over real HTTP.
final class LiveServer: @unchecked Sendable {
    let seed: Seed
    let server: CentralHTTPServer
    let client: HTTPTestClient
    let signingKey: Curve25519.Signing.PrivateKey
    /// Tokens of the two scopes.
    let readToken: String
    let reviewToken: String
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    var store: SQLiteNationalStore { seed.harness.store }

    private init(seed: Seed, server: CentralHTTPServer, port: Int, signingKey: Curve25519.Signing.PrivateKey,
                 readToken: String, reviewToken: String, group: ServiceGroup, task: Task<Void, any Error>) {
        self.seed = seed
        self.server = server
        self.client = HTTPTestClient(port: port)
        self.signingKey = signingKey
        self.readToken = readToken
        self.reviewToken = reviewToken
        self.group = group
        self.task = task
    }

    static func start(seed: Seed? = nil, filesDirectory: String? = nil, logger: Logger = quietLogger) async throws -> LiveServer {
        let seed = if let seed { seed } else { try await Seed() }
        let key = Curve25519.Signing.PrivateKey()
        let server = try CentralHTTPServer(
            store: seed.harness.store,
            configuration: CentralHTTPConfiguration(host: "127.0.0.1", port: 0, feedSigningKey: key, filesDirectory: filesDirectory),
            logger: logger)
        let readToken = try await seed.harness.store.issueAPIToken(name: "Trần Thị Bình", scope: .read).token
        let reviewToken = try await seed.harness.store.issueAPIToken(name: "Lê Văn Cường", scope: .review).token
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let application = server.application { channel in
            continuation.yield(channel.localAddress?.port ?? 0)
            continuation.finish()
        }
        // A service group, as in the daemon, so the test can shut it down gracefully.
        let group = ServiceGroup(services: [application], gracefulShutdownSignals: [], cancellationSignals: [],
                                 logger: Logger(label: "ocop.http.test"))
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            throw HTTPTestError("the HTTP server did not start")
        }
        return LiveServer(seed: seed, server: server, port: port, signingKey: key, readToken: readToken,
                          reviewToken: reviewToken, group: group, task: task)
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }

    /// GET with the read token.
    func get(_ path: String, headers: [String: String] = [:]) async throws -> HTTPTestResponse {
        try await client.request("GET", path, token: readToken, headers: headers)
    }
}

/// Warnings and errors only: the access log would drown the test output.
let quietLogger: Logger = {
    var logger = Logger(label: "ocop.http.test")
    logger.logLevel = .warning
    return logger
}()

struct HTTPTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body` with a live server and stops it afterwards, also when `body` throws.
func withLiveServer<T>(seed: Seed? = nil, filesDirectory: String? = nil, logger: Logger = quietLogger,
                       _ body: (LiveServer) async throws -> T) async throws -> T {
    let server = try await LiveServer.start(seed: seed, filesDirectory: filesDirectory, logger: logger)
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}
