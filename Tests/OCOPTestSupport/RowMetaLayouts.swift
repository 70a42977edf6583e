import OCOPReplica
import OCOPSync

/// The encoders of earlier row-metadata layouts, as those releases wrote them: tests prove that
/// what they wrote still reads and is rewritten by the migrations.
package enum RowMetaLayouts {
    /// The row's distinct stamps in order of first use (existence, then columns), and which
    /// stamp the existence and each column name: what both earlier layouts started from.
    private static func numbered(_ meta: RowMeta) -> (stamps: [Stamp], existence: Int?, columns: [Int?]) {
        var stamps: [Stamp] = []
        func reference(_ stamp: Stamp) -> Int {
            if let index = stamps.firstIndex(of: stamp) { return index }
            stamps.append(stamp)
            return stamps.count - 1
        }
        let existence = meta.existence.map { reference($0.stamp) }
        let columns = meta.columnStamps.map { $0.map(reference) }
        return (stamps, existence, columns)
    }

    /// The version 2 encoder (December 2026), kept here to prove what it wrote still reads.
    package static func version2(_ meta: RowMeta, _ directory: inout ReplicaDirectory) -> [UInt8] {
        let (stamps, existenceRef, columnRefs) = numbered(meta)
        var implied: [ReplicaID: UInt64] = [:]
        for stamp in stamps { implied[stamp.dot.replica] = max(implied[stamp.dot.replica] ?? 0, stamp.dot.counter) }
        let coversStamps = implied.allSatisfy { meta.versionVector[$0.key] >= $0.value }
        let extra = meta.versionVector.sortedEntries.filter { !coversStamps || $0.counter > (implied[$0.replica] ?? 0) }
        var flags: UInt8 = 0
        if let existence = meta.existence { flags |= existence.isDeleted ? 2 : 1 }
        if !extra.isEmpty { flags |= 1 << 2 }
        if !coversStamps { flags |= 1 << 3 }
        let uniform = columnRefs.allSatisfy { $0 == columnRefs.first ?? nil }
        if uniform { flags |= 1 << 4 }
        var writer = CompactWriter()
        writer.write(2)
        writer.write(flags)
        writer.writeVarint(UInt64(stamps.count))
        var firstMillis: UInt64 = 0
        for (index, stamp) in stamps.enumerated() {
            writer.writeVarint(directory.index(of: stamp.dot.replica))
            writer.writeVarint(stamp.dot.counter)
            writer.writeSigned(Int64(bitPattern: stamp.hlc.millis &- (index == 0 ? RowMeta.clockEpochMillis : firstMillis)))
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
            for pair in stride(from: 0, to: refs.count, by: 2) { writer.write(refs[pair] | (pair + 1 < refs.count ? refs[pair + 1] << 4 : 0)) }
        } else {
            for ref in refs { writer.write(ref) }
        }
        return writer.bytes
    }

    /// The November 2026 encoder, kept here to prove its files still read.
    package static func version1(_ meta: RowMeta, _ directory: inout ReplicaDirectory) -> [UInt8] {
        let (stamps, existenceRef, columnRefs) = numbered(meta)
        var writer = CompactWriter()
        writer.write(1)
        writer.writeVarint(UInt64(stamps.count))
        let baseClock = stamps.first?.hlc.rawValue ?? 0
        for (index, stamp) in stamps.enumerated() {
            writer.writeVarint(directory.index(of: stamp.dot.replica))
            writer.writeVarint(stamp.dot.counter)
            if index == 0 { writer.writeVarint(stamp.hlc.rawValue) } else { writer.writeSigned(Int64(bitPattern: stamp.hlc.rawValue &- baseClock)) }
        }
        let entries = meta.versionVector.sortedEntries
        writer.writeVarint(UInt64(entries.count))
        for entry in entries {
            writer.writeVarint(directory.index(of: entry.replica))
            writer.writeVarint(entry.counter)
        }
        if let existence = meta.existence, let existenceRef {
            writer.write(existence.isDeleted ? 2 : 1)
            writer.writeVarint(UInt64(existenceRef))
        } else {
            writer.write(0)
        }
        writer.writeVarint(UInt64(columnRefs.count))
        for ref in columnRefs { writer.write(ref.map { UInt8($0 + 1) } ?? 0) }
        return writer.bytes
    }
}
