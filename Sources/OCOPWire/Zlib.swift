import CDeflate
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
    /// The output is reserved once at the declared size and written in place: the pages the
    /// stream never reaches are never touched, so resident memory follows what the stream really
    /// produces, not what a peer declares, and no byte is copied twice (a growing buffer would
    /// briefly hold the output twice).
    static func inflate(_ input: UnsafeBufferPointer<UInt8>, dictionary: [UInt8], expectedSize: Int) throws(WireError) -> [UInt8] {
        var stream = z_stream()
        guard ocop_inflateInit2(&stream, 15) == Z_OK else {
            throw WireError(code: .internalError, field: "payload", message: "zlib could not start")
        }
        defer { inflateEnd(&stream) }
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
        stream.avail_in = uInt(input.count)
        var failure: WireError?
        let probe = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        defer { probe.deallocate() }
        let output = [UInt8](unsafeUninitializedCapacity: max(expectedSize, 1)) { buffer, initialized in
            initialized = 0
            stream.next_out = buffer.baseAddress
            stream.avail_out = uInt(expectedSize)
            var probing = false
            while true {
                if stream.avail_out == 0 {
                    if probing {
                        failure = WireError(code: .decompressedTooLarge, field: "payload", message: "stream inflates to more than the declared \(expectedSize) bytes")
                        return
                    }
                    // Declared size reached: one more byte of output would make it a bomb.
                    probing = true
                    stream.next_out = probe
                    stream.avail_out = 1
                }
                let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                switch status {
                case Z_NEED_DICT:
                    let set = dictionary.withUnsafeBufferPointer { inflateSetDictionary(&stream, $0.baseAddress, uInt($0.count)) }
                    guard set == Z_OK else {
                        failure = WireError(code: .decompressionFailed, field: "payload", message: "stream needs another preset dictionary")
                        return
                    }
                case Z_STREAM_END:
                    if stream.total_out > uLong(expectedSize) {
                        failure = WireError(code: .decompressedTooLarge, field: "payload", message: "stream inflates to more than the declared \(expectedSize) bytes")
                    } else if stream.total_out < uLong(expectedSize) {
                        failure = WireError(code: .decompressionFailed, field: "payload", message: "stream inflates to only \(stream.total_out) bytes, not the declared \(expectedSize)")
                    } else if stream.avail_in != 0 {
                        failure = WireError(code: .decompressionFailed, field: "payload", message: "bytes after the end of the zlib stream")
                    } else {
                        initialized = expectedSize
                    }
                    return
                case Z_OK:
                    continue
                case Z_BUF_ERROR where stream.avail_out == 0:
                    continue
                case Z_BUF_ERROR:
                    failure = WireError(code: .decompressionFailed, field: "payload", message: "zlib stream is truncated")
                    return
                default:
                    failure = WireError(code: .decompressionFailed, field: "payload", message: "zlib stream is corrupt (\(status))")
                    return
                }
            }
        }
        if let failure { throw failure }
        return output
    }

    /// The CRC-32 of `first` followed by `second` (zlib's checksum, computed by libdeflate).
    static func crc32(_ first: UnsafeBufferPointer<UInt8>, _ second: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var crc = libdeflate_crc32(0, first.baseAddress, first.count)
        if second.count > 0 { crc = libdeflate_crc32(crc, second.baseAddress, second.count) }
        return crc
    }
}
