import OCOPSync

/// Encodes and decodes the change batch shared by PUSH and CHANGES (SPEC "Batches"): a string
/// table, a replica table, the changes, then the conflict records. A stamp equal to the previous
/// stamp is one zero byte; otherwise its clock milliseconds are a delta from the previous stamp's,
/// and its dot counter is relative to the row's version vector; version vector counters are
/// deltas from the same replica's counter in the previous vector of the batch.
enum BatchCoding {
    /// Existence register tags.
    static let existenceAbsent: UInt8 = 0
    static let existenceLive: UInt8 = 1
    static let existenceDeleted: UInt8 = 2

    /// Table and column names are identifiers: printable ASCII (0x21–0x7E), so byte equality is
    /// the only equality (no Unicode normalisation question).
    static func isIdentifier(_ name: String) -> Bool {
        name.utf8.allSatisfy { $0 >= 0x21 && $0 <= 0x7E }
    }

    static func utf8Less(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    // MARK: Encoding

    static func encode(changes: [RowChange], conflicts: [ConflictRecord], limits: WireLimits, into out: inout ByteWriter) throws(WireError) {
        guard changes.count <= limits.maxBatchEntries else { throw .limit("changes", changes.count, max: limits.maxBatchEntries) }
        guard conflicts.count <= limits.maxBatchEntries else { throw .limit("conflicts", conflicts.count, max: limits.maxBatchEntries) }

        var strings: [String: Int] = [:]
        var stringList: [String] = []
        var replicas: [ReplicaID: Int] = [:]
        var replicaList: [ReplicaID] = []
        var body = ByteWriter(capacity: changes.count * 64 + conflicts.count * 48 + 16)
        var previousStamp: Stamp?
        var previousMillis: UInt64 = 0
        var lastVectorCounter: [Int: UInt64] = [:]

        func stringIndex(_ name: String, _ field: @autoclosure () -> String) throws(WireError) -> Int {
            if let index = strings[name] { return index }
            let count = name.utf8.count
            guard count <= limits.maxNameBytes else { throw .limit(field(), count, max: limits.maxNameBytes) }
            guard count > 0 else { throw .invalid(field(), "must not be empty") }
            guard isIdentifier(name) else { throw .invalid(field(), "table and column names must be printable ASCII without spaces") }
            guard stringList.count < limits.maxStringTable else { throw .limit("strings", stringList.count + 1, max: limits.maxStringTable) }
            strings[name] = stringList.count
            stringList.append(name)
            return stringList.count - 1
        }
        func replicaIndex(_ replica: ReplicaID) throws(WireError) -> Int {
            if let index = replicas[replica] { return index }
            guard replicaList.count < limits.maxReplicaTable else { throw .limit("replicas", replicaList.count + 1, max: limits.maxReplicaTable) }
            replicas[replica] = replicaList.count
            replicaList.append(replica)
            return replicaList.count - 1
        }
        func stamp(_ stamp: Stamp, base: UInt64) throws(WireError) {
            if stamp == previousStamp {
                body.u8(0)
                return
            }
            body.varint(try replicaIndex(stamp.dot.replica) + 1)
            let millis = stamp.hlc.millis
            body.signedVarint(Int64(bitPattern: millis &- previousMillis))
            body.varint(UInt64(stamp.hlc.logical))
            body.signedVarint(Int64(bitPattern: base &- stamp.dot.counter))
            previousMillis = millis
            previousStamp = stamp
        }
        func vectorEntry(_ replica: ReplicaID, _ counter: UInt64) throws(WireError) {
            let index = try replicaIndex(replica)
            body.varint(index)
            body.signedVarint(Int64(bitPattern: counter &- (lastVectorCounter[index] ?? 0)))
            lastVectorCounter[index] = counter
        }

        for (i, change) in changes.enumerated() {
            body.varint(try stringIndex(change.table, "changes[\(i)].table"))
            try body.value(change.key, limits: limits, field: "changes[\(i)].key")
            let state = change.state
            let vector = state.versionVector
            let entries = vector.counters.count
            guard entries <= limits.maxVectorEntries else { throw .limit("changes[\(i)].versionVector", entries, max: limits.maxVectorEntries) }
            body.varint(entries)
            if entries == 1, let only = vector.counters.first {
                try vectorEntry(only.key, only.value)
            } else {
                for entry in vector.sortedEntries { try vectorEntry(entry.replica, entry.counter) }
            }
            if let existence = state.existence {
                body.u8(existence.isDeleted ? existenceDeleted : existenceLive)
                try stamp(existence.stamp, base: vector[existence.stamp.dot.replica])
            } else {
                body.u8(existenceAbsent)
            }
            let columnCount = state.columns.count
            guard columnCount <= limits.maxColumns else { throw .limit("changes[\(i)].columns", columnCount, max: limits.maxColumns) }
            body.varint(columnCount)
            for (name, write) in state.columns.sorted(by: { utf8Less($0.key, $1.key) }) {
                body.varint(try stringIndex(name, "changes[\(i)].columns.\(name)"))
                try body.value(write.value, limits: limits, field: "changes[\(i)].columns.\(name).value")
                try stamp(write.stamp, base: vector[write.stamp.dot.replica])
            }
        }
        let conflictsOffset = body.bytes.count
        for (i, conflict) in conflicts.enumerated() {
            body.varint(try stringIndex(conflict.table, "conflicts[\(i)].table"))
            try body.value(conflict.key, limits: limits, field: "conflicts[\(i)].key")
            body.varint(try stringIndex(conflict.column, "conflicts[\(i)].column"))
            body.u8(conflict.kind.rawValue)
            try body.value(conflict.losingValue, limits: limits, field: "conflicts[\(i)].losingValue")
            try stamp(conflict.losingStamp, base: 0)
        }

        out.varint(stringList.count)
        for name in stringList { out.string(name) }
        out.varint(replicaList.count)
        for replica in replicaList {
            out.u64(replica.high)
            out.u64(replica.low)
        }
        out.varint(changes.count)
        // The conflict count sits between the changes and the conflicts: write the body in two parts.
        out.bytes.reserveCapacity(out.bytes.count + body.bytes.count + 10)
        out.raw(body.bytes[0..<conflictsOffset])
        out.varint(conflicts.count)
        out.raw(body.bytes[conflictsOffset...])
    }
}

extension BatchCoding {
    // MARK: Decoding

