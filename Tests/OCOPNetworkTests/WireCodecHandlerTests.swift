import NIOCore
import NIOEmbedded
import OCOPNetwork
import OCOPWire
import Testing

@Suite("NIO frame codec handlers")
struct WireCodecHandlerTests {
    static func channel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([
            ByteToMessageHandler(WireFrameDecoder()),
            MessageToByteHandler(WireFrameEncoder()),
        ])
        return channel
    }

    static let names = ["001-hello.json", "003-challenge.json", "004-auth-proof.json", "005-auth-ok-province.json", "017-push-compressed-batch.json",
                        "023-push-ack-with-rejections.json", "025-pull-first.json", "027-changes-has-more.json", "030-error-with-detail.json", "032-goodbye.json"]

    @Test func encodesMessagesToTheVectorBytes() throws {
        let channel = try Self.channel()
        for name in Self.names {
            try channel.writeOutbound(try VectorFiles.message(name))
            let buffer = try #require(try channel.readOutbound(as: ByteBuffer.self))
            #expect(Array(buffer.readableBytesView) == (try VectorFiles.frame(name)), "\(name)")
        }
        #expect(try channel.finish().isClean)
    }

    @Test func decodesFramesSplitAnywhere() throws {
        let channel = try Self.channel()
        var stream: [UInt8] = []
        var expected: [Message] = []
        for name in Self.names {
            stream += try VectorFiles.frame(name)
            expected.append(try VectorFiles.message(name))
        }
        var start = 0
        var size = 1
        while start < stream.count {
            let end = min(stream.count, start + size)
            try channel.writeInbound(ByteBuffer(bytes: stream[start..<end]))
            start = end
            size = size * 3 % 997 + 1
        }
        var received: [Message] = []
        while let message = try channel.readInbound(as: Message.self) { received.append(message) }
        #expect(received == expected)
        #expect(try channel.finish().isClean)
    }

    @Test func aPayloadErrorIsReportedAndDecodingGoesOn() throws {
        let channel = try Self.channel()
        let bytes = try VectorFiles.frame("133-pull-zero-max.json") + VectorFiles.frame("025-pull-first.json")
        do {
            try channel.writeInbound(ByteBuffer(bytes: bytes))
            Issue.record("no error")
        } catch let error as WireError {
            #expect(error.code == .invalidValue)
        }
        #expect(try channel.readInbound(as: Message.self) == (try VectorFiles.message("025-pull-first.json")))
        _ = try channel.finish()
    }

    @Test func aFramingErrorStopsDecoding() throws {
        let channel = try Self.channel()
        let bytes = try VectorFiles.frame("106-checksum-mismatch.json") + VectorFiles.frame("025-pull-first.json")
        do {
            try channel.writeInbound(ByteBuffer(bytes: bytes))
            Issue.record("no error")
        } catch let error as WireError {
            #expect(error.code == .checksumMismatch)
        }
        #expect(try channel.readInbound(as: Message.self) == nil)
        _ = try? channel.finish()
    }

    @Test func aStreamEndingInsideAFrameIsTruncated() throws {
        let channel = try Self.channel()
        let frame = try VectorFiles.frame("025-pull-first.json")
        try channel.writeInbound(ByteBuffer(bytes: frame.dropLast()))
        #expect(try channel.readInbound(as: Message.self) == nil)
        do {
            _ = try channel.finish()
            Issue.record("no error")
        } catch let error as WireError {
            #expect(error.code == .truncatedFrame)
        }
    }
}
