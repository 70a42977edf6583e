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
struct Representation {
    var data: Data
    var contentType: String
    var headers: HTTPFields = [:]

    /// A strong tag: the SHA-256 of the bytes, so equal bytes always have equal tags, across
    /// restarts and replicas of the server.
    var entityTag: String {
        "\"" + SHA256.hash(data: data).prefix(16).map { String(format: "%02x", $0) }.joined() + "\""
    }

    func response(to request: Request, cacheControl: String = "no-cache") -> Response {
        var headers = self.headers
        let tag = entityTag
        headers[.eTag] = tag
        headers[.cacheControl] = cacheControl
        if request.method == .get || request.method == .head, let condition = request.headers[.ifNoneMatch],
           Self.matches(condition, tag) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
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
