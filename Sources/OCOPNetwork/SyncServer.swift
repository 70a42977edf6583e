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

    /// An accepted connection with its per-connection state.
    struct Accepted: Sendable {
        var connection: Connection
        var gate: ConnectionFrameGate
        var counts: ByteCounts
    }

    /// A bound listening socket, ready to serve.
    public struct Listener: Sendable {
        let channel: NIOAsyncChannel<Accepted, Never>
        /// The address clients connect to (with the real port when port 0 was asked for).
        public let localAddress: SocketAddress
    }

    let configuration: ServerConfiguration
    let store: any NationalStore
    /// Where attachments' bytes are received (SPEC §17); nil takes none.
    let files: FileReceiver?
    let logger: Logger
    let fakeSaltKey: SymmetricKey
    let metrics = SyncMetrics()
    let activeConnections = NIOLockedValueBox(0)
    /// Connections not yet authenticated, in all and per peer address.
    let anonymousConnections = NIOLockedValueBox(AnonymousConnections())
    /// Memory all connections together may hold in frames (``FrameMemoryBudget``).
    public let frameMemory: FrameMemoryBudget
    let group: any EventLoopGroup

    /// - Parameter fakeSaltKey: a server secret; unknown users get a salt derived from it, so a
    ///   challenge does not reveal whether a user exists.
    /// - Parameter files: where attachments' bytes are received; nil refuses every file.
    public init(
        configuration: ServerConfiguration, store: any NationalStore, fakeSaltKey: [UInt8], logger: Logger,
        files: FileReceiver? = nil, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.configuration = configuration
        self.store = store
        self.files = files
        self.fakeSaltKey = SymmetricKey(data: fakeSaltKey)
        self.logger = logger
        self.group = group
        self.frameMemory = FrameMemoryBudget(capacity: max(1, configuration.limits.frameMemoryMegabytes) * 1_048_576)
    }

    public func run() async throws {
        let listener = try await bind()
        try await cancelWhenGracefulShutdown { try await self.serve(listener) }
    }

    /// Binds the listening socket (port 0 picks a free port; see ``Listener/localAddress``).
    public func bind() async throws -> Listener {
        let sslContext = try configuration.tls.map { tls in
            // Named by setting and path: an operator fixes the config, not a library error.
            func load<T>(_ setting: String, _ path: String, _ what: String, _ body: () throws -> T) throws -> T {
                guard FileManager.default.isReadableFile(atPath: path) else {
                    throw ConfigurationError(message: "\(setting): cannot read \(path) (missing, or not readable by this user)")
                }
                do {
                    return try body()
                } catch {
                    throw ConfigurationError(message: "\(setting): \(path) is not \(what)")
                }
            }
            let chain = try load("tls.certificate", tls.certificate, "a PEM certificate chain") {
                try NIOSSLCertificate.fromPEMFile(tls.certificate).map { NIOSSLCertificateSource.certificate($0) }
            }
            let key = try load("tls.privateKey", tls.privateKey, "a PEM private key") { try NIOSSLPrivateKey(file: tls.privateKey, format: .pem) }
            do {
                return try NIOSSLContext(configuration: .makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key)))
            } catch {
                throw ConfigurationError(message: "tls: the certificate \(tls.certificate) and the key \(tls.privateKey) cannot be used together (\(error))")
            }
        }
        let idleTimeout = TimeAmount.seconds(Int64(configuration.limits.idleTimeoutSeconds))
        let frameMemory = frameMemory
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .bind(host: configuration.listen.host, port: configuration.listen.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                    }
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idleTimeout))
                    try channel.pipeline.syncOperations.addHandler(CloseOnIdleHandler())
                    let gate = ConnectionFrameGate(budget: frameMemory, authenticated: false)
                    let counts = ByteCounts()
                    try channel.addWireHandlers(counts: counts, gate: gate)
                    channel.closeFuture.whenComplete { _ in gate.releaseAll() }
                    return Accepted(connection: try Connection(wrappingChannelSynchronously: channel), gate: gate, counts: counts)
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

    private func handle(_ accepted: Accepted) async {
        let connection = accepted.connection
        let peer = connection.channel.remoteAddress
        var logger = logger
        logger[metadataKey: "peer"] = "\(peer.map { "\($0)" } ?? "?")"
        let limits = configuration.limits
        // A connection holds a slot (of maxConnections) and, until it authenticates, an anonymous
        // slot (in all, and for its address): idle or slow peers that never log in cannot take
        // the slots provinces need.
        let host = peer?.ipAddress ?? "?"
        let refusal: String? = activeConnections.withLockedValue { count in
            guard count < limits.maxConnections else { return "too many connections; try again later" }
            let anonymous = anonymousConnections.withLockedValue {
                $0.admit(host: host, total: limits.maxUnauthenticatedConnections, perHost: limits.maxUnauthenticatedPerAddress)
            }
            guard anonymous else { return "too many connections waiting to log in; try again later" }
            count += 1
            return nil
        }
        if let refusal {
            await refuseBusy(connection, refusal, logger: logger)
            return
        }
        let anonymousSlot = NIOLockedValueBox(true)
        let releaseAnonymousSlot: @Sendable () -> Void = { [anonymousConnections] in
            let held = anonymousSlot.withLockedValue { held in
                defer { held = false }
                return held
            }
            if held { anonymousConnections.withLockedValue { $0.release(host: host) } }
        }
        metrics.connection(opened: true, active: activeConnections.withLockedValue { $0 })
        defer {
            releaseAnonymousSlot()
            let active = activeConnections.withLockedValue { count in
                count -= 1
                return count
            }
            metrics.connection(opened: false, active: active)
        }
        // The whole handshake, from connecting to AUTH_OK, must fit in the deadline.
        let channel = connection.channel
        let deadline = channel.eventLoop.scheduleTask(in: .seconds(Int64(limits.handshakeTimeoutSeconds))) {
            channel.writeAndFlush(Message.goodbye(Goodbye(reason: .idleTimeout, message: "no login within \(limits.handshakeTimeoutSeconds) s")))
                .whenComplete { _ in channel.close(promise: nil) }
        }
        do {
            try await connection.executeThenClose { inbound, outbound in
                var session = ConnectionSession(
                    server: self, outbound: outbound, logger: logger, counts: accepted.counts, gate: accepted.gate,
                    authenticated: {
                        deadline.cancel()
                        releaseAnonymousSlot()
                    }
                )
                var frames = inbound.makeAsyncIterator()
                try await session.run(&frames)
            }
        } catch is CancellationError {
            logger.debug("connection cancelled by shutdown")
        } catch {
            logger.notice("connection ended", metadata: ["error": "\(error)"])
        }
        deadline.cancel()
    }

    /// Answers BUSY and closes, without holding a slot. The peer gets a moment to send its HELLO
    /// and read the answer: closing at once would reset the connection under its HELLO, and a
    /// reset discards the ERROR waiting in the peer's buffer, so it would see only a dropped line.
    private func refuseBusy(_ connection: Connection, _ message: String, logger: Logger) async {
        logger.notice("refusing connection", metadata: ["code": "BUSY", "message": "\(message)"])
        try? await connection.executeThenClose { inbound, outbound in
            try await outbound.write(.error(ErrorMessage(code: .busy, message: message)))
            await withTaskGroup(of: Void.self) { group in
                group.addTask { _ = try? await inbound.first { _ in false } }
                group.addTask { try? await Task.sleep(for: .seconds(1)) }
                await group.next()
                group.cancelAll()
            }
        }
    }

    func fakeVerifier(user: String) -> CredentialVerifier {
        let salt = Array(HMAC<SHA256>.authenticationCode(for: Array(user.utf8), using: fakeSaltKey)).prefix(16)
        return CredentialVerifier(salt: Array(salt), iterations: Scram.defaultIterations, storedKey: Array(repeating: 0, count: 32), serverKey: Array(repeating: 0, count: 32))
    }
}

/// Connections not yet authenticated, in all and per peer address.
struct AnonymousConnections: Sendable {
    private(set) var total = 0
    private var byHost: [String: Int] = [:]

    /// Takes a slot for `host` unless either limit is reached.
    mutating func admit(host: String, total limit: Int, perHost hostLimit: Int) -> Bool {
        let fromHost = byHost[host, default: 0]
        guard total < limit, fromHost < hostLimit else { return false }
        total += 1
        byHost[host] = fromHost + 1
        return true
    }

    mutating func release(host: String) {
        total -= 1
        let left = byHost[host, default: 1] - 1
        byHost[host] = left > 0 ? left : nil
    }
}

/// Closes a connection that stayed silent longer than the idle timeout (after an
/// `IdleStateHandler`), and notes that it did when given a flag to set.
final class CloseOnIdleHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny
    private let noted: NIOLockedValueBox<Bool>?

    init(noting noted: NIOLockedValueBox<Bool>? = nil) {
        self.noted = noted
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            noted?.withLockedValue { $0 = true }
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
