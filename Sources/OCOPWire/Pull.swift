/// PULL (client → server): asks for changes after ``cursor``.
public struct Pull: Hashable, Sendable {
    /// The client has durably applied everything up to this cursor; the server records it.
    public var cursor: UInt64
    /// The most changes the client wants in the answer: 1–100,000.
    public var maxChanges: UInt32

    public init(cursor: UInt64, maxChanges: UInt32) {
        self.cursor = cursor
        self.maxChanges = maxChanges
    }
}
