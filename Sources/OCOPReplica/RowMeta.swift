import OCOPSync

/// A row's sync state without its values: what `_sync_rows.meta` stores.
///
/// Values live in the row itself (or its graveyard once deleted), so metadata stays small:
/// the distinct stamps of the row once each, then one byte per column naming its stamp.
package struct RowMeta: Equatable {
    package var versionVector: VersionVector
    package var existence: Existence?
    /// One entry per schema column (by index); nil when the column was never written.
    package var columnStamps: [Stamp?]

    package init(columnCount: Int) {
        versionVector = .empty
        existence = nil
        columnStamps = Array(repeating: nil, count: columnCount)
    }

    /// The stamps of `state`, for a table with the given column names.
    package init(_ state: RowState, columnNames: [String]) {
        versionVector = state.versionVector
        existence = state.existence
        columnStamps = columnNames.map { state.columns[$0]?.stamp }
    }

    /// A full row state, given the values of the row's columns (by index).
    package func state(values: [SyncValue], columnNames: [String]) -> RowState {
        var columns: [String: ColumnWrite] = [:]
        columns.reserveCapacity(columnNames.count)
        for (index, stamp) in columnStamps.enumerated() {
            if let stamp { columns[columnNames[index]] = ColumnWrite(value: values[index], stamp: stamp) }
        }
        return RowState(versionVector: versionVector, existence: existence, columns: columns)
    }

    package mutating func record(_ operation: LogOperation, mask: Int64, stamp: Stamp) {
        versionVector.add(stamp.dot)
        switch operation {
        case .insert:
            existence = Existence(isDeleted: false, stamp: stamp)
            for index in columnStamps.indices { columnStamps[index] = stamp }
        case .update:
            for index in columnStamps.indices where mask & (1 << Int64(index)) != 0 { columnStamps[index] = stamp }
        case .delete:
            existence = Existence(isDeleted: true, stamp: stamp)
        }
    }

    /// The layout ``encoded(_:)`` writes. Version 1 (November 2026) is still read: rows keep it
    /// until their next change.
    static let formatVersion: UInt8 = 2

    /// Clocks are stored relative to 2024-01-01T00:00Z, before any OCOP Sync replica existed, so
    /// today's milliseconds take five bytes instead of the nine of a whole HLC.
    package static let clockEpochMillis: UInt64 = 1_704_067_200_000

    /// Bits of the flags byte of version 2.
    private enum Flag {
        static let existenceMask: UInt8 = 0b11           // 0 none, 1 present, 2 deleted
        static let explicitVersionVector: UInt8 = 1 << 2 // entries beyond what the stamps imply follow
        static let wholeVersionVector: UInt8 = 1 << 3    // the vector is written whole (it does not cover its stamps)
        static let uniformColumns: UInt8 = 1 << 4        // every column names the same stamp (or none)
    }

    /// Version 2: the distinct stamps of the row once each (replica number, counter, clock relative
    /// to the first stamp's), a flags byte, then only what cannot be implied: the version vector's
    /// entries beyond the dots of the stamps (usually none), and each column's stamp as a nibble
    /// (one byte in all when every column has the same stamp, as after an insert).
    package func encoded(_ directory: inout ReplicaDirectory) -> [UInt8] {
        var stamps: [Stamp] = []
        func reference(_ stamp: Stamp) -> Int {
            if let index = stamps.firstIndex(of: stamp) { return index }
            stamps.append(stamp)
            return stamps.count - 1
        }
        let existenceRef = existence.map { reference($0.stamp) }
        let columnRefs = columnStamps.map { $0.map(reference) }

        // What the stamps imply: each replica's highest counter among them.
        var implied: [ReplicaID: UInt64] = [:]
        for stamp in stamps { implied[stamp.dot.replica] = max(implied[stamp.dot.replica] ?? 0, stamp.dot.counter) }
        let coversStamps = implied.allSatisfy { versionVector[$0.key] >= $0.value }
        let extra = versionVector.sortedEntries.filter { !coversStamps || $0.counter > (implied[$0.replica] ?? 0) }

        var flags: UInt8 = 0
        if let existence { flags |= existence.isDeleted ? 2 : 1 }
        if !extra.isEmpty { flags |= Flag.explicitVersionVector }
        if !coversStamps { flags |= Flag.wholeVersionVector }
        let uniform = columnRefs.allSatisfy { $0 == columnRefs.first ?? nil }
        if uniform { flags |= Flag.uniformColumns }

        var writer = CompactWriter(capacity: 32)
        writer.write(Self.formatVersion)
        writer.write(flags)
        writer.writeVarint(UInt64(stamps.count))
        var firstMillis: UInt64 = 0
        for (index, stamp) in stamps.enumerated() {
            writer.writeVarint(directory.index(of: stamp.dot.replica))
            writer.writeVarint(stamp.dot.counter)
            let base = index == 0 ? Self.clockEpochMillis : firstMillis
            writer.writeSigned(Int64(bitPattern: stamp.hlc.millis &- base))
            writer.writeVarint(UInt64(stamp.hlc.logical))
            if index == 0 { firstMillis = stamp.hlc.millis }
        }
        if let existenceRef { writer.writeVarint(UInt64(existenceRef)) }
        if !extra.isEmpty {
            writer.writeVarint(UInt64(extra.count))
            for entry in extra {
                writer.writeVarint(directory.index(of: entry.replica))
                writer.writeVarint(entry.counter)
            }
        }
        writer.writeVarint(UInt64(columnRefs.count))
        let refs = columnRefs.map { $0.map { UInt8($0 + 1) } ?? 0 }
        if uniform {
            writer.write(refs.first ?? 0)
        } else if stamps.count < 16 {
            for pair in stride(from: 0, to: refs.count, by: 2) {
                writer.write(refs[pair] | (pair + 1 < refs.count ? refs[pair + 1] << 4 : 0))
            }
        } else {
            for ref in refs { writer.write(ref) }
        }
        return writer.bytes
    }

    /// Reads either layout; anything truncated, out of range or of an unknown version throws.
    package init(decoding bytes: [UInt8], columnCount: Int, directory: ReplicaDirectory) throws {
        var reader = CompactReader(bytes)
        switch try reader.read() {
        case 1: self = try Self.decodeVersion1(&reader, columnCount: columnCount, directory: directory)
        case 2: self = try Self.decodeVersion2(&reader, columnCount: columnCount, directory: directory)
        default: throw CompactReader.OutOfBounds(offset: 0)
        }
        guard reader.isAtEnd else { throw CompactReader.OutOfBounds(offset: reader.offset) }
    }

    private static func decodeVersion2(_ reader: inout CompactReader, columnCount: Int, directory: ReplicaDirectory) throws -> RowMeta {
        let flags = try reader.read()
        guard flags & ~(Flag.existenceMask | Flag.explicitVersionVector | Flag.wholeVersionVector | Flag.uniformColumns) == 0,
              flags & Flag.existenceMask != 3 else { throw CompactReader.OutOfBounds(offset: reader.offset - 1) }
        let stamps = try readStamps(&reader, directory: directory) { reader, index, firstMillis in
            let base = index == 0 ? clockEpochMillis : firstMillis
            let millis = base &+ UInt64(bitPattern: try reader.readSigned())
            let logical = try reader.readVarint()
            guard millis < 1 << 48, logical <= UInt64(UInt16.max) else { throw CompactReader.OutOfBounds(offset: reader.offset) }
            return HLC(millis: millis, logical: UInt16(logical))
        }
        var meta = RowMeta(columnCount: columnCount)
        if flags & Flag.existenceMask != 0 {
            meta.existence = Existence(isDeleted: flags & Flag.existenceMask == 2, stamp: try stamp(at: reader.readVarint(), of: stamps, reader))
        }
        var counters: [ReplicaID: UInt64] = [:]
        if flags & Flag.wholeVersionVector == 0 {
            for stamp in stamps { counters[stamp.dot.replica] = max(counters[stamp.dot.replica] ?? 0, stamp.dot.counter) }
        }
        if flags & Flag.explicitVersionVector != 0 {
            for _ in 0..<(try reader.readVarint()) {
                let replica = try directory.replica(at: reader.readVarint())
                counters[replica] = try reader.readVarint()
            }
        }
        meta.versionVector = VersionVector(counters)
        let storedColumns = try readCount(&reader, atMost: 4096)
        var refs: [UInt8]
        if flags & Flag.uniformColumns != 0 {
            refs = Array(repeating: try reader.read(), count: storedColumns)
        } else if stamps.count < 16 {
            refs = []
            refs.reserveCapacity(storedColumns + 1)
            for _ in 0..<(storedColumns + 1) / 2 {
                let byte = try reader.read()
                refs.append(byte & 0x0F)
                refs.append(byte >> 4)
            }
        } else {
            refs = try (0..<storedColumns).map { _ in try reader.read() }
        }
        // Columns added by a later schema version are simply never written here yet.
        for index in 0..<min(storedColumns, columnCount) where refs[index] > 0 {
            meta.columnStamps[index] = try stamp(at: UInt64(refs[index] - 1), of: stamps, reader)
        }
        return meta
    }

    private static func readStamps(
        _ reader: inout CompactReader, directory: ReplicaDirectory,
        clock: (inout CompactReader, _ index: Int, _ firstMillis: UInt64) throws -> HLC
    ) throws -> [Stamp] {
        let stampCount = try readCount(&reader, atMost: 255)
        var stamps: [Stamp] = []
        stamps.reserveCapacity(stampCount)
        for index in 0..<stampCount {
            let replica = try directory.replica(at: reader.readVarint())
            let counter = try reader.readVarint()
            let hlc = try clock(&reader, index, stamps.first?.hlc.millis ?? 0)
            stamps.append(Stamp(hlc: hlc, dot: Dot(replica: replica, counter: counter)))
        }
        return stamps
    }

    private static func readCount(_ reader: inout CompactReader, atMost limit: Int) throws -> Int {
        let count = try reader.readVarint()
        guard count <= UInt64(limit) else { throw CompactReader.OutOfBounds(offset: reader.offset) }
        return Int(count)
    }

    private static func stamp(at ref: UInt64, of stamps: [Stamp], _ reader: CompactReader) throws -> Stamp {
        guard ref < stamps.count else { throw CompactReader.OutOfBounds(offset: reader.offset) }
        return stamps[Int(ref)]
    }

    /// The November 2026 layout: whole clocks, the version vector always written, a byte per column.
    private static func decodeVersion1(_ reader: inout CompactReader, columnCount: Int, directory: ReplicaDirectory) throws -> RowMeta {
        var baseClock: UInt64 = 0
        let stamps = try readStamps(&reader, directory: directory) { reader, index, _ in
            if index == 0 {
                baseClock = try reader.readVarint()
                return HLC(rawValue: baseClock)
            }
            return HLC(rawValue: baseClock &+ UInt64(bitPattern: try reader.readSigned()))
        }
        var meta = RowMeta(columnCount: columnCount)
        var vv: [ReplicaID: UInt64] = [:]
        for _ in 0..<(try reader.readVarint()) {
            let replica = try directory.replica(at: reader.readVarint())
            vv[replica] = try reader.readVarint()
        }
        meta.versionVector = VersionVector(vv)
        switch try reader.read() {
        case 0: meta.existence = nil
        case let flag: meta.existence = Existence(isDeleted: flag == 2, stamp: try stamp(at: reader.readVarint(), of: stamps, reader))
        }
        let storedColumns = try readCount(&reader, atMost: 4096)
        for index in 0..<storedColumns {
            let ref = try reader.read()
            if ref > 0, index < columnCount { meta.columnStamps[index] = try stamp(at: UInt64(ref - 1), of: stamps, reader) }
        }
        return meta
    }
}
