import Foundation
import Hummingbird
import OCOPModel

/// The fields of a posted form (`application/x-www-form-urlencoded`), NFC-normalised.
struct FormData: Sendable {
    private(set) var values: [String: String] = [:]

    /// Largest form body taken. A form of the workspace is a few kilobytes; a field pasted with
    /// far too much text (100 KB of Vietnamese is 300 KB once percent-encoded) still arrives,
    /// so the page can say which field is too long.
    static let maximumBytes = 1 << 20

    init(_ values: [String: String] = [:]) { self.values = values }

    /// Reads the body of `request`; nil when it is not a form or is too large.
    static func read(_ request: Request) async -> FormData? {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/x-www-form-urlencoded") else { return nil }
        let body = request.body
        guard let buffer = try? await body.collect(upTo: maximumBytes) else { return nil }
        return FormData(parsing: String(decoding: buffer.readableBytesView, as: UTF8.self))
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
