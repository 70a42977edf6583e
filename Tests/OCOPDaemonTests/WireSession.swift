import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import OCOPNetwork
import OCOPWire

/// A raw client that speaks the protocol one frame at a time, as a stranger's client or a hostile
/// peer would: it sends exactly what the test gives it and reads back what the daemon answers.
final class WireSession: @unchecked Sendable {
    private let channel: any Channel
    /// Bytes received and not yet decoded, and whether the daemon closed the connection.
    private let shared: NIOLockedValueBox<(bytes: [UInt8], closed: Bool)>
    private var decoder = FrameDecoder()

    /// Connects to the daemon on 127.0.0.1, optionally from another loopback address (so a test
    /// can play a second machine: 127.0.0.2 …).
    static func connect(port: Int, from source: String? = nil) async throws -> WireSession {
        let received = NIOLockedValueBox((bytes: [UInt8](), closed: false))
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Collector(received: received))
                }
            }
        if let source { bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: source, port: 0)) }
        let channel = try await bootstrap.connect(host: "127.0.0.1", port: port).get()
        return WireSession(channel: channel, received: received)
    }

    private init(channel: any Channel, received: NIOLockedValueBox<(bytes: [UInt8], closed: Bool)>) {
        self.channel = channel
        self.shared = received
    }

    /// Whether the daemon closed the connection and every byte it sent has been read.
    var isClosed: Bool { shared.withLockedValue { $0.closed && $0.bytes.isEmpty } && decoder.bufferedByteCount == 0 }

    func send(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    func send(_ message: Message) async throws {
        try await send(try FrameEncoder().encode(message))
    }

    /// The next message from the daemon; nil when it closed the connection or nothing came within
    /// `timeout`. A frame the test's decoder cannot read throws.
    func receive(timeout: Duration = .seconds(10)) async throws -> Message? {
        let deadline = ContinuousClock.now + timeout
        while true {
            let (bytes, closed) = shared.withLockedValue { state in
                defer { state.bytes = [] }
                return (state.bytes, state.closed)
            }
            if !bytes.isEmpty { decoder.append(bytes) }
            if let message = try decoder.next() { return message }
            if closed || ContinuousClock.now >= deadline { return nil }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Reads until the daemon closes the connection or `timeout` passes; true when it closed.
    /// Messages read meanwhile are returned through `messages`.
    @discardableResult
    func waitForClose(timeout: Duration = .seconds(10), messages: inout [Message]) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let message = try await receive(timeout: deadline - ContinuousClock.now) {
                messages.append(message)
            } else if shared.withLockedValue({ $0.closed }) {
                return true
            }
        }
        return shared.withLockedValue { $0.closed }
    }

    func waitForClose(timeout: Duration = .seconds(10)) async throws -> Bool {
        var ignored: [Message] = []
        return try await waitForClose(timeout: timeout, messages: &ignored)
    }

    /// HELLO, CHALLENGE, AUTH_PROOF, AUTH_OK for `participant`.
    @discardableResult
    func logIn(_ participant: Participant) async throws -> AuthOK {
        let hello = Hello(
            schemaVersion: 1, replica: participant.replica.replicaID, user: participant.user,
            clientNonce: (0..<24).map { _ in UInt8.random(in: 0...255) }, software: "wire-session"
        )
        try await send(.hello(hello))
        let first = try await receive()
        guard case .challenge(let challenge)? = first else { throw HarnessError(message: "no CHALLENGE: \(String(describing: first))") }
        let (proof, _) = Scram.clientProof(secret: participant.secret, hello: hello, challenge: challenge)
        try await send(.authProof(AuthProof(proof: proof)))
        let reply = try await receive()
        guard case .authOK(let ok)? = reply else { throw HarnessError(message: "no AUTH_OK: \(String(describing: reply))") }
        return ok
    }

    func close() async {
        try? await channel.close()
    }

    /// Collects every byte the daemon sends, and notes when it closes.
    private final class Collector: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        let received: NIOLockedValueBox<(bytes: [UInt8], closed: Bool)>
        init(received: NIOLockedValueBox<(bytes: [UInt8], closed: Bool)>) { self.received = received }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            received.withLockedValue { $0.bytes += buffer.readableBytesView }
        }

        func channelInactive(context: ChannelHandlerContext) {
            received.withLockedValue { $0.closed = true }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}
