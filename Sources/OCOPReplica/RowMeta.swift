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

    static let formatVersion: UInt8 = 1

    package func encoded(_ directory: inout ReplicaDirectory) -> [UInt8] {
        var stamps: [Stamp] = []
        func reference(_ stamp: Stamp) -> Int {
            if let index = stamps.firstIndex(of: stamp) { return index }
            stamps.append(stamp)
            return stamps.count - 1
        }
        let existenceRef = existence.map { reference($0.stamp) }
        let columnRefs = columnStamps.map { $0.map(reference) }

        var writer = CompactWriter(capacity: 48)
        writer.write(Self.formatVersion)
        writer.writeVarint(UInt64(stamps.count))
        let baseClock = stamps.first?.hlc.rawValue ?? 0
        for (index, stamp) in stamps.enumerated() {
            writer.writeVarint(directory.index(of: stamp.dot.replica))
            writer.writeVarint(stamp.dot.counter)
            if index == 0 {
                writer.writeVarint(stamp.hlc.rawValue)
            } else {
                writer.writeSigned(Int64(bitPattern: stamp.hlc.rawValue &- baseClock))
            }
        }
        let entries = versionVector.sortedEntries
        writer.writeVarint(UInt64(entries.count))
        for entry in entries {
            writer.writeVarint(directory.index(of: entry.replica))
            writer.writeVarint(entry.counter)
        }
        if let existence, let existenceRef {
            writer.write(existence.isDeleted ? 2 : 1)
            writer.writeVarint(UInt64(existenceRef))
        } else {
            writer.write(0)
        }
        writer.writeVarint(UInt64(columnRefs.count))
        for ref in columnRefs { writer.write(ref.map { UInt8($0 + 1) } ?? 0) }
        return writer.bytes
    }

    package init(decoding bytes: [UInt8], columnCount: Int, directory: ReplicaDirectory) throws {
        var reader = CompactReader(bytes)
        guard try reader.read() == Self.formatVersion else { throw CompactReader.OutOfBounds(offset: 0) }
        let stampCount = Int(try reader.readVarint())
        guard stampCount <= 255 else { throw CompactReader.OutOfBounds(offset: reader.offset) }
        var stamps: [Stamp] = []
        stamps.reserveCapacity(stampCount)
        var baseClock: UInt64 = 0
        for index in 0..<stampCount {
            let replica = try directory.replica(at: reader.readVarint())
            let counter = try reader.readVarint()
            let clock: UInt64
            if index == 0 {
                clock = try reader.readVarint()
                baseClock = clock
            } else {
                clock = baseClock &+ UInt64(bitPattern: try reader.readSigned())
            }
            stamps.append(Stamp(hlc: HLC(rawValue: clock), dot: Dot(replica: replica, counter: counter)))
        }
        func stamp(_ ref: UInt64) throws -> Stamp {
            guard ref < stamps.count else { throw CompactReader.OutOfBounds(offset: reader.offset) }
            return stamps[Int(ref)]
        }
        var vv: [ReplicaID: UInt64] = [:]
        let vvCount = try reader.readVarint()
        for _ in 0..<vvCount {
            let replica = try directory.replica(at: reader.readVarint())
            vv[replica] = try reader.readVarint()
        }
        versionVector = VersionVector(vv)
        switch try reader.read() {
        case 0: existence = nil
        case let flag: existence = Existence(isDeleted: flag == 2, stamp: try stamp(reader.readVarint()))
        }
        let storedColumns = Int(try reader.readVarint())
        columnStamps = Array(repeating: nil, count: max(columnCount, 0))
        for index in 0..<storedColumns {
            let ref = try reader.read()
            // Columns added by a later schema version are simply never written here yet.
            if ref > 0, index < columnCount { columnStamps[index] = try stamp(UInt64(ref - 1)) }
        }
    }
}
