/// Reads protocol primitives from a payload, checking every length against the bytes that remain
/// and against a limit before anything is allocated (internal).
///
/// Field names are passed only to build errors; the success path does no string work.
struct ByteReader {
    let buffer: UnsafeBufferPointer<UInt8>
    private(set) var offset: Int = 0

    init(_ buffer: UnsafeBufferPointer<UInt8>) { self.buffer = buffer }

    var remaining: Int { buffer.count - offset }
    var isAtEnd: Bool { offset == buffer.count }

    @inline(__always)
    mutating func u8(_ field: @autoclosure () -> String) throws(WireError) -> UInt8 {
        guard offset < buffer.count else { throw .truncated(field()) }
        let value = buffer[offset]
        offset += 1
        return value
    }

    mutating func u16(_ field: @autoclosure () -> String) throws(WireError) -> UInt16 {
        guard remaining >= 2 else { throw .truncated(field()) }
        let value = UInt16(buffer[offset]) << 8 | UInt16(buffer[offset + 1])
        offset += 2
        return value
    }

    mutating func u64(_ field: @autoclosure () -> String) throws(WireError) -> UInt64 {
        guard remaining >= 8 else { throw .truncated(field()) }
        var value: UInt64 = 0
        for i in 0..<8 { value = value << 8 | UInt64(buffer[offset + i]) }
        offset += 8
        return value
    }

    /// Unsigned LEB128: at most 10 bytes, minimal (no redundant trailing zero groups), fits 64 bits.
    @inline(__always)
    mutating func varint(_ field: @autoclosure () -> String) throws(WireError) -> UInt64 {
        // Fast path: one byte.
        if offset < buffer.count, buffer[offset] < 0x80 {
            let value = UInt64(buffer[offset])
            offset += 1
            return value
        }
        var value: UInt64 = 0
        var shift: UInt64 = 0
        var index = offset
        while true {
            guard index < buffer.count else { throw .truncated(field()) }
            let byte = buffer[index]
            index += 1
            if shift == 63, byte > 1 {
                throw WireError(code: .malformedPayload, field: field(), message: "varint overflows 64 bits")
            }
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 {
                if byte == 0, shift > 0 {
                    throw WireError(code: .malformedPayload, field: field(), message: "varint is not minimally encoded")
                }
                offset = index
                return value
            }
            shift += 7
        }
    }

    @inline(__always)
    mutating func signedVarint(_ field: @autoclosure () -> String) throws(WireError) -> Int64 {
        let raw = try varint(field())
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }

    mutating func varintU32(_ field: @autoclosure () -> String) throws(WireError) -> UInt32 {
        let value = try varint(field())
        guard value <= UInt64(UInt32.max) else { throw .invalid(field(), "\(value) does not fit 32 bits") }
        return UInt32(value)
    }

    mutating func varintU16(_ field: @autoclosure () -> String) throws(WireError) -> UInt16 {
        let value = try varint(field())
        guard value <= UInt64(UInt16.max) else { throw .invalid(field(), "\(value) does not fit 16 bits") }
        return UInt16(value)
    }

    /// A count bounded by `max` and by the bytes left (each element takes at least `minElementSize`).
    mutating func count(_ field: @autoclosure () -> String, max: Int, minElementSize: Int) throws(WireError) -> Int {
        let value = try varint(field())
        guard value <= UInt64(max) else { throw .limit(field(), Int(clamping: value), max: max) }
        let count = Int(value)
        guard count <= remaining / Swift.max(minElementSize, 1) else { throw .truncated(field()) }
        return count
    }

    /// A length-prefixed byte run, bounded by `max` and the bytes left; returns a view, no copy.
    mutating func lengthPrefixedView(_ field: @autoclosure () -> String, max: Int) throws(WireError) -> UnsafeBufferPointer<UInt8> {
        let length = try varint(field())
        guard length <= UInt64(max) else { throw .limit(field(), Int(clamping: length), max: max) }
        return try view(Int(length), field())
    }

    mutating func view(_ length: Int, _ field: @autoclosure () -> String) throws(WireError) -> UnsafeBufferPointer<UInt8> {
        guard length <= remaining else { throw .truncated(field()) }
        let view = UnsafeBufferPointer(rebasing: buffer[offset..<(offset + length)])
        offset += length
        return view
    }

    mutating func bytes(_ field: @autoclosure () -> String, max: Int) throws(WireError) -> [UInt8] {
        Array(try lengthPrefixedView(field(), max: max))
    }

    mutating func fixedBytes(_ length: Int, _ field: @autoclosure () -> String) throws(WireError) -> [UInt8] {
        Array(try view(length, field()))
    }

    /// A length-prefixed UTF-8 string, validated.
    mutating func string(_ field: @autoclosure () -> String, max: Int) throws(WireError) -> String {
        let view = try lengthPrefixedView(field(), max: max)
        guard let string = String(validating: view, as: UTF8.self) else {
            throw WireError(code: .invalidUTF8, field: field(), message: "not valid UTF-8")
        }
        return string
    }

    func expectEnd(_ field: String) throws(WireError) {
        guard isAtEnd else {
            throw WireError(code: .malformedPayload, field: field, message: "\(remaining) bytes after the last field")
        }
    }
}
