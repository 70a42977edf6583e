import NIOCore
import OCOPWire

/// A NIO `ByteToMessageDecoder` producing ``OCOPWire/Message``s from the byte stream.
///
/// Use as `ByteToMessageHandler(WireFrameDecoder())`. A framing error (the stream can no longer be
/// trusted: ``OCOPWire/WireError/Code/closesConnection``) is thrown, which puts the handler in its
/// error state; a payload error in an intact frame is fired as `errorCaught` and decoding goes on
/// with the next frame, so the session can answer with ERROR and continue. At end of stream a
/// partial frame is reported as ``OCOPWire/WireError/Code/truncatedFrame``.
public struct WireFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = Message

    private var decoder: FrameDecoder
    private let limits: WireLimits
    private let gate: ConnectionFrameGate?

    /// - Parameters:
    ///   - limits: the limits once the peer has authenticated (all the time on a client).
    ///   - gate: on a server, the connection's gate: the small anonymous limits until the session
    ///     authenticates the peer, and the daemon-wide memory budget for frames.
    public init(limits: WireLimits = .protocolDefault, gate: ConnectionFrameGate? = nil) {
        decoder = FrameDecoder(limits: limits)
        self.limits = limits
        self.gate = gate
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let count = buffer.readableBytes
        if count > 0 {
            buffer.withUnsafeReadableBytes { decoder.append($0) }
            buffer.moveReaderIndex(forwardBy: count)
        }
        try drain(context: context)
        return .needMoreData
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        _ = try decode(context: context, buffer: &buffer)
        if seenEOF { try decoder.finish() }
        return .needMoreData
    }

    private mutating func drain(context: ChannelHandlerContext) throws {
        while true {
            if let gate {
                decoder.limits = gate.isAuthenticated ? limits : .beforeAuthentication
                if let cost = decoder.nextFrameCost, !gate.reserveCurrentFrame(cost) {
                    throw WireError(
                        code: .busy, field: "frame \(decoder.frameIndex)",
                        message: "the server has no memory free for a frame of \(cost) bytes now; retry later"
                    )
                }
            }
            do {
                guard let message = try decoder.next() else { return }
                gate?.frameDecoded()
                context.fireChannelRead(Self.wrapInboundOut(message))
            } catch where !error.code.closesConnection {
                gate?.frameDiscarded()
                context.fireErrorCaught(error)
            } catch {
                gate?.frameDiscarded()
                throw error
            }
        }
    }
}
