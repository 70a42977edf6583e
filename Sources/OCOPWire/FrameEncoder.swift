/// Encodes messages as frames.
///
/// Compression rule (SPEC "Compression"): a payload of at least ``compressionThreshold`` bytes is
/// deflated (level 6, preset dictionary) and sent compressed only when that makes the frame
/// smaller; shorter payloads are sent as they are. The encoder refuses to build a frame a receiver
/// with the protocol's limits would reject, throwing the ``WireError`` that receiver would report.
public struct FrameEncoder: Sendable {
    /// Payloads shorter than this are never compressed.
    public static let defaultCompressionThreshold = 256

    public var limits: WireLimits
    public var compressionThreshold: Int
    /// The protocol version written in frame headers.
    public var version: UInt8

    public init(limits: WireLimits = .protocolDefault, compressionThreshold: Int = FrameEncoder.defaultCompressionThreshold, version: UInt8 = 1) {
        self.limits = limits
        self.compressionThreshold = compressionThreshold
        self.version = version
    }

    /// The frame carrying `message`.
    public func encode(_ message: Message) throws(WireError) -> [UInt8] {
        var frame: [UInt8] = []
        try encode(message, into: &frame)
        return frame
    }

    /// Appends the frame carrying `message` to `output`.
    public func encode(_ message: Message, into output: inout [UInt8]) throws(WireError) {
        let payload = try PayloadCoding.encode(message, limits: limits)
        guard payload.count <= limits.maxDecompressedPayload else {
            throw WireError(code: .decompressedTooLarge, field: "payload", message: "\(payload.count) bytes is over the limit of \(limits.maxDecompressedPayload)")
        }
        var flags: UInt8 = 0
        var body = payload
        // A file's bytes (photos, PDFs) do not deflate: FILE_CHUNK is sent as it is (SPEC §17).
        if payload.count >= compressionThreshold, message.type != .fileChunk {
            let compressed = payload.withUnsafeBufferPointer { Zlib.deflate($0, dictionary: WireDictionary.bytes) }
            if !compressed.isEmpty, compressed.count + 4 < payload.count {
                var wrapped = ByteWriter(capacity: compressed.count + 4)
                wrapped.u32(UInt32(payload.count))
                wrapped.raw(compressed)
                body = wrapped.bytes
                flags |= FrameHeader.compressedFlag
            }
        }
        guard body.count <= limits.maxFramePayload else {
            throw WireError(code: .frameTooLarge, field: "header.length", message: "\(body.count) bytes is over the limit of \(limits.maxFramePayload)")
        }
        var header = ByteWriter(capacity: FrameHeader.size)
        header.raw(FrameHeader.magic)
        header.u8(version)
        header.u8(message.type.rawValue)
        header.u8(flags)
        header.u8(0)
        header.u32(UInt32(body.count))
        let crc = header.bytes.withUnsafeBufferPointer { h in body.withUnsafeBufferPointer { Zlib.crc32(h, $0) } }
        header.u32(crc)
        output.reserveCapacity(output.count + header.bytes.count + body.count)
        output.append(contentsOf: header.bytes)
        output.append(contentsOf: body)
    }
}
