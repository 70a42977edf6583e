import CZlib

/// zlib (RFC 1950) with a preset dictionary and a hard cap on output (internal).
///
/// `inflate` writes at most the declared size and then probes for one more byte, so a stream
/// that would produce more than declared (a decompression bomb) fails after at most
/// `expectedSize` bytes of work and memory.
enum Zlib {
    /// Compresses `input` at `level` with `dictionary` preset (windowBits 15, memLevel 8, default strategy).
    static func deflate(_ input: UnsafeBufferPointer<UInt8>, dictionary: [UInt8], level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        guard ocop_deflateInit2(&stream, level, 15) == Z_OK else { return [] }
        defer { deflateEnd(&stream) }
        if !dictionary.isEmpty {
            dictionary.withUnsafeBufferPointer { dict in
                _ = deflateSetDictionary(&stream, dict.baseAddress, uInt(dict.count))
            }
        }
        let bound = Int(deflateBound(&stream, uLong(input.count)))
        return [UInt8](unsafeUninitializedCapacity: bound) { output, written in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = uInt(input.count)
            stream.next_out = output.baseAddress
            stream.avail_out = uInt(bound)
            let status = CZlib.deflate(&stream, Z_FINISH)
            written = status == Z_STREAM_END ? Int(stream.total_out) : 0
        }
    }

    /// Inflates `input`, which must produce exactly `expectedSize` bytes and end exactly at its end.
    ///
    /// The output buffer starts small and doubles up to `expectedSize`, so memory follows what the
    /// stream really produces, not what a peer declares.
    static func inflate(_ input: UnsafeBufferPointer<UInt8>, dictionary: [UInt8], expectedSize: Int) throws(WireError) -> [UInt8] {
        var stream = z_stream()
        guard ocop_inflateInit2(&stream, 15) == Z_OK else {
            throw WireError(code: .internalError, field: "payload", message: "zlib could not start")
        }
        defer { inflateEnd(&stream) }
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
        stream.avail_in = uInt(input.count)
        let probe = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        defer { probe.deallocate() }
        var capacity = min(expectedSize, max(64 * 1024, input.count * 4))
        var storage = UnsafeMutablePointer<UInt8>.allocate(capacity: max(capacity, 1))
        defer { storage.deallocate() }
        stream.next_out = storage
        stream.avail_out = uInt(capacity)
        var probing = false
        while true {
            if stream.avail_out == 0 {
                let produced = Int(stream.total_out)
                if produced < expectedSize {
                    let grown = min(expectedSize, capacity * 2)
                    let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
                    bigger.update(from: storage, count: produced)
                    storage.deallocate()
                    storage = bigger
                    capacity = grown
                    stream.next_out = storage + produced
                    stream.avail_out = uInt(grown - produced)
                } else if probing {
                    throw WireError(code: .decompressedTooLarge, field: "payload", message: "stream inflates to more than the declared \(expectedSize) bytes")
                } else {
                    probing = true
                    stream.next_out = probe
                    stream.avail_out = 1
                }
            }
            let status = CZlib.inflate(&stream, Z_NO_FLUSH)
            switch status {
            case Z_NEED_DICT:
                let set = dictionary.withUnsafeBufferPointer { inflateSetDictionary(&stream, $0.baseAddress, uInt($0.count)) }
                guard set == Z_OK else {
                    throw WireError(code: .decompressionFailed, field: "payload", message: "stream needs another preset dictionary")
                }
            case Z_STREAM_END:
                if stream.total_out > uLong(expectedSize) {
                    throw WireError(code: .decompressedTooLarge, field: "payload", message: "stream inflates to more than the declared \(expectedSize) bytes")
                }
                if stream.total_out < uLong(expectedSize) {
                    throw WireError(code: .decompressionFailed, field: "payload", message: "stream inflates to only \(stream.total_out) bytes, not the declared \(expectedSize)")
                }
                if stream.avail_in != 0 {
                    throw WireError(code: .decompressionFailed, field: "payload", message: "bytes after the end of the zlib stream")
                }
                return Array(UnsafeBufferPointer(start: storage, count: expectedSize))
            case Z_OK:
                continue
            case Z_BUF_ERROR where stream.avail_out == 0:
                continue
            case Z_BUF_ERROR:
                throw WireError(code: .decompressionFailed, field: "payload", message: "zlib stream is truncated")
            default:
                throw WireError(code: .decompressionFailed, field: "payload", message: "zlib stream is corrupt (\(status))")
            }
        }
    }

    /// zlib's CRC-32 of `first` followed by `second`.
    static func crc32(_ first: UnsafeBufferPointer<UInt8>, _ second: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var crc = CZlib.crc32(0, nil, 0)
        crc = CZlib.crc32(crc, first.baseAddress, uInt(first.count))
        if second.count > 0 { crc = CZlib.crc32(crc, second.baseAddress, uInt(second.count)) }
        return UInt32(truncatingIfNeeded: crc)
    }
}
