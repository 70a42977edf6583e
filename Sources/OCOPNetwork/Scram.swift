import Crypto
import Foundation
import OCOPStore
import OCOPWire

/// What the server stores for a user instead of the secret (``OCOPStore/CredentialVerifier``),
/// with the SCRAM computations over it (SPEC "Authentication").
///
/// A stolen verifier does not let anyone authenticate: a proof needs `ClientKey`, and the verifier
/// holds only `StoredKey = SHA-256(ClientKey)`.
public typealias ScramVerifier = CredentialVerifier

extension CredentialVerifier {
    /// Derives the verifier of `secret` (text is normalised to NFC, then UTF-8) with the given salt.
    public init(secret: String, salt: [UInt8], iterations: UInt32 = Scram.defaultIterations) {
        let salted = Scram.saltedPassword(secret: Scram.secretBytes(secret), salt: salt, iterations: iterations)
        let clientKey = Scram.hmac(key: salted, Array("Client Key".utf8))
        self.init(
            salt: salt, iterations: iterations,
            storedKey: Array(SHA256.hash(data: clientKey)), serverKey: Scram.hmac(key: salted, Array("Server Key".utf8))
        )
    }

    /// A verifier of `secret` with a fresh random 16-byte salt.
    public static func make(secret: String, iterations: UInt32 = Scram.defaultIterations) -> ScramVerifier {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return ScramVerifier(secret: secret, salt: salt, iterations: iterations)
    }

    /// Server side: whether `proof` shows knowledge of the secret for this `authMessage`.
    /// Compares in constant time.
    public func verify(proof: [UInt8], authMessage: [UInt8]) -> Bool {
        guard proof.count == 32, storedKey.count == 32 else { return false }
        let signature = Scram.hmac(key: storedKey, authMessage)
        let clientKey = zip(proof, signature).map { $0 ^ $1 }
        return Scram.constantTimeEqual(Array(SHA256.hash(data: clientKey)), storedKey)
    }

    /// Server side: the signature sent in AUTH_OK.
    public func serverSignature(authMessage: [UInt8]) -> [UInt8] {
        Scram.hmac(key: serverKey, authMessage)
    }

    /// The challenge a server sends for this verifier.
    public func challenge(version: UInt8, clientNonce: [UInt8], serverNonce: [UInt8]) -> Challenge {
        Challenge(version: version, salt: salt, iterations: iterations, nonce: clientNonce + serverNonce)
    }
}

/// SCRAM-SHA-256 computations (RFC 5802 / RFC 7677 arithmetic, our AuthMessage).
public enum Scram {
    /// PBKDF2 iterations for new verifiers (the RFC 7677 minimum; CHALLENGE refuses fewer).
    public static let defaultIterations: UInt32 = 4096
    /// The label that starts every AuthMessage.
    public static let authMessageLabel = Array("OCOP-SCRAM-SHA-256/1".utf8)

    /// The AuthMessage both sides sign (SPEC "AuthMessage"): the label, then the HELLO fields, then
    /// the CHALLENGE fields, with 16-bit big-endian lengths before variable fields.
    public static func authMessage(hello: Hello, challenge: Challenge) -> [UInt8] {
        var out = authMessageLabel
        func lp16(_ bytes: [UInt8]) {
            out.append(UInt8(truncatingIfNeeded: bytes.count >> 8))
            out.append(UInt8(truncatingIfNeeded: bytes.count))
            out += bytes
        }
        func u32(_ v: UInt32) {
            out += [UInt8(truncatingIfNeeded: v >> 24), UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)]
        }
        out.append(hello.minVersion)
        out.append(hello.maxVersion)
        u32(hello.schemaVersion)
        out += hello.replica.bytes
        lp16(Array(hello.user.utf8))
        lp16(hello.clientNonce)
        lp16(Array(hello.software.utf8))
        out.append(challenge.version)
        lp16(challenge.salt)
        u32(challenge.iterations)
        lp16(challenge.nonce)
        return out
    }

    /// Client side: the proof for AUTH_PROOF and the server signature to expect in AUTH_OK.
    public static func clientProof(secret: String, hello: Hello, challenge: Challenge) -> (proof: [UInt8], expectedServerSignature: [UInt8]) {
        let salted = saltedPassword(secret: secretBytes(secret), salt: challenge.salt, iterations: challenge.iterations)
        let clientKey = hmac(key: salted, Array("Client Key".utf8))
        let storedKey = Array(SHA256.hash(data: clientKey))
        let message = authMessage(hello: hello, challenge: challenge)
        let signature = hmac(key: storedKey, message)
        let proof = zip(clientKey, signature).map { $0 ^ $1 }
        return (proof, hmac(key: hmac(key: salted, Array("Server Key".utf8)), message))
    }

    /// The bytes of a secret given as text: NFC, then UTF-8.
    public static func secretBytes(_ secret: String) -> [UInt8] {
        Array(secret.precomposedStringWithCanonicalMapping.utf8)
    }

    /// PBKDF2-HMAC-SHA-256 with a 32-byte output (RFC 8018), SaltedPassword of RFC 5802.
    public static func saltedPassword(secret: [UInt8], salt: [UInt8], iterations: UInt32) -> [UInt8] {
        let key = SymmetricKey(data: secret)
        let keyed = HMAC<SHA256>(key: key)
        var first = keyed
        first.update(data: salt + [0, 0, 0, 1])
        var u = Array(first.finalize())
        var result = u
        var i: UInt32 = 1
        while i < iterations {
            var next = keyed
            next.update(data: u)
            u = Array(next.finalize())
            for j in 0..<result.count { result[j] ^= u[j] }
            i += 1
        }
        return result
    }

    static func hmac(key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: data, using: SymmetricKey(data: key)))
    }

    /// Equal length and contents, in time independent of the contents.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<a.count { difference |= a[i] ^ b[i] }
        return difference == 0
    }
}
