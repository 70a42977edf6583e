import Crypto
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import OCOPStore
import OCOPSync
import OCOPWire
import ServiceLifecycle

/// The central sync daemon: accepts province and central-office connections, authenticates them
/// (SCRAM), merges their pushes into the national store and serves their pulls.
///
/// Run it as a ServiceLifecycle `Service`: on graceful shutdown it stops accepting, and each
/// connection ends after the request in flight (a push is one transaction: committed and
/// acknowledged, or not at all).
public final class SyncServer: Service, Sendable {
    public typealias Connection = NIOAsyncChannel<InboundFrame, Message>

    /// A bound listening socket, ready to serve.
    public struct Listener: Sendable {
        let channel: NIOAsyncChannel<Connection, Never>
        /// The address clients connect to (with the real port when port 0 was asked for).
        public let localAddress: SocketAddress
    }

    let configuration: ServerConfiguration
    let store: any NationalStore
    let logger: Logger
    let fakeSaltKey: SymmetricKey
    let metrics = SyncMetrics()
    let activeConnections = NIOLockedValueBox(0)
    let group: any EventLoopGroup
    let threadPool: NIOThreadPool

    /// - Parameter fakeSaltKey: a server secret; unknown users get a salt derived from it, so a
    ///   challenge does not reveal whether a user exists.
    public init(
        configuration: ServerConfiguration, store: any NationalStore, fakeSaltKey: [UInt8], logger: Logger,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, threadPool: NIOThreadPool = .singleton
    ) {
        self.configuration = configuration
        self.store = store
        self.fakeSaltKey = SymmetricKey(data: fakeSaltKey)
        self.logger = logger
        self.group = group
        self.threadPool = threadPool
    }

    public func run() async throws {
        let listener = try await bind()
        try await cancelWhenGracefulShutdown { try await self.serve(listener) }
    }

    /// Binds the listening socket (port 0 picks a free port; see ``Listener/localAddress``).
    public func bind() async throws -> Listener {
        let sslContext = try configuration.tls.map { tls in
            let chain = try NIOSSLCertificate.fromPEMFile(tls.certificate).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: tls.privateKey, format: .pem)
            return try NIOSSLContext(configuration: .makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key)))
        }
        let idleTimeout = TimeAmount.seconds(Int64(configuration.limits.idleTimeoutSeconds))
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: configuration.listen.host, port: configuration.listen.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                    }
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idleTimeout))
                    try channel.pipeline.syncOperations.addHandler(CloseOnIdleHandler())
                    try channel.addWireHandlers(counts: ByteCounts())
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
        guard let address = channel.channel.localAddress else { throw ConfigurationError(message: "the listening socket has no address") }
        logger.info("listening", metadata: ["address": "\(address)", "tls": "\(sslContext != nil)"])
        return Listener(channel: channel, localAddress: address)
    }

    /// Serves connections until the listener closes or the task is cancelled.
    public func serve(_ listener: Listener) async throws {
        try await withThrowingDiscardingTaskGroup { group in
            try await listener.channel.executeThenClose { inbound in
                for try await connection in inbound {
                    group.addTask { await self.handle(connection) }
                }
            }
        }
    }

    // MARK: One connection

    private func handle(_ connection: Connection) async {
        let peer = connection.channel.remoteAddress.map { "\($0)" } ?? "?"
        var logger = logger
        logger[metadataKey: "peer"] = "\(peer)"
        let admitted = activeConnections.withLockedValue { count -> Bool in
            guard count < configuration.limits.maxConnections else { return false }
            count += 1
            return true
        }
        metrics.connection(opened: true, active: activeConnections.withLockedValue { $0 })
        defer {
            let active = activeConnections.withLockedValue { count in
                if admitted { count -= 1 }
                return count
            }
            metrics.connection(opened: false, active: active)
        }
        do {
            try await connection.executeThenClose { inbound, outbound in
                guard admitted else {
                    try await outbound.write(.error(ErrorMessage(code: .busy, message: "too many connections; try again later")))
                    return
                }
                let counts = try? await connection.channel.pipeline.handler(type: ByteCountingHandler.self).map(\.counts).get()
                var session = ConnectionSession(server: self, outbound: outbound, logger: logger, counts: counts)
                var frames = inbound.makeAsyncIterator()
                try await session.run(&frames)
            }
        } catch is CancellationError {
            logger.debug("connection cancelled by shutdown")
        } catch {
            logger.notice("connection ended", metadata: ["error": "\(error)"])
        }
    }

    /// Runs blocking store work off the event loops.
    func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await threadPool.runIfActive(body)
    }

    func fakeVerifier(user: String) -> CredentialVerifier {
        let salt = Array(HMAC<SHA256>.authenticationCode(for: Array(user.utf8), using: fakeSaltKey)).prefix(16)
        return CredentialVerifier(salt: Array(salt), iterations: Scram.defaultIterations, storedKey: Array(repeating: 0, count: 32), serverKey: Array(repeating: 0, count: 32))
    }
}

/// Closes a connection that stayed silent longer than the idle timeout.
final class CloseOnIdleHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
