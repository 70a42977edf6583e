import NIOConcurrencyHelpers
import NIOCore

/// Sits in front of the TLS handler of a client and looks at the server's first byte: a TLS
/// record starts with a content type from 20 to 24. Anything else (`H` of an HTTP answer, `O` of
/// our own frames) means the port does not speak TLS, which is said plainly instead of whichever
/// handshake error the TLS library happens to report. Removes itself once it has seen TLS.
///
/// It also notes what it saw in a box the client reads when the exchange fails: the client's
/// first write, queued behind the handshake, fails with the TLS library's own error when the
/// connection closes, and that error can reach the sync before `NotTLS` does.
final class TLSRecordSniffer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let sawPlainText: NIOLockedValueBox<Bool>

    init(noting sawPlainText: NIOLockedValueBox<Bool>) {
        self.sawPlainText = sawPlainText
    }

    /// The server answered TLS with something else.
    struct NotTLS: Error {}

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        guard let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else {
            context.fireChannelRead(data)
            return
        }
        guard (20...24).contains(first) else {
            sawPlainText.withLockedValue { $0 = true }
            context.fireErrorCaught(NotTLS())
            context.close(promise: nil)
            return
        }
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
