/// CHALLENGE (server → client): the chosen version and the SCRAM parameters.
public struct Challenge: Hashable, Sendable {
    /// The protocol version the session uses from now on.
    public var version: UInt8
    /// The user's PBKDF2 salt: 8–255 bytes.
    public var salt: [UInt8]
    /// PBKDF2 iterations: 4096–10,000,000.
    public var iterations: UInt32
    /// The client nonce followed by the server's fresh nonce (at least 18 bytes): 36–510 bytes.
    public var nonce: [UInt8]

    public init(version: UInt8, salt: [UInt8], iterations: UInt32, nonce: [UInt8]) {
        self.version = version
        self.salt = salt
        self.iterations = iterations
        self.nonce = nonce
    }
}
