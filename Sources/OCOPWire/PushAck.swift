import OCOPSync

/// PUSH_ACK (server → client): the push is durably committed up to ``lastAcknowledged``.
public struct PushAck: Hashable, Sendable {
    /// A change the server refused; the client parks it for the user, it blocks nothing else.
    public struct Rejection: Hashable, Sendable {
        /// Index of the change in the PUSH's `changes` list.
        public var index: UInt32
        public var table: String
        public var key: SyncValue
        public var reason: Reason
        /// A human explanation naming the field (≤ 4096 UTF-8 bytes).
        public var message: String

        public init(index: UInt32, table: String, key: SyncValue, reason: Reason, message: String) {
            self.index = index
            self.table = table
            self.key = key
            self.reason = reason
            self.message = message
        }
    }

    /// Why a change was refused. Unknown codes must be accepted and shown as numbers.
    public struct Reason: RawRepresentable, Hashable, Sendable {
        public let rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }
        /// The row belongs to a tenant the user may not write.
        public static let forbiddenTenant = Reason(rawValue: 1)
        /// A value violates the table's rules (type, required column, reference).
        public static let invalidData = Reason(rawValue: 2)
        /// The table is not synced or not known under this schema version.
        public static let unknownTable = Reason(rawValue: 3)
        /// A column is not known under this schema version.
        public static let unknownColumn = Reason(rawValue: 4)
        /// The table is written by the central office only.
        public static let readOnlyTable = Reason(rawValue: 5)
        /// Any other reason; see the message.
        public static let other = Reason(rawValue: 0xFFFF)
    }

    /// The highest change counter now durably committed (the push's `lastCounter` when it succeeded).
    public var lastAcknowledged: UInt64
    /// How many changes were applied (not rejected); re-sent changes count as applied.
    public var applied: UInt32
    public var rejections: [Rejection]

    public init(lastAcknowledged: UInt64, applied: UInt32, rejections: [Rejection] = []) {
        self.lastAcknowledged = lastAcknowledged
        self.applied = applied
        self.rejections = rejections
    }
}
