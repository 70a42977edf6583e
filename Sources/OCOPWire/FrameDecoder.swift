/// A streaming frame decoder: append bytes as they arrive, then pull complete messages.
///
/// Every length and count is checked against ``WireLimits`` and against the bytes present before
/// anything is allocated, so the decoder's memory is bounded by the limits whatever it is fed.
/// Errors are typed ``WireError``s carrying the frame index and the field:
/// - a **framing** error (``WireError/Code/closesConnection`` is true: bad magic, version, type,
///   flags, length, checksum, decompression bomb) leaves the decoder failed; every later call
///   throws the same error, and the connection should be closed after sending ERROR;
/// - a **payload** error (the frame was intact but its content invalid) consumes that frame only;
///   the next call to ``next()`` decodes the following frame.
public struct FrameDecoder: Sendable {
    /// The limits checked from the next frame on. A session may change them between frames, for
    /// example to lift the small limits it enforces before a peer has authenticated.
    public var limits: WireLimits
    private var buffer: [UInt8] = []
    private var readIndex = 0
    private var failure: WireError?
    /// The number of frames consumed so far (the index of the next frame).
    public private(set) var frameIndex: UInt64 = 0

    public init(limits: WireLimits = .protocolDefault) {
        self.limits = limits
    }

    /// Bytes received but not yet consumed as frames.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// Adds received bytes.
    public mutating func append<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        compactIfWorthIt()
        buffer.append(contentsOf: bytes)
    }

    /// Adds received bytes.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compactIfWorthIt()
        buffer.append(contentsOf: bytes)
    }

    private mutating func compactIfWorthIt() {
        if readIndex > 0, readIndex >= buffer.count / 2 {
            buffer.removeSubrange(0..<readIndex)
            readIndex = 0
        }
    }

    /// The memory the next frame will take to decode: its payload as carried plus, for a
    /// compressed frame, the declared decompressed size. Nil until enough of the frame has arrived
    /// to tell (its header, and the first four payload bytes of a compressed frame), or when the
    /// header is invalid (``next()`` then reports why).
    ///
    /// A receiver that shares memory between connections reserves this much before it lets the
    /// frame's bytes accumulate, and refuses the frame when it cannot.
    public var nextFrameCost: Int? {
        guard failure == nil, buffer.count - readIndex >= FrameHeader.size else { return nil }
        let start = readIndex
        return buffer.withUnsafeBufferPointer { all -> Int? in
            let bytes = UnsafeBufferPointer(rebasing: all[start...])
            guard case .header(let header, let length) = Self.parseHeader(bytes, limits: limits) else { return nil }
            guard header.compressed else { return length }
            guard length >= 4 else { return length }
            guard bytes.count >= FrameHeader.size + 4 else { return nil }
            let p = FrameHeader.size
            let declared = Int(UInt32(bytes[p]) << 24 | UInt32(bytes[p + 1]) << 16 | UInt32(bytes[p + 2]) << 8 | UInt32(bytes[p + 3]))
            return length + min(declared, limits.maxDecompressedPayload)
        }
    }

    /// The next complete message, or nil when more bytes are needed.
    public mutating func next() throws(WireError) -> Message? {
        if let failure { throw failure }
        let available = buffer.count - readIndex
        let frameStart = readIndex
        let parsed = buffer.withUnsafeBufferPointer { all in
            Self.parseHeader(UnsafeBufferPointer(rebasing: all[frameStart...]), limits: limits)
        }
        let header: Header
        let payloadLength: Int
        switch parsed {
        case .needMoreBytes:
            return nil
        case .invalid(let code, let field, let message):
            throw fail(code, field, message)
        case .header(let parsedHeader, let length):
            header = parsedHeader
            payloadLength = length
        }
        guard available >= FrameHeader.size + payloadLength else { return nil }

        // The frame is complete: verify it, consume it, then decode its payload.
        let payloadStart = frameStart + FrameHeader.size
        let payloadEnd = payloadStart + payloadLength
        let crcMatches = buffer.withUnsafeBufferPointer { all in
            Zlib.crc32(UnsafeBufferPointer(rebasing: all[frameStart..<(frameStart + 12)]), UnsafeBufferPointer(rebasing: all[payloadStart..<payloadEnd])) == header.crc
        }
        guard crcMatches else { throw fail(.checksumMismatch, "header.crc", "CRC-32 does not match the frame") }
        readIndex = payloadEnd
        let index = frameIndex
        frameIndex += 1

        do {
            return try buffer.withUnsafeBufferPointer { all throws(WireError) in
                let payload = UnsafeBufferPointer(rebasing: all[payloadStart..<payloadEnd])
                guard header.compressed else {
                    return try PayloadCoding.decode(type: header.type, payload: payload, limits: limits)
                }
                guard payload.count >= 4 else {
                    throw WireError(code: .decompressionFailed, field: "payload", message: "compressed payload is shorter than its length field")
                }
                let declared = Int(UInt32(payload[0]) << 24 | UInt32(payload[1]) << 16 | UInt32(payload[2]) << 8 | UInt32(payload[3]))
                guard declared <= limits.maxDecompressedPayload else {
                    throw WireError(code: .decompressedTooLarge, field: "payload", message: "declared decompressed size \(declared) is over the limit of \(limits.maxDecompressedPayload)")
                }
                let inflated = try Zlib.inflate(UnsafeBufferPointer(rebasing: payload[4...]), dictionary: WireDictionary.bytes, expectedSize: declared)
                return try inflated.withUnsafeBufferPointer { (p) throws(WireError) in
                    try PayloadCoding.decode(type: header.type, payload: p, limits: limits)
                }
            }
        } catch {
            var located = error
            located.frameIndex = index
            if located.code.closesConnection { failure = located }
            throw located
        }
    }

    /// Call at the end of the stream: throws ``WireError/Code/truncatedFrame`` if a partial frame
    /// remains (or the earlier framing error, if any).
    public func finish() throws(WireError) {
        if let failure { throw failure }
        guard readIndex == buffer.count else {
            throw WireError(code: .truncatedFrame, field: "frame", message: "stream ended \(buffer.count - readIndex) bytes into a frame", frameIndex: frameIndex)
        }
    }

    private enum HeaderParse {
        case needMoreBytes
        case invalid(WireError.Code, String, String)
        case header(Header, payloadLength: Int)
    }

    /// Validates as much of the header as is present, in the order of SPEC "Receiving a frame".
    private static func parseHeader(_ bytes: UnsafeBufferPointer<UInt8>, limits: WireLimits) -> HeaderParse {
        for i in 0..<min(4, bytes.count) where bytes[i] != FrameHeader.magic[i] {
            return .invalid(.badMagic, "header.magic", "frame does not start with OCOP")
        }
        guard bytes.count >= FrameHeader.size else { return .needMoreBytes }
        let version = bytes[4]
        guard FrameHeader.supportedVersions.contains(version) else {
            return .invalid(.unsupportedVersion, "header.version", "protocol version \(version) is not supported")
        }
        guard let type = MessageType(rawValue: bytes[5]) else {
            return .invalid(.unknownMessageType, "header.type", "message type 0x\(String(bytes[5], radix: 16)) is not defined")
        }
        let flags = bytes[6]
        guard flags & ~FrameHeader.compressedFlag == 0, bytes[7] == 0 else {
            return .invalid(.badFlags, "header.flags", "undefined flags 0x\(String(flags, radix: 16)) or reserved byte \(bytes[7])")
        }
        let length = Int(UInt32(bytes[8]) << 24 | UInt32(bytes[9]) << 16 | UInt32(bytes[10]) << 8 | UInt32(bytes[11]))
        guard length <= limits.maxFramePayload else {
            return .invalid(.frameTooLarge, "header.length", "payload of \(length) bytes is over the limit of \(limits.maxFramePayload)")
        }
        let crc = UInt32(bytes[12]) << 24 | UInt32(bytes[13]) << 16 | UInt32(bytes[14]) << 8 | UInt32(bytes[15])
        return .header(Header(type: type, compressed: flags & FrameHeader.compressedFlag != 0, crc: crc), payloadLength: length)
    }

    private struct Header {
        var type: MessageType
        var compressed: Bool
        var crc: UInt32
    }

    private mutating func fail(_ code: WireError.Code, _ field: String, _ message: String) -> WireError {
        let error = WireError(code: code, field: field, message: message, frameIndex: frameIndex)
        failure = error
        return error
    }
}
