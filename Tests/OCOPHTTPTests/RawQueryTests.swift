import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// Sends bytes exactly as given (no client library percent-encodes them) and reads until the
/// server closes, on a thread of its own. With `pieces`, the bytes go out in writes of that
/// size a few milliseconds apart, so the server reads them split anywhere.
func rawHTTP(port: Int, _ request: [UInt8], pieces: Int? = nil) async throws -> String {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            continuation.resume(with: Result {
                let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                guard fd >= 0 else { throw HTTPTestError("socket failed") }
                defer { close(fd) }
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_port = in_port_t(UInt16(port).bigEndian)
                address.sin_addr.s_addr = inet_addr("127.0.0.1")
                // Generous: in a full run the in-process server can wait minutes for a thread.
                var timeout = timeval(tv_sec: 600, tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                let connected = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                }
                guard connected == 0 else { throw HTTPTestError("connect failed") }
                var noDelay: Int32 = 1
                setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
                for start in stride(from: 0, to: request.count, by: pieces ?? request.count) {
                    let piece = Array(request[start..<min(request.count, start + (pieces ?? request.count))])
                    var sent = -1
                    repeat { sent = piece.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) } } while sent < 0 && errno == EINTR
                    guard sent == piece.count else { throw HTTPTestError("send failed") }
                    if pieces != nil { usleep(2_000) }
                }
                var received: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 65_536)
                while true {
                    let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                    // Other tests start and reap processes all the time: a signal arriving while
                    // recv waits interrupts it, which is not the server closing.
                    if count < 0 && errno == EINTR { continue }
                    if count <= 0 { break }
                    received += buffer[0..<count]
                }
                return String(decoding: received, as: UTF8.self)
            })
        }
    }
}

@Suite("HTTP: raw UTF-8 in the query string")
struct RawQueryTests {
    func get(_ target: String, token: String, close: Bool = true) -> [UInt8] {
        Array("GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n\(close ? "Connection: close\r\n" : "")\r\n".utf8)
    }

    @Test("?q=chè thái sent as raw UTF-8 (and a raw space) means what its percent-encoded form means")
    func rawUTF8QueryIsAccepted() async throws {
        try await withLiveServer { server in
            let encoded = try await server.get("/api/v1/products?q=ch%C3%A8%20h")
            #expect(encoded.status == 200)
            let total = try #require(encoded.json?["total"] as? Int)
            #expect(total > 0, "the seed has Chè H")

            for target in ["/api/v1/products?q=chè h", "/api/v1/products?q=chè+h", "/api/v1/products?q=ch%C3%A8 h"] {
                let answer = try await rawHTTP(port: server.client.port, get(target, token: server.readToken))
                #expect(answer.hasPrefix("HTTP/1.1 200"), "\(target): \(answer.prefix(200))")
                #expect(answer.contains("\"total\" : \(total)"), "\(target): \(answer)")
            }
        }
    }

    @Test("bytes that are not UTF-8 get a JSON 400 naming the problem, not an empty body")
    func invalidUTF8GetsAJSONError() async throws {
        try await withLiveServer { server in
            let request = Array("GET /api/v1/products?q=".utf8) + [0xE0, 0xA4] + Array(" HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(server.readToken)\r\nConnection: close\r\n\r\n".utf8)
            let answer = try await rawHTTP(port: server.client.port, request)
            #expect(answer.hasPrefix("HTTP/1.1 400"), "\(answer.prefix(200))")
            #expect(answer.contains(#""code" : "bad_parameter""#), "\(answer)")
        }
    }

    @Test("on a kept-alive connection every request line is found, also after a request with a body")
    func keptAliveConnections() async throws {
        try await withLiveServer { server in
            let body = #"{"take": "winner"}"#
            let post = Array("POST /api/v1/conflicts/ffffffffffff/resolution HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(server.reviewToken)\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
            let requests = Array("\r\n".utf8) + get("/api/v1/products?q=chè", token: server.readToken, close: false) + post
                + get("/api/v1/products?q=thái", token: server.readToken)
            // In one write, and split into pieces that cut lines, characters and the body.
            for pieces in [nil, 7] as [Int?] {
                let answer = try await rawHTTP(port: server.client.port, requests, pieces: pieces)
                let statuses = answer.components(separatedBy: "HTTP/1.1 ").dropFirst().map { String($0.prefix(3)) }
                #expect(statuses == ["200", "404", "200"], "pieces \(pieces ?? 0): \(answer)")
            }
        }
    }
}
