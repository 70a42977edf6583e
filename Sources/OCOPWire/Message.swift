import OCOPSync

/// One protocol message: what a frame carries. See `Protocol/SPEC.md` for each message's fields.
public enum Message: Hashable, Sendable {
    case hello(Hello)
    case challenge(Challenge)
    case authProof(AuthProof)
    case authOK(AuthOK)
    case push(Push)
    case pushAck(PushAck)
    case pull(Pull)
    case changes(Changes)
    case fileOffer(FileOffer)
    case fileWant(FileWant)
    case fileChunk(FileChunk)
    case fileAck(FileAck)
    case error(ErrorMessage)
    case goodbye(Goodbye)

    /// The type byte of the frame carrying this message.
    public var type: MessageType {
        switch self {
        case .hello: return .hello
        case .challenge: return .challenge
        case .authProof: return .authProof
        case .authOK: return .authOK
        case .push: return .push
        case .pushAck: return .pushAck
        case .pull: return .pull
        case .changes: return .changes
        case .fileOffer: return .fileOffer
        case .fileWant: return .fileWant
        case .fileChunk: return .fileChunk
        case .fileAck: return .fileAck
        case .error: return .error
        case .goodbye: return .goodbye
        }
    }
}

/// The message type byte of a frame header.
public enum MessageType: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case hello = 0x01
    case challenge = 0x02
    case authProof = 0x03
    case authOK = 0x04
    case push = 0x10
    case pushAck = 0x11
    case pull = 0x12
    case changes = 0x13
    case fileOffer = 0x20
    case fileWant = 0x21
    case fileChunk = 0x22
    case fileAck = 0x23
    case error = 0x7E
    case goodbye = 0x7F

    /// The spec's name, e.g. `PUSH_ACK`.
    public var description: String {
        switch self {
        case .hello: return "HELLO"
        case .challenge: return "CHALLENGE"
        case .authProof: return "AUTH_PROOF"
        case .authOK: return "AUTH_OK"
        case .push: return "PUSH"
        case .pushAck: return "PUSH_ACK"
        case .pull: return "PULL"
        case .changes: return "CHANGES"
        case .fileOffer: return "FILE_OFFER"
        case .fileWant: return "FILE_WANT"
        case .fileChunk: return "FILE_CHUNK"
        case .fileAck: return "FILE_ACK"
        case .error: return "ERROR"
        case .goodbye: return "GOODBYE"
        }
    }
}
