import OCOPReplica
import OCOPSync
import OCOPTestSupport
import Testing

/// Row metadata is stored in every synced row of every replica and of the national store, so its
/// layout must read back exactly, keep reading what earlier releases wrote, stay small, and
/// refuse damage instead of crashing.
@Suite("Row metadata encoding")
struct RowMetaEncodingTests {
    @Test("every generated state reads back equal, over clocks at every edge and vectors of every shape")
    func roundTrip() throws {
        var random = SeededGenerator(state: 0x0C0B_2026)
        for _ in 0..<5_000 {
            let (meta, columnCount) = Self.meta(&random)
            var writing = ReplicaDirectory(entries: [])
            let bytes = meta.encoded(&writing)
            let reading = ReplicaDirectory(entries: writing.entries)
            #expect(try RowMeta(decoding: bytes, columnCount: columnCount, directory: reading) == meta, "\(bytes)")
        }
    }

    @Test("the November 2026 layout (version 1) still reads, so stores keep working until each row's next change")
    func readsVersion1() throws {
        var random = SeededGenerator(state: 7)
        for _ in 0..<2_000 {
            let (meta, columnCount) = Self.meta(&random)
            var writing = ReplicaDirectory(entries: [])
            let bytes = RowMetaLayouts.version1(meta, &writing)
            #expect(try RowMeta(decoding: bytes, columnCount: columnCount, directory: ReplicaDirectory(entries: writing.entries)) == meta)
        }
        // A fixture written by the November 2026 release: one replica (#1), inserted at counter 3,
        // 2026-11-20T08:00:00.000Z logical 0, three columns.
        let fixture: [UInt8] = [0x01, 0x01, 0x01, 0x03, 0x80, 0x80, 0x80, 0x80, 0x83, 0xFF, 0xFD, 0xD0, 0x01, 0x01, 0x01, 0x03, 0x01, 0x00, 0x03, 0x01, 0x01, 0x01]
        let replica = ReplicaID(high: 1, low: 2)
        let meta = try RowMeta(decoding: fixture, columnCount: 3, directory: ReplicaDirectory(entries: [(UInt64(1), replica)]))
        let stamp = Stamp(hlc: HLC(millis: 1_795_161_600_000, logical: 0), dot: Dot(replica: replica, counter: 3))
        #expect(meta.existence == Existence(isDeleted: false, stamp: stamp))
        #expect(meta.columnStamps == [stamp, stamp, stamp])
        #expect(meta.versionVector == VersionVector([replica: 3]))
    }

    @Test("version 2 (December 2026) still reads, until the migration rewrites it")
    func readsVersion2() throws {
        var random = SeededGenerator(state: 8)
        for _ in 0..<2_000 {
            let (meta, columnCount) = Self.meta(&random)
            var writing = ReplicaDirectory(entries: [])
            let bytes = RowMetaLayouts.version2(meta, &writing)
            #expect(bytes.first == 2)
            #expect(try RowMeta(decoding: bytes, columnCount: columnCount, directory: ReplicaDirectory(entries: writing.entries)) == meta)
        }
    }

    @Test("a row as inserted takes 12 bytes (17 in version 2, 34 in version 1); after one later edit of two columns, 23 (31, 45)")
    func size() throws {
        let province = ReplicaID(high: 0xAB, low: 0xCD)
        let inserted = Stamp(hlc: HLC(millis: 1_764_547_200_000, logical: 0), dot: Dot(replica: province, counter: 120_345))
        var meta = RowMeta(columnCount: 11)
        meta.record(.insert, mask: 0, stamp: inserted)
        var directory = ReplicaDirectory(entries: [])
        #expect(meta.encoded(&directory).count == 12)
        #expect(RowMetaLayouts.version2(meta, &directory).count == 17)
        #expect(RowMetaLayouts.version1(meta, &directory).count == 34)
        let edited = Stamp(hlc: HLC(millis: 1_764_633_600_123, logical: 2), dot: Dot(replica: province, counter: 130_001))
        meta.record(.update, mask: 0b100_0001_0000, stamp: edited)
        #expect(meta.encoded(&directory).count == 23)
        #expect(RowMetaLayouts.version2(meta, &directory).count == 31)
        #expect(RowMetaLayouts.version1(meta, &directory).count == 45)
        // A product (22 columns) edited once: a bit per column instead of a nibble.
        var product = RowMeta(columnCount: 22)
        product.record(.insert, mask: 0, stamp: inserted)
        product.record(.update, mask: 0b1_0000_0000_0100_0000, stamp: edited)
        #expect(product.encoded(&directory).count == 24)
        #expect(try RowMeta(decoding: product.encoded(&directory), columnCount: 22, directory: directory) == product)
        #expect(RowMetaLayouts.version2(product, &directory).count == 36)
    }

