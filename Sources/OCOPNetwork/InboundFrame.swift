import NIOConcurrencyHelpers
import NIOCore
import OCOPWire

/// What a connection reads: a message, or a frame the decoder refused.
///
/// Carrying refusals as values lets a session answer a bad frame with ERROR (and go on, when the
/// stream is still intact) instead of losing the connection to a thrown error.
public enum InboundFrame: Sendable {
    case message(Message)
    case invalid(WireError)
}

/// Turns decoded messages and decoder errors into ``InboundFrame`` values.
final class InboundFrameHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = Message
    typealias InboundOut = InboundFrame

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(wrapInboundOut(.message(unwrapInboundIn(data))))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? WireError {
            context.fireChannelRead(wrapInboundOut(.invalid(error)))
        } else if let error = error as? ByteToMessageDecoderError, case .dataReceivedInErrorState(let inner, _) = error,
                  let wire = inner as? WireError {
            context.fireChannelRead(wrapInboundOut(.invalid(wire)))
        } else {
            context.fireErrorCaught(error)
        }
    }
}

/// Counts the bytes a connection sends and receives.
final class ByteCountingHandler: ChannelDuplexHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let counts: ByteCounts

    init(counts: ByteCounts) { self.counts = counts }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        counts.addReceived(unwrapInboundIn(data).readableBytes)
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        counts.addSent(unwrapOutboundIn(data).readableBytes)
        context.write(data, promise: promise)
    }
}

/// Byte totals of one connection, readable from any task.
public final class ByteCounts: Sendable {
    private let state = NIOLockedValueBox((received: 0, sent: 0))

    public init() {}

    func addReceived(_ count: Int) { state.withLockedValue { $0.received += count } }
    func addSent(_ count: Int) { state.withLockedValue { $0.sent += count } }

    public var received: Int { state.withLockedValue { $0.received } }
    public var sent: Int { state.withLockedValue { $0.sent } }
}

extension Channel {
    /// Adds the frame codec (and byte counting) to a fresh connection's pipeline; a server passes
    /// the connection's `gate` (anonymous limits, shared frame memory).
    func addWireHandlers(counts: ByteCounts, gate: ConnectionFrameGate? = nil) throws {
        try pipeline.syncOperations.addHandler(ByteCountingHandler(counts: counts))
        try pipeline.syncOperations.addHandler(ByteToMessageHandler(WireFrameDecoder(gate: gate)))
        try pipeline.syncOperations.addHandler(MessageToByteHandler(WireFrameEncoder()))
        try pipeline.syncOperations.addHandler(InboundFrameHandler())
    }
}
