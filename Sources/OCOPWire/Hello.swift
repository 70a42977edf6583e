import OCOPSync

/// HELLO (client → server): opens a session and starts authentication.
public struct Hello: Hashable, Sendable {
    /// Lowest and highest protocol version the client speaks (`minVersion <= maxVersion`).
    public var minVersion: UInt8
    public var maxVersion: UInt8
    /// The schema version of the client's replica.
    public var schemaVersion: UInt32
    /// The client replica's id.
    public var replica: ReplicaID
    /// The user (tenant identifier as text, e.g. a UUID string, or `central`): 1–255 UTF-8 bytes.
    public var user: String
    /// Fresh random bytes for this connection: 18–255 bytes.
    public var clientNonce: [UInt8]
    /// Client software name and version, 0–255 UTF-8 bytes (for logs).
    public var software: String

    public init(minVersion: UInt8 = 1, maxVersion: UInt8 = 1, schemaVersion: UInt32, replica: ReplicaID, user: String, clientNonce: [UInt8], software: String) {
        self.minVersion = minVersion
        self.maxVersion = maxVersion
        self.schemaVersion = schemaVersion
        self.replica = replica
        self.user = user
        self.clientNonce = clientNonce
        self.software = software
    }
}
