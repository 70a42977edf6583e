import NIOCore
import OCOPWire

/// A NIO `MessageToByteEncoder` writing ``OCOPWire/Message``s as frames.
///
/// Use as `MessageToByteHandler(WireFrameEncoder())`. A message that breaks the protocol's limits
/// fails the write with the ``OCOPWire/WireError`` a receiver would have reported.
public struct WireFrameEncoder: MessageToByteEncoder {
    public typealias OutboundIn = Message

    private let encoder: FrameEncoder

    public init(encoder: FrameEncoder = FrameEncoder()) {
        self.encoder = encoder
    }

    public func encode(data: Message, out: inout ByteBuffer) throws {
        out.writeBytes(try encoder.encode(data))
    }
}
