/// AUTH_OK (server → client): authentication succeeded; the server proves it knows the verifier
/// and tells the client where to resume.
public struct AuthOK: Hashable, Sendable {
    /// What the authenticated user may do.
    public enum Role: UInt8, Hashable, Sendable, CaseIterable {
        /// A province: writes and reads its own tenant's rows.
        case province = 1
        /// The central office: writes any row.
        case central = 2
    }

    /// The SCRAM server signature: exactly 32 bytes. The client verifies it before trusting anything else.
    public var serverSignature: [UInt8]
    public var role: Role
    /// The tenant the session acts for, as text (1–255 UTF-8 bytes).
    public var tenant: String
    /// The highest local change counter of this replica that the server has durably committed.
    public var acknowledgedCounter: UInt64
    /// The pull cursor the server has on record for this replica (0: nothing pulled yet).
    public var pullCursor: UInt64

    public init(serverSignature: [UInt8], role: Role, tenant: String, acknowledgedCounter: UInt64, pullCursor: UInt64) {
        self.serverSignature = serverSignature
        self.role = role
        self.tenant = tenant
        self.acknowledgedCounter = acknowledgedCounter
        self.pullCursor = pullCursor
    }
}
