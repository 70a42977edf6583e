import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import NIOSSL
import Testing

@testable import OCOPNetwork

/// `ocop sync --tls` against a port that answers in plain text. The client's first write (its
/// LOGIN, queued behind the handshake) fails with whatever the TLS library says when the
/// connection closes, and under load that failure can reach the sync before the inbound error
/// does (a CI run showed BoringSSL's "EOF during handshake"). The sniffer therefore notes what
/// it saw, so the message does not depend on which error arrives first.
@Suite("TLS record sniffer")
struct TLSRecordSnifferTests {
    func tlsClientChannel(noting box: NIOLockedValueBox<Bool>) throws -> EmbeddedChannel {
        let context = try NIOSSLContext(configuration: .makeClientConfiguration())
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(TLSRecordSniffer(noting: box))
        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: nil))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 7468)).wait()
        return channel
    }

    @Test func aPlainTextAnswerIsNotedEvenWhenTheQueuedWriteFailsFirst() throws {
        let sawPlainText = NIOLockedValueBox(false)
        let channel = try tlsClientChannel(noting: sawPlainText)
        let login = channel.writeAndFlush(ByteBuffer(string: "LOGIN"))
        _ = try? channel.writeInbound(ByteBuffer(string: "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"))
        channel.embeddedEventLoop.run()
        var failure: (any Error)?
        do { try login.wait() } catch { failure = error }
        #expect(sawPlainText.withLockedValue { $0 })
        // The write's own error is the TLS library's, not ours: the note is what names the cause.
        #expect(failure != nil)
        #expect(!(failure is TLSRecordSniffer.NotTLS))
        _ = try? channel.finish()
    }

    @Test func aTLSRecordPassesAndTheSnifferStepsAside() throws {
        let sawPlainText = NIOLockedValueBox(false)
        let channel = try tlsClientChannel(noting: sawPlainText)
        // A TLS alert record (content type 21): TLS, if not a happy one.
        _ = try? channel.writeInbound(ByteBuffer(bytes: [21, 3, 3, 0, 2, 2, 40]))
        channel.embeddedEventLoop.run()
        #expect(!sawPlainText.withLockedValue { $0 })
        #expect((try? channel.pipeline.syncOperations.handler(type: TLSRecordSniffer.self)) == nil)
        _ = try? channel.finish()
    }
}
