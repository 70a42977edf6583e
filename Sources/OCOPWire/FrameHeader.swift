/// The 16-byte frame header (SPEC "Framing"): magic `OCOP`, version, type, flags, a reserved
/// zero byte, the payload length and the CRC-32 of header bytes 0–11 followed by the payload.
public enum FrameHeader {
    /// `OCOP` in ASCII.
    public static let magic: [UInt8] = [0x4F, 0x43, 0x4F, 0x50]
    /// Header size in bytes.
    public static let size = 16
    /// The protocol versions this implementation speaks.
    public static let supportedVersions: ClosedRange<UInt8> = 1...1
    /// Flag bit 0: the payload is a 4-byte big-endian decompressed length and a zlib stream.
    public static let compressedFlag: UInt8 = 0x01
}
