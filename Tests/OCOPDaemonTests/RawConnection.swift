import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import OCOPWire

/// A TCP connection that sends exactly the bytes a test gives it, for hostile input.
struct RawConnection {
    let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>

    static func connect(port: Int) async throws -> RawConnection {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        return RawConnection(channel: channel)
    }

    /// Sends `bytes` (optionally closing our side), then reads until the server closes or
    /// `timeout` passes, and decodes what came back.
    func exchange(_ bytes: [UInt8], halfClose: Bool = false, timeout: Duration = .seconds(5)) async throws -> (messages: [Message], closed: Bool) {
        try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(bytes: bytes))
            if halfClose { outbound.finish() }
            let received = NIOLockedValueBox<[Message]>([])
            let closed = try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    var decoder = FrameDecoder()
                    for try await buffer in inbound {
                        decoder.append(Array(buffer.readableBytesView))
                        while let message = try decoder.next() { received.withLockedValue { $0.append(message) } }
                    }
                    return true
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return false
                }
                let first = try await group.next()!
                group.cancelAll()
                return first
            }
            return (received.withLockedValue { $0 }, closed)
        }
    }
}

func frame(_ message: Message) throws -> [UInt8] {
    try FrameEncoder().encode(message)
}
