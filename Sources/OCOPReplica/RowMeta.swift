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

    /// Bits of the first byte of version 3, the layout ``encoded(_:)`` writes; its high bit
    /// marks the version. Versions 1 (November 2026, first byte 1) and 2 (first byte 2) are still
    /// read: rows keep them until their next change or the migration that rewrites them.
    private enum Flag3 {
        static let version: UInt8 = 0x80
        static let existenceMask: UInt8 = 0b11           // 0 none, 1 present, 2 deleted
        static let explicitVersionVector: UInt8 = 1 << 2 // entries beyond what the stamps imply follow
        static let wholeVersionVector: UInt8 = 1 << 3    // the vector is written whole (it does not cover its stamps)
        static let columnsShift: UInt8 = 4               // two bits: how the columns name their stamps
        static let logicalClocks: UInt8 = 1 << 6         // each stamp's logical counter follows (else all 0)
        static let known: UInt8 = version | existenceMask | explicitVersionVector | wholeVersionVector | 0b11 << columnsShift | logicalClocks
    }

    /// How version 3 writes each column's stamp, from the most to the least common case.
    private enum ColumnRefs: UInt8 {
        case allFirst = 0  // every column written, all with the first stamp (a row as inserted): nothing; one stamp
        case bitmap = 1    // every column written, with the first or the second stamp: a bit each; two stamps
        case nibbles = 2   // a nibble each: 0 never written, n the stamp n - 1 (fewer than 16 stamps)
        case bytes = 3     // a byte each, the same way
    }

    /// Version 3: a byte of flags, the number of columns, the distinct stamps of the row once
    /// each (replica number, counter, clock relative to 2024 for the first; for the others the
    /// counter's difference from the first's when of the same replica, and the clock relative to
    /// the first's; the logical counter only when any is not 0; the existence's stamp is always
    /// the first), then only what cannot be implied: the version vector's entries beyond the
    /// dots of the stamps (usually none) and each column's stamp: nothing when all have the first
    /// (a row as inserted), a bit each when they have the first or second (a row edited once), a
    /// nibble each otherwise. The number of stamps is written only in that last case.
    package func encoded(_ directory: inout ReplicaDirectory) -> [UInt8] {
        var stamps: [Stamp] = []
        func reference(_ stamp: Stamp) -> Int {
            if let index = stamps.firstIndex(of: stamp) { return index }
            stamps.append(stamp)
            return stamps.count - 1
        }
        // The existence's stamp is referenced first, so it is always stamp 0.
        if let existence { _ = reference(existence.stamp) }
        let columnRefs = columnStamps.map { $0.map(reference) }

        // What the stamps imply: each replica's highest counter among them.
        var implied: [ReplicaID: UInt64] = [:]
        for stamp in stamps { implied[stamp.dot.replica] = max(implied[stamp.dot.replica] ?? 0, stamp.dot.counter) }
        let coversStamps = implied.allSatisfy { versionVector[$0.key] >= $0.value }
        let extra = versionVector.sortedEntries.filter { !coversStamps || $0.counter > (implied[$0.replica] ?? 0) }

        let mode: ColumnRefs
        if columnRefs.allSatisfy({ $0 == 0 }) {
            mode = .allFirst
        } else if columnRefs.allSatisfy({ $0 == 0 || $0 == 1 }) {
            mode = .bitmap
        } else {
            mode = stamps.count < 16 ? .nibbles : .bytes
        }
        var flags = Flag3.version | mode.rawValue << Flag3.columnsShift
        if let existence { flags |= existence.isDeleted ? 2 : 1 }
        if !extra.isEmpty { flags |= Flag3.explicitVersionVector }
        if !coversStamps { flags |= Flag3.wholeVersionVector }
        let logical = stamps.contains { $0.hlc.logical != 0 }
        if logical { flags |= Flag3.logicalClocks }

        var writer = CompactWriter(capacity: 32)
        writer.write(flags)
        writer.writeVarint(UInt64(columnRefs.count))
        if mode == .nibbles || mode == .bytes { writer.writeVarint(UInt64(stamps.count)) }
        for (index, stamp) in stamps.enumerated() {
            if index == 0 {
                writer.writeVarint(directory.index(of: stamp.dot.replica))
                writer.writeVarint(stamp.dot.counter)
                writer.writeSigned(Int64(bitPattern: stamp.hlc.millis &- Self.clockEpochMillis))
            } else {
                // A later edit is usually the same replica's, a few thousand writes on: its
                // counter as a difference, tagged by the low bit.
                let first = stamps[0]
                let difference = Self.zigzag(Int64(bitPattern: stamp.dot.counter &- first.dot.counter))
                if stamp.dot.replica == first.dot.replica, difference < 1 << 63 {
                    writer.writeVarint(difference << 1 | 1)
                } else {
                    writer.writeVarint(directory.index(of: stamp.dot.replica) << 1)
                    writer.writeVarint(stamp.dot.counter)
                }
                writer.writeSigned(Int64(bitPattern: stamp.hlc.millis &- first.hlc.millis))
            }
            if logical { writer.writeVarint(UInt64(stamp.hlc.logical)) }
        }
        if !extra.isEmpty {
            writer.writeVarint(UInt64(extra.count))
            for entry in extra {
                writer.writeVarint(directory.index(of: entry.replica))
                writer.writeVarint(entry.counter)
            }
        }
        let refs = columnRefs.map { $0.map { UInt8($0 + 1) } ?? 0 }
        switch mode {
        case .allFirst:
            break
        case .bitmap:
            for start in stride(from: 0, to: refs.count, by: 8) {
                var byte: UInt8 = 0
                for bit in 0..<min(8, refs.count - start) where refs[start + bit] == 2 { byte |= 1 << UInt8(bit) }
                writer.write(byte)
            }
        case .nibbles:
            for pair in stride(from: 0, to: refs.count, by: 2) {
                writer.write(refs[pair] | (pair + 1 < refs.count ? refs[pair + 1] << 4 : 0))
            }
        case .bytes:
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
        case let flags where flags & Flag3.version != 0:
            self = try Self.decodeVersion3(&reader, flags: flags, columnCount: columnCount, directory: directory)
        default: throw CompactReader.OutOfBounds(offset: 0)
        }
        guard reader.isAtEnd else { throw CompactReader.OutOfBounds(offset: reader.offset) }
    }

    private static func decodeVersion3(
        _ reader: inout CompactReader, flags: UInt8, columnCount: Int, directory: ReplicaDirectory
    ) throws -> RowMeta {
        guard flags & ~Flag3.known == 0, flags & Flag3.existenceMask != 3 else { throw CompactReader.OutOfBounds(offset: 0) }
        let storedColumns = try readCount(&reader, atMost: 4096)
        let mode = ColumnRefs(rawValue: flags >> Flag3.columnsShift & 0b11)!
        let stampCount = switch mode {
        case .allFirst: flags & Flag3.existenceMask != 0 || storedColumns > 0 ? 1 : 0
        case .bitmap: 2
        case .nibbles, .bytes: try readCount(&reader, atMost: 255)
        }
        let logical = flags & Flag3.logicalClocks != 0
        var stamps: [Stamp] = []
        stamps.reserveCapacity(stampCount)
        for index in 0..<stampCount {
            let dot: Dot
            if index == 0 {
                dot = Dot(replica: try directory.replica(at: reader.readVarint()), counter: try reader.readVarint())
            } else {
                let tagged = try reader.readVarint()
                if tagged & 1 == 1 {
                    let first = stamps[0].dot
                    dot = Dot(replica: first.replica, counter: first.counter &+ UInt64(bitPattern: Self.unzigzag(tagged >> 1)))
                } else {
                    dot = Dot(replica: try directory.replica(at: tagged >> 1), counter: try reader.readVarint())
                }
            }
            let hlc = try readRelativeClock(&reader, index: index, firstMillis: stamps.first?.hlc.millis ?? 0, logical: logical)
            stamps.append(Stamp(hlc: hlc, dot: dot))
        }
        var meta = RowMeta(columnCount: columnCount)
        if flags & Flag3.existenceMask != 0 {
            meta.existence = Existence(isDeleted: flags & Flag3.existenceMask == 2, stamp: try stamp(at: 0, of: stamps, reader))
        }
        meta.versionVector = try readVersionVector(
            &reader, stamps: stamps, whole: flags & Flag3.wholeVersionVector != 0, explicit: flags & Flag3.explicitVersionVector != 0,
            directory: directory
        )
        var refs: [UInt8]
        switch mode {
        case .allFirst:
            refs = Array(repeating: 1, count: storedColumns)
        case .bitmap:
            refs = []
            refs.reserveCapacity(storedColumns + 7)
            for _ in 0..<(storedColumns + 7) / 8 {
                let byte = try reader.read()
                for bit in 0..<8 { refs.append(((byte >> UInt8(bit)) & 1) + 1) }
            }
        case .nibbles:
            refs = try readNibbles(&reader, count: storedColumns)
        case .bytes:
            refs = try (0..<storedColumns).map { _ in try reader.read() }
        }
        // Columns added by a later schema version are simply never written here yet.
        for index in 0..<min(storedColumns, columnCount) where refs[index] > 0 {
            meta.columnStamps[index] = try stamp(at: UInt64(refs[index] - 1), of: stamps, reader)
        }
        return meta
    }

    private static func zigzag(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }
    private static func unzigzag(_ value: UInt64) -> Int64 { Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1) }

    /// A clock of versions 2 and 3: the first relative to 2024, the others to the first; the
    /// logical counter follows unless version 3 says every one is 0.
    private static func readRelativeClock(
        _ reader: inout CompactReader, index: Int, firstMillis: UInt64, logical hasLogical: Bool = true
    ) throws -> HLC {
        let base = index == 0 ? clockEpochMillis : firstMillis
        let millis = base &+ UInt64(bitPattern: try reader.readSigned())
        let logical = hasLogical ? try reader.readVarint() : 0
        guard millis < 1 << 48, logical <= UInt64(UInt16.max) else { throw CompactReader.OutOfBounds(offset: reader.offset) }
        return HLC(millis: millis, logical: UInt16(logical))
    }

    /// The version vector of versions 2 and 3: what the stamps imply unless written whole, then
    /// any entries written explicitly.
    private static func readVersionVector(
        _ reader: inout CompactReader, stamps: [Stamp], whole: Bool, explicit: Bool, directory: ReplicaDirectory
    ) throws -> VersionVector {
        var counters: [ReplicaID: UInt64] = [:]
        if !whole {
            for stamp in stamps { counters[stamp.dot.replica] = max(counters[stamp.dot.replica] ?? 0, stamp.dot.counter) }
        }
        if explicit {
            for _ in 0..<(try reader.readVarint()) {
                let replica = try directory.replica(at: reader.readVarint())
                counters[replica] = try reader.readVarint()
            }
        }
        return VersionVector(counters)
    }

    private static func readNibbles(_ reader: inout CompactReader, count: Int) throws -> [UInt8] {
        var refs: [UInt8] = []
        refs.reserveCapacity(count + 1)
        for _ in 0..<(count + 1) / 2 {
            let byte = try reader.read()
            refs.append(byte & 0x0F)
            refs.append(byte >> 4)
        }
        return refs
    }

    /// Version 2 (December 2026, before the flags moved into the first byte).
    private static func decodeVersion2(_ reader: inout CompactReader, columnCount: Int, directory: ReplicaDirectory) throws -> RowMeta {
        let flags = try reader.read()
        guard flags & ~(Flag.existenceMask | Flag.explicitVersionVector | Flag.wholeVersionVector | Flag.uniformColumns) == 0,
              flags & Flag.existenceMask != 3 else { throw CompactReader.OutOfBounds(offset: reader.offset - 1) }
        let stamps = try readStamps(&reader, directory: directory) { reader, index, firstMillis in
            try readRelativeClock(&reader, index: index, firstMillis: firstMillis)
        }
        var meta = RowMeta(columnCount: columnCount)
        if flags & Flag.existenceMask != 0 {
            meta.existence = Existence(isDeleted: flags & Flag.existenceMask == 2, stamp: try stamp(at: reader.readVarint(), of: stamps, reader))
        }
        meta.versionVector = try readVersionVector(
            &reader, stamps: stamps, whole: flags & Flag.wholeVersionVector != 0, explicit: flags & Flag.explicitVersionVector != 0,
            directory: directory
        )
        let storedColumns = try readCount(&reader, atMost: 4096)
        var refs: [UInt8]
        if flags & Flag.uniformColumns != 0 {
            refs = Array(repeating: try reader.read(), count: storedColumns)
        } else if stamps.count < 16 {
            refs = try readNibbles(&reader, count: storedColumns)
        } else {
            refs = try (0..<storedColumns).map { _ in try reader.read() }
        }
        // Columns added by a later schema version are simply never written here yet.
        for index in 0..<min(storedColumns, columnCount) where refs[index] > 0 {
            meta.columnStamps[index] = try stamp(at: UInt64(refs[index] - 1), of: stamps, reader)
        }
        return meta
    }

    /// The stamps of a row: `count` of them, or as many as the count read first says.
    private static func readStamps(
        _ reader: inout CompactReader, count: Int? = nil, directory: ReplicaDirectory,
        clock: (inout CompactReader, _ index: Int, _ firstMillis: UInt64) throws -> HLC
    ) throws -> [Stamp] {
        let stampCount = try count ?? readCount(&reader, atMost: 255)
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
