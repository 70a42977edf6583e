/// GOODBYE (either way): the sender is closing the session cleanly.
public struct Goodbye: Hashable, Sendable {
    /// Why. Unknown codes must be accepted.
    public struct Reason: RawRepresentable, Hashable, Sendable {
        public let rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }
        /// The work is done.
        public static let done = Reason(rawValue: 0)
        /// The sender is shutting down.
        public static let shuttingDown = Reason(rawValue: 1)
        /// The connection was idle too long.
        public static let idleTimeout = Reason(rawValue: 2)
    }

    public var reason: Reason
    /// A human explanation (≤ 4096 UTF-8 bytes).
    public var message: String

    public init(reason: Reason = .done, message: String = "") {
        self.reason = reason
        self.message = message
    }
}
