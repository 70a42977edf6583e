import OCOPModel

/// What `ocop-syncd --version` prints: the release, and what it speaks (a province's `ocop`
/// must share the protocol version and have this schema version or the one before).
enum DaemonVersion {
    static let release = "1.0.0"
    static let protocolVersion = 1
    static var text: String { "ocop-syncd \(release) (sync protocol \(protocolVersion), schema \(OCOPSchema.version))" }
}
