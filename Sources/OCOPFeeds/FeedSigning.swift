import Crypto
import Foundation

/// Ed25519 keys in the files people and `openssl` use: PEM (PKCS #8 private keys, SPKI public
/// keys, as `openssl genpkey -algorithm ed25519` and `openssl pkey -pubout` write them), or the
/// raw 32 bytes.
public enum FeedKeys {
    static let privatePrefix: [UInt8] = [0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]
    static let publicPrefix: [UInt8] = [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]

    /// Reads a private (signing) key from PEM or raw bytes.
    public static func signingKey(from data: Data) throws -> Curve25519.Signing.PrivateKey {
        let raw = try keyBytes(data, prefix: privatePrefix, label: "PRIVATE KEY")
        do { return try Curve25519.Signing.PrivateKey(rawRepresentation: raw) } catch {
            throw FeedError.invalidKey("not an Ed25519 private key: \(error)")
        }
    }

    /// Reads a public (verification) key from PEM or raw bytes.
    public static func publicKey(from data: Data) throws -> Curve25519.Signing.PublicKey {
        let raw = try keyBytes(data, prefix: publicPrefix, label: "PUBLIC KEY")
        do { return try Curve25519.Signing.PublicKey(rawRepresentation: raw) } catch {
            throw FeedError.invalidKey("not an Ed25519 public key: \(error)")
        }
    }

    /// PEM text of a private key (PKCS #8), readable by `openssl pkey`.
    public static func pem(_ key: Curve25519.Signing.PrivateKey) -> String {
        pem(privatePrefix + key.rawRepresentation, label: "PRIVATE KEY")
    }

    /// PEM text of a public key (SubjectPublicKeyInfo), usable with `openssl pkeyutl -verify -pubin`.
    public static func pem(_ key: Curve25519.Signing.PublicKey) -> String {
        pem(publicPrefix + key.rawRepresentation, label: "PUBLIC KEY")
    }

    static func pem(_ der: [UInt8], label: String) -> String {
        "-----BEGIN \(label)-----\n" + Data(der).base64EncodedString() + "\n-----END \(label)-----\n"
    }

    static func keyBytes(_ data: Data, prefix: [UInt8], label: String) throws -> [UInt8] {
        if data.count == 32 { return Array(data) }
        guard let text = String(data: data, encoding: .utf8), text.contains("-----BEGIN \(label)-----") else {
            throw FeedError.invalidKey("expected a PEM \"\(label)\" or 32 raw bytes")
        }
        let body = text.split(whereSeparator: \.isNewline)
            .filter { !$0.hasPrefix("-----") }
            .joined()
        guard let der = Data(base64Encoded: body).map(Array.init), der.count == prefix.count + 32,
              Array(der.prefix(prefix.count)) == prefix else {
            throw FeedError.invalidKey("the PEM \"\(label)\" is not an Ed25519 key")
        }
        return Array(der.suffix(32))
    }
}

/// One file of an export as the manifest lists it.
public struct ManifestFile: Sendable, Hashable, Codable {
    public var path: String
    public var sha256: String
    public var bytes: Int
}

/// `manifest.json`: what an export contains, signed as a whole (`manifest.json.sig`, the raw
/// 64-byte Ed25519 signature of the manifest file's exact bytes).
public struct FeedManifest: Sendable, Hashable, Codable {
    public var format: String
    public var profile: String
    public var since: FeedCursor?
    public var cursor: FeedCursor
    public var generatedAt: String
    public var counts: FeedCounts
    public var files: [ManifestFile]

    public static let formatName = "ocop-feed-manifest/1"
    public static let fileName = "manifest.json"
    public static let signatureFileName = "manifest.json.sig"

    var json: FeedJSON {
        .object([
            ("format", .string(format)),
            ("profile", .string(profile)),
            ("since", since.map { .string($0.description) } ?? .null),
            ("cursor", .string(cursor.description)),
            ("generatedAt", .string(generatedAt)),
            ("counts", .object([("upserts", .int(counts.upserts)), ("removals", .int(counts.removals))])),
            ("files", .array(files.map { .object([("path", .string($0.path)), ("sha256", .string($0.sha256)), ("bytes", .int($0.bytes))]) })),
        ])
    }
}

/// How many entries an export holds.
public struct FeedCounts: Sendable, Hashable, Codable {
    public var upserts: Int
    public var removals: Int

    public init(upserts: Int, removals: Int) {
        self.upserts = upserts
        self.removals = removals
    }
}

func sha256Hex(_ data: Data) -> String {
    SHA256.hash(data: data).map { byte in
        let hex = String(byte, radix: 16)
        return byte < 16 ? "0" + hex : hex
    }.joined()
}