    @Test("damage is refused, never a crash: every truncation, every flipped byte, unknown versions")
    func damage() throws {
        var random = SeededGenerator(state: 99)
        for _ in 0..<300 {
            let (meta, columnCount) = Self.meta(&random)
            var writing = ReplicaDirectory(entries: [])
            let bytes = meta.encoded(&writing)
            let reading = ReplicaDirectory(entries: writing.entries)
            for length in 0..<bytes.count {
                #expect(throws: (any Error).self) { try RowMeta(decoding: Array(bytes[..<length]), columnCount: columnCount, directory: reading) }
            }
            #expect(throws: (any Error).self) { try RowMeta(decoding: bytes + [0], columnCount: columnCount, directory: reading) }
            for index in bytes.indices {
                var damaged = bytes
                damaged[index] ^= UInt8(truncatingIfNeeded: random.next() | 1)
                // A flipped byte may still spell a valid state; it must never crash.
                _ = try? RowMeta(decoding: damaged, columnCount: columnCount, directory: reading)
            }
        }
        for version: UInt8 in [0, 3, 127, 255] {
            #expect(throws: (any Error).self) { try RowMeta(decoding: [version, 0, 0, 0], columnCount: 0, directory: ReplicaDirectory(entries: [])) }
        }
    }

    // MARK: Generators

    /// A row's metadata as replicas make it: a few replicas, counters from 1 to millions,
    /// clocks from the Unix epoch (tests, a reset clock) through today to the last millisecond an
    /// HLC holds, logical counters at both ends, columns never written, vectors that cover their
    /// stamps and vectors that know more.
    static func meta(_ random: inout SeededGenerator) -> (RowMeta, Int) {
        let replicas = (0..<(1 + random.below(4))).map { _ in ReplicaID(high: random.next(), low: random.next()) }
        let millisChoices: [UInt64] = [
            0, 1, RowMeta.clockEpochMillis - 1, RowMeta.clockEpochMillis, RowMeta.clockEpochMillis + 1,
            1_764_547_200_000, 1_767_225_599_999, (1 << 48) - 1,
        ]
        func stamp() -> Stamp {
            let millis = random.below(3) == 0 ? millisChoices[random.below(millisChoices.count)]
                                               : 1_700_000_000_000 + random.next() % 200_000_000_000
            let logical = [0, 1, UInt16.max][random.below(3)]
            let counter: UInt64 = [1, 2, 127, 128, 16_384, random.next() % 5_000_000 + 1, UInt64.max][random.below(7)]
            return Stamp(hlc: HLC(millis: millis, logical: logical), dot: Dot(replica: replicas[random.below(replicas.count)], counter: counter))
        }
        let columnCount = [0, 1, 2, 11, 15, 16, 31, 40][random.below(8)]
        var meta = RowMeta(columnCount: columnCount)
        let distinct = (0..<(1 + random.below(random.below(4) == 0 ? 20 : 3))).map { _ in stamp() }
        // Often every column written, as after an insert and edits (a bit per column then).
        let everyColumn = random.below(3) == 0
        for index in 0..<columnCount where everyColumn || random.below(5) != 0 {
            meta.columnStamps[index] = random.below(2) == 0 ? distinct[0] : distinct[random.below(distinct.count)]
        }
        switch random.below(3) {
        case 0: meta.existence = nil
        case 1: meta.existence = Existence(isDeleted: false, stamp: distinct[random.below(distinct.count)])
        default: meta.existence = Existence(isDeleted: true, stamp: stamp())
        }
        var counters: [ReplicaID: UInt64] = [:]
        let used = meta.columnStamps.compactMap { $0 } + (meta.existence.map { [$0.stamp] } ?? [])
        for stamp in used { counters[stamp.dot.replica] = max(counters[stamp.dot.replica] ?? 0, stamp.dot.counter) }
        switch random.below(4) {
        case 0: break // implied by the stamps
        case 1: counters[replicas[random.below(replicas.count)], default: 0] &+= 1 + random.next() % 1_000 // knows more
        case 2: counters[ReplicaID(high: random.next(), low: 1)] = random.next() % 9 + 1                   // a replica with no stamp left
        default: counters = [replicas[0]: random.next() % 3]                                              // does not cover its stamps
        }
        meta.versionVector = VersionVector(counters)
        return (meta, columnCount)
    }
}

extension SeededGenerator {
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
