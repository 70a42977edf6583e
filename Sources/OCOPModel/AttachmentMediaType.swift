/// The file types an attachment may be, recognised from a file's first bytes, never from its name.
public enum AttachmentMediaType: String, Sendable, Hashable, Codable, CaseIterable {
    case jpeg = "image/jpeg"
    case png = "image/png"
    case webp = "image/webp"
    case pdf = "application/pdf"

    /// How many leading bytes ``sniff(_:)`` needs.
    public static let sniffLength = 12

    /// The type `prefix` (a file's first bytes) starts as, or `nil` for anything else.
    public static func sniff(_ prefix: some Collection<UInt8>) -> AttachmentMediaType? {
        let bytes = Array(prefix.prefix(sniffLength))
        func starts(_ signature: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + signature.count && Array(bytes[offset..<offset + signature.count]) == signature
        }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts(Array("RIFF".utf8)), starts(Array("WEBP".utf8), at: 8) { return .webp }
        if starts(Array("%PDF-".utf8)) { return .pdf }
        return nil
    }

    /// Whether the type is a picture (a web-sized copy can be made of it).
    public var isImage: Bool { self != .pdf }

    /// The usual file extension, for a file written out.
    public var fileExtension: String {
        switch self {
        case .jpeg: return "jpg"
        case .png: return "png"
        case .webp: return "webp"
        case .pdf: return "pdf"
        }
    }
}
