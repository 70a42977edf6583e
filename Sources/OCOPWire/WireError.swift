/// A failure to decode, encode or continue a wire session, carrying the protocol error code a peer
/// is sent in an ``ErrorMessage``.
///
/// Errors are values with a stable numeric ``Code`` (the codes of `Protocol/SPEC.md`), a field path
/// naming what was wrong (for example `PUSH.changes[3].columns[1].value`), and the index of the
/// frame on the connection when a ``FrameDecoder`` raised it. New codes may be added without
/// breaking the API: match on ``code``, never on the message text.
public struct WireError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A protocol error code, as sent in the `code` field of an ERROR message.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }

        // Framing: the byte stream cannot be trusted any more; the receiver closes.
        /// The first four bytes of a frame are not `OCOP`.
        public static let badMagic = Code(rawValue: 0x0001)
        /// The frame's protocol version is not one the receiver speaks.
        public static let unsupportedVersion = Code(rawValue: 0x0002)
        /// The frame's message type is not defined.
        public static let unknownMessageType = Code(rawValue: 0x0003)
        /// Undefined flag bits or a non-zero reserved byte.
        public static let badFlags = Code(rawValue: 0x0004)
        /// The payload length is over the frame limit.
        public static let frameTooLarge = Code(rawValue: 0x0005)
        /// The CRC-32 does not match the header and payload.
        public static let checksumMismatch = Code(rawValue: 0x0006)
        /// The stream ended inside a frame.
        public static let truncatedFrame = Code(rawValue: 0x0007)
        /// The declared or actual decompressed size is over the limit or over the declared size.
        public static let decompressedTooLarge = Code(rawValue: 0x0011)

        // Payload: the frame was intact (checksum verified) but its content is invalid.
        /// The zlib stream is corrupt, truncated, uses another dictionary, or is followed by bytes.
        public static let decompressionFailed = Code(rawValue: 0x0010)
        /// The payload ended before a field, has bytes after the last field, or a varint is malformed.
        public static let malformedPayload = Code(rawValue: 0x0012)
        /// A string is not valid UTF-8.
        public static let invalidUTF8 = Code(rawValue: 0x0013)
        /// A length or count is over its protocol limit.
        public static let limitExceeded = Code(rawValue: 0x0014)
        /// A field holds a value the protocol does not allow (unknown tag, index out of range, order, range).
        public static let invalidValue = Code(rawValue: 0x0015)

        // Session: sent by the session layer, never by the codec.
        /// A message that is not allowed in the session's current state.
        public static let unexpectedMessage = Code(rawValue: 0x0100)
        /// Authentication failed (unknown user and wrong secret are not told apart).
        public static let authenticationFailed = Code(rawValue: 0x0101)
        /// No protocol version is supported by both sides.
        public static let versionNegotiationFailed = Code(rawValue: 0x0102)
        /// The schema version is neither the server's current nor its previous one.
        public static let schemaVersionUnsupported = Code(rawValue: 0x0103)
        /// The authenticated user may not do this.
        public static let forbidden = Code(rawValue: 0x0104)
        /// The server is overloaded or shutting down; retry later.
        public static let busy = Code(rawValue: 0x0105)
        /// A FILE_CHUNK was not kept (no row allows the file, quota, a damaged chunk or file); the
        /// connection continues.
        public static let fileRefused = Code(rawValue: 0x0106)
        /// An internal error in the peer.
        public static let internalError = Code(rawValue: 0x01FF)

        /// The spec's upper-case name, e.g. `CHECKSUM_MISMATCH`.
        public var name: String {
            switch self {
            case .badMagic: return "BAD_MAGIC"
            case .unsupportedVersion: return "UNSUPPORTED_VERSION"
            case .unknownMessageType: return "UNKNOWN_MESSAGE_TYPE"
            case .badFlags: return "BAD_FLAGS"
            case .frameTooLarge: return "FRAME_TOO_LARGE"
            case .checksumMismatch: return "CHECKSUM_MISMATCH"
            case .truncatedFrame: return "TRUNCATED_FRAME"
            case .decompressionFailed: return "DECOMPRESSION_FAILED"
            case .decompressedTooLarge: return "DECOMPRESSED_TOO_LARGE"
            case .malformedPayload: return "MALFORMED_PAYLOAD"
            case .invalidUTF8: return "INVALID_UTF8"
            case .limitExceeded: return "LIMIT_EXCEEDED"
            case .invalidValue: return "INVALID_VALUE"
            case .unexpectedMessage: return "UNEXPECTED_MESSAGE"
            case .authenticationFailed: return "AUTHENTICATION_FAILED"
            case .versionNegotiationFailed: return "VERSION_NEGOTIATION_FAILED"
            case .schemaVersionUnsupported: return "SCHEMA_VERSION_UNSUPPORTED"
            case .forbidden: return "FORBIDDEN"
            case .busy: return "BUSY"
            case .fileRefused: return "FILE_REFUSED"
            case .internalError: return "INTERNAL_ERROR"
            default: return "ERROR_\(rawValue)"
            }
        }

        /// Whether a receiver that detects this error sends ERROR and then closes the connection.
        ///
        /// Framing errors and decompression bombs close; payload errors in a frame whose checksum
        /// verified discard that frame and let the connection continue (the stream is still in step).
        public var closesConnection: Bool {
            switch self {
            case .decompressionFailed, .malformedPayload, .invalidUTF8, .limitExceeded, .invalidValue,
                 .schemaVersionUnsupported, .fileRefused:
                return false
            default:
                return true
            }
        }

        public var description: String { "\(name) (0x\(String(rawValue, radix: 16)))" }
    }

    /// The protocol error code.
    public let code: Code
    /// Which field was wrong, as a path (`PUSH.changes[3].key`), or the part of the frame (`header.flags`).
    public let field: String
    /// A human explanation.
    public let message: String
    /// The zero-based index of the frame on the connection, when a ``FrameDecoder`` raised the error.
    public internal(set) var frameIndex: UInt64?

    public init(code: Code, field: String, message: String, frameIndex: UInt64? = nil) {
        self.code = code
        self.field = field
        self.message = message
        self.frameIndex = frameIndex
    }

    public var description: String {
        let frame = frameIndex.map { "frame \($0), " } ?? ""
        return "\(code.name): \(message) (\(frame)\(field))"
    }

    /// The same error with `prefix` prepended to the field path.
    func within(_ prefix: String) -> WireError {
        var copy = WireError(code: code, field: field.isEmpty ? prefix : prefix + "." + field, message: message)
        copy.frameIndex = frameIndex
        return copy
    }

    static func truncated(_ field: String) -> WireError {
        WireError(code: .malformedPayload, field: field, message: "payload ends before this field")
    }

    static func limit(_ field: String, _ value: Int, max: Int) -> WireError {
        WireError(code: .limitExceeded, field: field, message: "\(value) is over the limit of \(max)")
    }

    static func invalid(_ field: String, _ message: String) -> WireError {
        WireError(code: .invalidValue, field: field, message: message)
    }
}
