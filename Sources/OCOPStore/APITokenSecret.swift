import Crypto
import Foundation

/// How an HTTP API token is made and checked, for every backend: `ocop_<id>_<secret>`, of which
/// a store keeps only the id and a SHA-256 of the secret.
package enum APITokenSecret {
    static let prefix = "ocop_"

    /// A new token for `name` (the person or system holding it), its record and the digest to keep.
    package static func mint(name: String, scope: APIScope) throws -> (token: String, record: APIToken, digest: [UInt8]) {
        let name = name.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw StoreError(.invalidArgument, "a token needs the name of the person or system holding it") }
        var generator = SystemRandomNumberGenerator()
        let id = (0..<4).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        let secret = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        let record = APIToken(id: id, name: name, scope: scope, createdAt: ISO8601DateFormatter().string(from: Date()), revokedAt: nil)
        return ("\(prefix)\(id)_\(secret)", record, digest(secret))
    }

    /// The id and secret digest of a presented token, or nil if it is not of the token's form.
    package static func parse(_ token: String) -> (id: String, digest: [UInt8])? {
        guard token.hasPrefix(prefix) else { return nil }
        let parts = token.dropFirst(prefix.count).split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 8, parts[1].count == 64 else { return nil }
        return (String(parts[0]), digest(String(parts[1])))
    }

    /// Compares digests in constant time: the secret must not leak through timing.
    package static func matches(stored: [UInt8], presented: [UInt8]) -> Bool {
        stored.count == presented.count && zip(stored, presented).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0
    }

    static func digest(_ secret: String) -> [UInt8] { Array(SHA256.hash(data: Data(secret.utf8))) }
}
