import Crypto
import Foundation
import Logging
import OCOPFeeds
import OCOPNetwork

/// The central office's feed signing key on disk (PEM, PKCS #8, as `openssl genpkey -algorithm
/// ed25519` writes it).
enum FeedSigningKeyFile {
    /// Reads the key; the default key file is created (mode 0600) on first start, so a fresh
    /// install serves signed feeds at once. A configured key must exist: partners trust it.
    static func load(path: String, createIfMissing: Bool, logger: Logger) throws -> Curve25519.Signing.PrivateKey {
        if let data = FileManager.default.contents(atPath: path) {
            do { return try FeedKeys.signingKey(from: data) } catch {
                throw ConfigurationError(message: "\(path): not an Ed25519 private key: \(error)")
            }
        }
        guard createIfMissing else {
            throw ConfigurationError(message: "\(path): cannot read the feed signing key (http.feedSigningKey)")
        }
        let key = Curve25519.Signing.PrivateKey()
        guard FileManager.default.createFile(atPath: path, contents: Data(FeedKeys.pem(key).utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ConfigurationError(message: "\(path): cannot create the feed signing key")
        }
        logger.notice("created a feed signing key; give partners its public key (GET /feeds/signing-key.pem)", metadata: ["path": "\(path)"])
        return key
    }
}
