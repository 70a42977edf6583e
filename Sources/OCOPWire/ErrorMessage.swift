/// ERROR (either way): what went wrong; ``WireError/Code/closesConnection`` says whether the
/// sender closes after it.
public struct ErrorMessage: Hashable, Sendable {
    public var code: WireError.Code
    /// A human explanation (≤ 4096 UTF-8 bytes).
    public var message: String
    /// Where: the frame and field, or other context (≤ 4096 UTF-8 bytes).
    public var detail: String?

    public init(code: WireError.Code, message: String, detail: String? = nil) {
        self.code = code
        self.message = message
        self.detail = detail
    }

    /// The message reporting `error` to the peer.
    public init(_ error: WireError) {
        let frame = error.frameIndex.map { "frame \($0): " } ?? ""
        self.init(code: error.code, message: error.message.truncatedUTF8(4096), detail: (frame + error.field).truncatedUTF8(4096))
    }
}

extension String {
    /// At most `max` UTF-8 bytes, cut at a character boundary.
    func truncatedUTF8(_ max: Int) -> String {
        if utf8.count <= max { return self }
        var result = ""
        for character in self {
            if result.utf8.count + character.utf8.count > max { break }
            result.append(character)
        }
        return result
    }
}
