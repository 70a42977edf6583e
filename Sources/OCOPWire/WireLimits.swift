/// The bounds a receiver enforces before it allocates anything, and that a sender must respect.
///
/// ``protocolDefault`` holds the limits of `Protocol/SPEC.md` (version 1). A receiver may be
/// stricter; a sender never exceeds the defaults, because a peer rejects anything above them.
public struct WireLimits: Hashable, Sendable {
    /// Largest payload as carried in a frame (after compression), in bytes.
    public var maxFramePayload: Int = 16 * 1024 * 1024
    /// Largest payload after decompression, in bytes.
    public var maxDecompressedPayload: Int = 64 * 1024 * 1024
    /// Most changes, conflicts or rejections in one message (each list separately).
    public var maxBatchEntries: Int = 100_000
    /// Longest text value, in UTF-8 bytes.
    public var maxTextBytes: Int = 1024 * 1024
    /// Longest blob value, in bytes.
    public var maxBlobBytes: Int = 4 * 1024 * 1024
    /// Longest name (table, column, user, tenant, software) and longest nonce or salt, in bytes.
    public var maxNameBytes: Int = 255
    /// Longest human message text (ERROR, GOODBYE, rejections), in UTF-8 bytes.
    public var maxMessageTextBytes: Int = 4096
    /// Most entries in one version vector.
    public var maxVectorEntries: Int = 1024
    /// Most columns in one row change.
    public var maxColumns: Int = 256
    /// Most entries in a batch's string table.
    public var maxStringTable: Int = 4096
    /// Most entries in a batch's replica table.
    public var maxReplicaTable: Int = 4096
    /// Most files in one FILE_OFFER or FILE_WANT.
    public var maxFilesPerOffer: Int = 256
    /// Largest FILE_CHUNK data, in bytes.
    public var maxChunkBytes: Int = 1024 * 1024
    /// Largest file, in bytes.
    public var maxFileBytes: UInt64 = 32 * 1024 * 1024

    public init() {}

    /// The limits of protocol version 1.
    public static let protocolDefault = WireLimits()

    /// The limits a server enforces before a peer has authenticated (SPEC §11): HELLO and
    /// AUTH_PROOF fit in a few hundred bytes, so an anonymous peer can make the server buffer or
    /// inflate no more than 4 KiB.
    public static let beforeAuthentication: WireLimits = {
        var limits = WireLimits()
        limits.maxFramePayload = 4096
        limits.maxDecompressedPayload = 4096
        return limits
    }()
}