    /// Minimum encoded sizes, used to bound counts by the bytes that remain before allocating.
    static let minChangeSize = 5      // table, key tag, vector count, existence tag, column count
    static let minConflictSize = 6    // table, key tag, column, kind, value tag, 1-byte stamp
    static let minColumnSize = 3      // name, value tag, 1-byte stamp
    static let minVectorEntrySize = 2 // replica index, counter

    static func decode(_ reader: inout ByteReader, limits: WireLimits) throws(WireError) -> (changes: [RowChange], conflicts: [ConflictRecord]) {
        let stringCount = try reader.count("strings", max: limits.maxStringTable, minElementSize: 2)
        var strings: [String] = []
        strings.reserveCapacity(stringCount)
        var seen = Set<String>(minimumCapacity: stringCount)
        for i in 0..<stringCount {
            let name = try reader.name(limits: limits, "strings[\(i)]")
            guard isIdentifier(name) else { throw .invalid("strings[\(i)]", "table and column names must be printable ASCII without spaces") }
            guard seen.insert(name).inserted else { throw .invalid("strings[\(i)]", "duplicate string table entry") }
            strings.append(name)
        }
        // Each string's rank in UTF-8 byte order, so column order checks compare integers.
        var rank = [Int](repeating: 0, count: stringCount)
        for (position, index) in strings.indices.sorted(by: { utf8Less(strings[$0], strings[$1]) }).enumerated() {
            rank[index] = position
        }

        let replicaCount = try reader.count("replicas", max: limits.maxReplicaTable, minElementSize: 16)
        var replicas: [ReplicaID] = []
        replicas.reserveCapacity(replicaCount)
        var seenReplicas = Set<ReplicaID>(minimumCapacity: replicaCount)
        for i in 0..<replicaCount {
            let high = try reader.u64("replicas[\(i)]")
            let low = try reader.u64("replicas[\(i)]")
            let replica = ReplicaID(high: high, low: low)
            guard seenReplicas.insert(replica).inserted else { throw .invalid("replicas[\(i)]", "duplicate replica table entry") }
            replicas.append(replica)
        }

        var previousStamp: Stamp?
        var previousMillis: UInt64 = 0
        var lastVectorCounter = [UInt64](repeating: 0, count: replicas.count)
        func stamp(_ reader: inout ByteReader, vector: [ReplicaID: UInt64], _ field: @autoclosure () -> String) throws(WireError) -> Stamp {
            let reference = try reader.varint(field() + ".replica")
            if reference == 0 {
                guard let previousStamp else { throw .invalid(field() + ".replica", "no previous stamp to repeat") }
                return previousStamp
            }
            guard reference <= UInt64(replicas.count) else { throw .invalid(field() + ".replica", "replica reference \(reference) is out of range") }
            let replica = replicas[Int(reference - 1)]
            let delta = try reader.signedVarint(field() + ".millis")
            let millis = previousMillis &+ UInt64(bitPattern: delta)
            guard millis >> 48 == 0 else { throw .invalid(field() + ".millis", "clock milliseconds do not fit 48 bits") }
            let logical = try reader.varintU16(field() + ".logical")
            let counterDelta = try reader.signedVarint(field() + ".counter")
            let counter = (vector[replica] ?? 0) &- UInt64(bitPattern: counterDelta)
            let result = Stamp(hlc: HLC(millis: millis, logical: logical), dot: Dot(replica: replica, counter: counter))
            previousMillis = millis
            previousStamp = result
            return result
        }
        func stringAt(_ reader: inout ByteReader, _ field: @autoclosure () -> String) throws(WireError) -> Int {
            let index = try reader.varint(field())
            guard index < UInt64(strings.count) else { throw .invalid(field(), "string index \(index) is out of range") }
            return Int(index)
        }

        let changeCount = try reader.count("changes", max: limits.maxBatchEntries, minElementSize: minChangeSize)
        var changes: [RowChange] = []
        changes.reserveCapacity(changeCount)
        for i in 0..<changeCount {
            let table = strings[try stringAt(&reader, "changes[\(i)].table")]
            let key = try reader.value(limits: limits, "changes[\(i)].key")
            let entryCount = try reader.count("changes[\(i)].versionVector", max: limits.maxVectorEntries, minElementSize: minVectorEntrySize)
            var vector: [ReplicaID: UInt64] = [:]
            vector.reserveCapacity(entryCount)
            var previousReplica: ReplicaID?
            for e in 0..<entryCount {
                let index = try reader.varint("changes[\(i)].versionVector[\(e)].replica")
                guard index < UInt64(replicas.count) else { throw .invalid("changes[\(i)].versionVector[\(e)].replica", "replica index \(index) is out of range") }
                let replica = replicas[Int(index)]
                if let previousReplica, !(previousReplica < replica) {
                    throw .invalid("changes[\(i)].versionVector[\(e)].replica", "entries must be in ascending replica id order without repeats")
                }
                previousReplica = replica
                let delta = try reader.signedVarint("changes[\(i)].versionVector[\(e)].counter")
                let counter = lastVectorCounter[Int(index)] &+ UInt64(bitPattern: delta)
                guard counter > 0 else { throw .invalid("changes[\(i)].versionVector[\(e)].counter", "counter must be at least 1") }
                lastVectorCounter[Int(index)] = counter
                vector[replica] = counter
            }
            var state = RowState(versionVector: VersionVector(vector))
            let existenceTag = try reader.u8("changes[\(i)].existence")
            switch existenceTag {
            case existenceAbsent:
                break
            case existenceLive, existenceDeleted:
                let existenceStamp = try stamp(&reader, vector: vector, "changes[\(i)].existence.stamp")
                state.existence = Existence(isDeleted: existenceTag == existenceDeleted, stamp: existenceStamp)
            default:
                throw .invalid("changes[\(i)].existence", "unknown existence tag \(existenceTag)")
            }
            let columnCount = try reader.count("changes[\(i)].columns", max: limits.maxColumns, minElementSize: minColumnSize)
            var columns: [String: ColumnWrite] = [:]
            columns.reserveCapacity(columnCount)
            var previousRank = -1
            for c in 0..<columnCount {
                let nameIndex = try stringAt(&reader, "changes[\(i)].columns[\(c)].name")
                guard rank[nameIndex] > previousRank else {
                    throw .invalid("changes[\(i)].columns[\(c)].name", "columns must be in ascending UTF-8 order without repeats")
                }
                previousRank = rank[nameIndex]
                let value = try reader.value(limits: limits, "changes[\(i)].columns[\(c)].value")
                let columnStamp = try stamp(&reader, vector: vector, "changes[\(i)].columns[\(c)].stamp")
                columns[strings[nameIndex]] = ColumnWrite(value: value, stamp: columnStamp)
            }
            state.columns = columns
            changes.append(RowChange(table: table, key: key, state: state))
        }

        let conflictCount = try reader.count("conflicts", max: limits.maxBatchEntries, minElementSize: minConflictSize)
        var conflicts: [ConflictRecord] = []
        conflicts.reserveCapacity(conflictCount)
        for i in 0..<conflictCount {
            let table = strings[try stringAt(&reader, "conflicts[\(i)].table")]
            let key = try reader.value(limits: limits, "conflicts[\(i)].key")
            let column = strings[try stringAt(&reader, "conflicts[\(i)].column")]
            let kindByte = try reader.u8("conflicts[\(i)].kind")
            guard let kind = ConflictRecord.Kind(rawValue: kindByte) else { throw .invalid("conflicts[\(i)].kind", "unknown conflict kind \(kindByte)") }
            let losingValue = try reader.value(limits: limits, "conflicts[\(i)].losingValue")
            let losingStamp = try stamp(&reader, vector: [:], "conflicts[\(i)].losingStamp")
            conflicts.append(ConflictRecord(table: table, key: key, column: column, kind: kind, losingValue: losingValue, losingStamp: losingStamp))
        }
        return (changes, conflicts)
    }
}
