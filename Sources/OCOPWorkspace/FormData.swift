import Foundation
import Hummingbird
import MultipartKit
import OCOPModel

/// The fields of a posted form (`application/x-www-form-urlencoded`, or `multipart/form-data`
/// when it carries a file), NFC-normalised.
struct FormData: Sendable {
    /// A file sent with a form: its name on the officer's computer and its bytes.
    struct UploadedFile: Sendable {
        var filename: String
        var bytes: [UInt8]
    }

    private(set) var values: [String: String] = [:]
    private(set) var files: [String: UploadedFile] = [:]

    /// Largest upload taken: a province's whole product list as CSV is well under 1 MiB.
    static let maximumUploadBytes = 8 << 20

    /// Largest form body taken. A form of the workspace is a few kilobytes; a field pasted with
    /// far too much text (100 KB of Vietnamese is 300 KB once percent-encoded) still arrives,
    /// so the page can say which field is too long.
    static let maximumBytes = 1 << 20

    init(_ values: [String: String] = [:]) { self.values = values }

    /// Reads the body of `request`; nil when it is not a form, is too large or is malformed.
    static func read(_ request: Request) async -> FormData? {
        let type = request.headers[.contentType] ?? ""
        if type.lowercased().hasPrefix("multipart/form-data") {
            guard let boundary = boundary(of: type),
                  let buffer = try? await request.body.collect(upTo: maximumUploadBytes) else { return nil }
            return FormData(multipart: buffer, boundary: boundary)
        }
        guard type.lowercased().hasPrefix("application/x-www-form-urlencoded") else { return nil }
        guard let buffer = try? await request.body.collect(upTo: maximumBytes) else { return nil }
        return FormData(parsing: String(decoding: buffer.readableBytesView, as: UTF8.self))
    }

    /// The boundary parameter of a multipart content type: 1 to 70 characters (RFC 2046); the
    /// parser must never be handed an empty one.
    static func boundary(of contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            return (1...70).contains(value.utf8.count) ? value : nil
        }
        return nil
    }

    /// A multipart body: fields as text, parts with a file name as files. Nil when malformed.
    init?(multipart body: ByteBuffer, boundary: String) {
        var parts: [MultipartPart] = []
        var headers = HTTPHeaders()
        var partBody = ByteBuffer()
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { headers.add(name: $0, value: $1) }
        parser.onBody = { partBody.writeBuffer(&$0) }
        parser.onPartComplete = {
            parts.append(MultipartPart(headers: headers, body: partBody))
            headers = HTTPHeaders()
            partBody = ByteBuffer()
        }
        do { try parser.execute(body) } catch { return nil }
        for part in parts {
            guard let name = part.name else { continue }
            let disposition = part.headers.first(name: "Content-Disposition") ?? ""
            if let filename = Self.filename(in: disposition) {
                if files[name] == nil { files[name] = UploadedFile(filename: filename.normalizedNFC(), bytes: Array(part.body.readableBytesView)) }
            } else if values[name] == nil {
                values[name] = String(decoding: part.body.readableBytesView, as: UTF8.self).normalizedNFC()
            }
        }
    }

    /// `filename="..."` of a Content-Disposition header, if the part is a file.
    private static func filename(in disposition: String) -> String? {
        guard let range = disposition.range(of: "filename=\"") else { return nil }
        let rest = disposition[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    init(parsing body: String) {
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            // The first value of a field wins; a form of ours never repeats one.
            if values[name] == nil { values[name] = value }
        }
    }

    private static func decode(_ part: Substring) -> String {
        let spaced = part.replacingOccurrences(of: "+", with: " ")
        return (spaced.removingPercentEncoding ?? spaced).normalizedNFC()
    }

    subscript(_ name: String) -> String? { values[name] }

    /// `text` for a link's query: everything but unreserved ASCII percent-encoded (UTF-8).
    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// The names of the fields posted (a checkbox left unticked is not among them).
    var names: Dictionary<String, String>.Keys { values.keys }

    /// The field trimmed, nil when empty or absent.
    func text(_ name: String) -> String? { values[name]?.trimmedNFCOrNil() }
}
