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

    public init(limits: WireLimits = .protocolDefault) {
        decoder = FrameDecoder(limits: limits)
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
            do {
                guard let message = try decoder.next() else { return }
                context.fireChannelRead(Self.wrapInboundOut(message))
            } catch where !error.code.closesConnection {
                context.fireErrorCaught(error)
            }
        }
    }
}
