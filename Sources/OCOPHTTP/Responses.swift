import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import OCOPQuery

/// JSON bodies as the CLI prints them (``JSONEncoder/report``), UTF-8.
enum JSONBody {
    static let contentType = "application/json; charset=utf-8"

    static func data(_ value: some Encodable) throws -> Data {
        try JSONEncoder.report.encode(value)
    }

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        // Encoding our own Encodable types cannot fail; if it ever does, say so in JSON.
        let data = (try? data(value)) ?? Data(#"{"error":{"code":"internal","message":"response encoding failed"}}"#.utf8)
        return Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// A representation served with an entity tag, answering conditional requests (RFC 9110 §13):
/// `If-None-Match` with the current tag (or `*`) gives `304 Not Modified` without the body.
/// Text bodies over 1 KiB are sent gzip-compressed to clients that accept it, with a tag of
/// their own (`Vary: Accept-Encoding`).
struct Representation {
    var data: Data
    var contentType: String
    var headers: HTTPFields = [:]
    /// The body already compressed (feed files keep theirs); nil compresses when needed.
    var gzipped: (@Sendable () -> Data?)? = nil

    static let compressionThreshold = 1_024

    var isCompressible: Bool {
        data.count > Self.compressionThreshold
            && (contentType.hasPrefix("text/") || contentType.contains("json") || contentType.contains("yaml") || contentType.contains("javascript"))
    }

    /// A strong tag: the SHA-256 of the bytes, so equal bytes always have equal tags, across
    /// restarts and replicas of the server.
    var entityTag: String {
        let hex = Array("0123456789abcdef".utf8)
        var tag: [UInt8] = [UInt8(ascii: "\"")]
        for byte in SHA256.hash(data: data).prefix(16) { tag += [hex[Int(byte >> 4)], hex[Int(byte & 0x0f)]] }
        tag.append(UInt8(ascii: "\""))
        return String(decoding: tag, as: UTF8.self)
    }

    func response(to request: Request, cacheControl: String = "no-cache") -> Response {
        var headers = self.headers
        var body = data
        var tag = entityTag
        if isCompressible {
            headers[.vary] = "Accept-Encoding"
            if Gzip.isAccepted(by: request.headers[.acceptEncoding]), let compressed = gzipped?() ?? Gzip.compress(data) {
                body = compressed
                // Another representation, another tag: caches must not mix the two.
                tag = String(tag.dropLast()) + "-gzip\""
                headers[.contentEncoding] = "gzip"
            }
        }
        headers[.eTag] = tag
        headers[.cacheControl] = cacheControl
        if request.method == .get || request.method == .head, let condition = request.headers[.ifNoneMatch],
           Self.matches(condition, tag) {
            headers[.contentEncoding] = nil
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// `If-None-Match` uses the weak comparison: `W/"x"` matches `"x"`.
    static func matches(_ header: String, _ tag: String) -> Bool {
        let wanted = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return wanted.contains { candidate in
            candidate == "*" || candidate == tag || (candidate.hasPrefix("W/") && String(candidate.dropFirst(2)) == tag)
        }
    }

    static func json(_ value: some Encodable) throws -> Representation {
        Representation(data: try JSONBody.data(value), contentType: JSONBody.contentType)
    }
}
