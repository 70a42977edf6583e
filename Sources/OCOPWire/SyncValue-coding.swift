import OCOPSync

/// Value tags of the typed value encoding (SPEC "Typed values").
enum ValueTag: UInt8 {
    case null = 0
    case integer = 1
    case real = 2
    case text = 3
    case blob = 4
}

extension ByteWriter {
    /// Writes a typed value; throws for a value no receiver may accept (NaN, over-long text or blob).
    mutating func value(_ value: SyncValue, limits: WireLimits, field: @autoclosure () -> String) throws(WireError) {
        switch value {
        case .null:
            u8(ValueTag.null.rawValue)
        case .integer(let integer):
            u8(ValueTag.integer.rawValue)
            signedVarint(integer)
        case .real(let real):
            guard !real.isNaN else { throw .invalid(field(), "NaN is not a valid real") }
            u8(ValueTag.real.rawValue)
            u64(real.bitPattern)
        case .text(let text):
            let count = text.utf8.count
            guard count <= limits.maxTextBytes else { throw .limit(field(), count, max: limits.maxTextBytes) }
            u8(ValueTag.text.rawValue)
            string(text)
        case .blob(let blob):
            guard blob.count <= limits.maxBlobBytes else { throw .limit(field(), blob.count, max: limits.maxBlobBytes) }
            u8(ValueTag.blob.rawValue)
            lengthPrefixed(blob)
        }
    }

    /// Writes a length-prefixed name of 1...maxNameBytes UTF-8 bytes.
    mutating func name(_ name: String, limits: WireLimits, field: @autoclosure () -> String) throws(WireError) {
        let count = name.utf8.count
        guard count <= limits.maxNameBytes else { throw .limit(field(), count, max: limits.maxNameBytes) }
        guard count > 0 else { throw .invalid(field(), "must not be empty") }
        string(name)
    }

    /// Writes a length-prefixed string of at most `max` UTF-8 bytes.
    mutating func text(_ text: String, max: Int, field: @autoclosure () -> String) throws(WireError) {
        let count = text.utf8.count
        guard count <= max else { throw .limit(field(), count, max: max) }
        string(text)
    }
}

extension ByteReader {
    mutating func value(limits: WireLimits, _ field: @autoclosure () -> String) throws(WireError) -> SyncValue {
        let tag = try u8(field())
        switch tag {
        case ValueTag.null.rawValue:
            return .null
        case ValueTag.integer.rawValue:
            return .integer(try signedVarint(field()))
        case ValueTag.real.rawValue:
            let real = Double(bitPattern: try u64(field()))
            guard !real.isNaN else { throw .invalid(field(), "NaN is not a valid real") }
            return .real(real)
        case ValueTag.text.rawValue:
            return .text(try string(field(), max: limits.maxTextBytes))
        case ValueTag.blob.rawValue:
            return .blob(try bytes(field(), max: limits.maxBlobBytes))
        default:
            throw .invalid(field(), "unknown value tag \(tag)")
        }
    }

    /// A name of 1...maxNameBytes UTF-8 bytes.
    mutating func name(limits: WireLimits, _ field: @autoclosure () -> String) throws(WireError) -> String {
        let name = try string(field(), max: limits.maxNameBytes)
        guard !name.isEmpty else { throw .invalid(field(), "must not be empty") }
        return name
    }
}
