import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// Percent-encodes raw non-ASCII bytes (and spaces) in request targets before NIO's HTTP
/// parser sees them.
///
/// A URL may hold only ASCII (RFC 3986), so browsers send `?q=ch%C3%A8`; but people and
/// scripts type `curl 'http://…/api/v1/products?q=chè thái'`, and curl sends the UTF-8 bytes
/// (and even the space) as they are. The parser refuses those, and the server could then only answer 400 with an empty body
/// before any route runs. Encoding the bytes here makes that request mean what its sender meant,
/// exactly as its percent-encoded form does (`QueryParameters` then decodes it as UTF-8, and
/// refuses bytes that are not UTF-8 with a JSON error naming the parameter).
///
/// Only request lines are touched: header and body bytes pass as they are. To find each request
/// line on a kept-alive connection it follows the framing (`Content-Length`); on anything else
/// (chunked bodies) it steps aside for the rest of the connection, leaving the parser's default.
final class RequestTargetEncoder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private enum State {
        case requestLine
        case headers
        case body(remaining: Int)
        case passThrough
    }

    private var state = State.requestLine
    /// The request line being read; a line longer than this is passed on as it is (the parser
    /// then refuses it).
    private var requestLine: [UInt8] = []
    private static let maxRequestLine = 16 * 1024
    /// The header line being read (only its start matters: the name and a short value).
    private var line: [UInt8] = []
    private var contentLength = 0
    private var chunked = false
    private static let hex = Array("0123456789ABCDEF".utf8)

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let input = unwrapInboundIn(data)
        if case .passThrough = state { return context.fireChannelRead(data) }
        var output = context.channel.allocator.buffer(capacity: input.readableBytes + 16)
        let bytes = input.readableBytesView
        var index = bytes.startIndex
        while index < bytes.endIndex {
            switch state {
            case .requestLine:
                let byte = bytes[index]
                index += 1
                requestLine.append(byte)
                if byte == UInt8(ascii: "\n") {
                    output.writeBytes(Self.encoded(requestLine))
                    // An empty line before a request is allowed (RFC 9112 §2.2): still waiting for it.
                    let empty = requestLine.allSatisfy { $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") }
                    requestLine.removeAll(keepingCapacity: true)
                    if !empty { startHeaders() }
                } else if requestLine.count > Self.maxRequestLine {
                    output.writeBytes(requestLine)
                    requestLine.removeAll()
                    state = .passThrough
                }
            case .headers:
                let byte = bytes[index]
                index += 1
                output.writeInteger(byte)
                if byte == UInt8(ascii: "\n") { endHeaderLine() } else if line.count < 64 { line.append(byte) }
            case .body(let remaining):
                // Bodies are passed on in one piece, not byte by byte.
                let end = min(bytes.endIndex, index + remaining)
                output.writeBytes(bytes[index..<end])
                state = remaining > end - index ? .body(remaining: remaining - (end - index)) : .requestLine
                index = end
            case .passThrough:
                output.writeBytes(bytes[index...])
                index = bytes.endIndex
            }
        }
        context.fireChannelRead(wrapInboundOut(output))
    }

    /// `GET /p?q=chè thái HTTP/1.1\r\n` → `GET /p?q=ch%C3%A8%20th%C3%A1i HTTP/1.1\r\n`: bytes
    /// above 0x7F anywhere in the target, and spaces between the method and the version.
    static func encoded(_ line: [UInt8]) -> [UInt8] {
        let space = UInt8(ascii: " ")
        var end = line.count
        while end > 0, line[end - 1] == UInt8(ascii: "\n") || line[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        guard let first = line[..<end].firstIndex(of: space), let last = line[..<end].lastIndex(of: space), first < last,
              line[(last + 1)..<end].starts(with: Array("HTTP/".utf8)) else {
            // Not METHOD TARGET VERSION: leave spaces alone, the parser answers it.
            return line.flatMap { $0 >= 0x80 ? percent($0) : [$0] }
        }
        var result = Array(line[...first])
        for byte in line[(first + 1)..<last] {
            result += byte >= 0x80 || byte == space ? percent(byte) : [byte]
        }
        return result + line[last...]
    }

    private static func percent(_ byte: UInt8) -> [UInt8] { [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]] }

    private func startHeaders() {
        state = .headers
        line.removeAll(keepingCapacity: true)
        contentLength = 0
        chunked = false
    }

    private func endHeaderLine() {
        defer { line.removeAll(keepingCapacity: true) }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else {
            // End of the header block: then the body, then the next request line.
            state = chunked ? .passThrough : contentLength > 0 ? .body(remaining: contentLength) : .requestLine
            return
        }
        guard let colon = text.firstIndex(of: ":") else { return }
        let name = text[..<colon].lowercased()
        let value = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        if name == "content-length" {
            // Not a number (or absurd): the parser refuses the request; stop following it.
            guard let length = Int(value), length >= 0 else { state = .passThrough; return }
            contentLength = length
        } else if name == "transfer-encoding" {
            chunked = true
        }
    }
}

/// Hummingbird's HTTP/1.1 channel with ``RequestTargetEncoder`` in front of its parser.
struct UTF8TolerantHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value
    let inner: HTTP1Channel

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(RequestTargetEncoder())
        }.flatMap { inner.setup(channel: channel, logger: logger) }
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 that accepts raw UTF-8 in request targets (see ``RequestTargetEncoder``).
    static func utf8TolerantHTTP1() -> HTTPServerBuilder {
        .init { responder in UTF8TolerantHTTP1Channel(inner: HTTP1Channel(responder: responder)) }
    }
}
