/// FILE_OFFER (client → server): files the client can send, to learn which the server needs
/// (SPEC §17).
public struct FileOffer: Hashable, Sendable {
    /// A file: its SHA-256 and size in bytes.
    public struct File: Hashable, Sendable {
        public var sha256: [UInt8]
        public var size: UInt64
        public init(sha256: [UInt8], size: UInt64) {
            self.sha256 = sha256
            self.size = size
        }
    }

    public var files: [File]
    public init(files: [File]) { self.files = files }
}

/// FILE_WANT (server → client): for each offered file, in order, whether to send it.
public struct FileWant: Hashable, Sendable {
    /// Why the server will not take a file. Unknown codes must be accepted.
    public struct Reason: RawRepresentable, Hashable, Sendable {
        public let rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }
        /// No row the account may write refers to a file with this hash and size.
        public static let notReferenced = Reason(rawValue: 1)
        /// The province's stored files would exceed its quota.
        public static let quotaExceeded = Reason(rawValue: 2)
        /// Over the largest file size.
        public static let tooLarge = Reason(rawValue: 3)
    }

    /// What the server says of one file.
    public enum State: Hashable, Sendable {
        /// The server has the file whole: send nothing.
        case stored
        /// Send it, from `received` (bytes kept from an interrupted upload).
        case wanted(received: UInt64)
        /// Not accepted, and why.
        case refused(Reason, message: String)
    }

    public struct File: Hashable, Sendable {
        public var sha256: [UInt8]
        public var state: State
        public init(sha256: [UInt8], state: State) {
            self.sha256 = sha256
            self.state = state
        }
    }

    public var files: [File]
    public init(files: [File]) { self.files = files }
}

/// FILE_CHUNK (client → server): part of a file, with the SHA-256 of the part.
public struct FileChunk: Hashable, Sendable {
    public var sha256: [UInt8]
    public var size: UInt64
    public var offset: UInt64
    public var data: [UInt8]
    /// SHA-256 of `data` alone.
    public var dataSHA256: [UInt8]

    public init(sha256: [UInt8], size: UInt64, offset: UInt64, data: [UInt8], dataSHA256: [UInt8]) {
        self.sha256 = sha256
        self.size = size
        self.offset = offset
        self.data = data
        self.dataSHA256 = dataSHA256
    }
}

/// FILE_ACK (server → client): how much of the file the server keeps, durably.
public struct FileAck: Hashable, Sendable {
    public var sha256: [UInt8]
    public var received: UInt64
    /// The whole file is stored and matched its SHA-256.
    public var complete: Bool

    public init(sha256: [UInt8], received: UInt64, complete: Bool) {
        self.sha256 = sha256
        self.received = received
        self.complete = complete
    }
}
