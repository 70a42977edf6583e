import OCOPSync
import OCOPWire

/// A small seeded generator (SplitMix64), so failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random but valid messages, for round-trip and fuzz tests.
struct RandomMessages {
    var rng: SeededGenerator
    let replicas: [ReplicaID]
    static let words = ["Mật ong", "bạc hà", "Mèo Vạc", "Nước mắm", "Phú Quốc", "Chè", "Shan tuyết", "honey", "fish sauce", "🐝", "", "ẞ", "certified"]
    static let names = ["products", "producers", "name_vi", "name_en", "status", "gtin", "tenant_id", "description_vi", "_exists", "stars"]

    init(seed: UInt64) {
        rng = SeededGenerator(seed: seed)
        var r = SeededGenerator(seed: seed ^ 0xABCDEF)
        replicas = (0..<4).map { _ in ReplicaID(high: r.next(), low: r.next()) }
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
    mutating func bool() -> Bool { Bool.random(using: &rng) }
    mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) } }
    mutating func text(maxWords: Int = 6) -> String { (0..<int(0...maxWords)).map { _ in Self.words[int(0...Self.words.count - 1)] }.joined(separator: " ") }
    mutating func name() -> String { Self.names[int(0...Self.names.count - 1)] }
    mutating func u64() -> UInt64 { [0, 1, UInt64.max, rng.next(), UInt64(int(0...1000))][int(0...4)] }

    mutating func value() -> SyncValue {
        switch int(0...13) {
        case 0: return .null
        case 1: return .integer([Int64.min, Int64.max, 0, -1][int(0...3)])
        case 2: return .integer(Int64(bitPattern: rng.next()))
        case 3: return .real([-0.0, 0.0, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude][int(0...5)])
        case 4: return .real(Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF))
        case 5: return .blob(bytes(int(0...40)))
        case 6: return .blob(bytes(16))
        default: return .text(text())
        }
    }

    mutating func stamp(vector: [ReplicaID: UInt64]) -> Stamp {
        let replica = replicas[int(0...replicas.count - 1)]
        let counter = vector[replica].map { $0 - UInt64(int(0...Int(min($0 - 1, 5)))) } ?? UInt64(int(1...100))
        let hlc = bool() ? rng.next() : (UInt64(1_763_856_000_000 + int(0...100_000)) << 16)
        return Stamp(hlc: HLC(rawValue: hlc), dot: Dot(replica: replica, counter: counter))
    }

    mutating func change() -> RowChange {
        var vector: [ReplicaID: UInt64] = [:]
        for _ in 0..<int(0...3) { vector[replicas[int(0...replicas.count - 1)]] = UInt64(int(1...1_000_000)) }
        var state = RowState(versionVector: VersionVector(vector))
        if int(0...3) > 0 { state.existence = Existence(isDeleted: int(0...4) == 0, stamp: stamp(vector: vector)) }
        for _ in 0..<int(0...5) { state.columns[name()] = ColumnWrite(value: value(), stamp: stamp(vector: vector)) }
        return RowChange(table: name(), key: bool() ? .blob(bytes(16)) : value(), state: state)
    }

    mutating func conflict() -> ConflictRecord {
        ConflictRecord(
            table: name(), key: value(), column: name(), kind: bool() ? .concurrentUpdate : .updateOfDeletedRow,
            losingValue: value(), losingStamp: stamp(vector: [:])
        )
    }

    mutating func message() -> Message {
        switch int(0...13) {
        case 0:
            return .hello(Hello(minVersion: 1, maxVersion: UInt8(int(1...5)), schemaVersion: UInt32(int(0...3)), replica: replicas[0], user: "central", clientNonce: bytes(int(18...64)), software: text()))
        case 1:
            return .challenge(Challenge(version: 1, salt: bytes(int(8...32)), iterations: UInt32(int(4096...200_000)), nonce: bytes(int(36...100))))
        case 2: return .authProof(AuthProof(proof: bytes(32)))
        case 3:
            return .authOK(AuthOK(serverSignature: bytes(32), role: bool() ? .province : .central, tenant: "t-" + text(maxWords: 2), acknowledgedCounter: u64(), pullCursor: u64()))
        case 4:
            return .push(Push(schemaVersion: UInt32(int(0...3)), firstCounter: u64(), lastCounter: u64(), changes: (0..<int(0...12)).map { _ in change() }, conflicts: (0..<int(0...3)).map { _ in conflict() }))
        case 5:
            return .pushAck(PushAck(lastAcknowledged: u64(), applied: UInt32(int(0...5000)), rejections: (0..<int(0...3)).map { _ in
                PushAck.Rejection(index: UInt32(int(0...100)), table: name(), key: value(), reason: PushAck.Reason(rawValue: UInt16(int(0...70000) % 65536)), message: text())
            }))
        case 6: return .pull(Pull(cursor: u64(), maxChanges: UInt32(int(1...100_000))))
        case 7:
            return .changes(Changes(schemaVersion: 1, nextCursor: u64(), hasMore: bool(), changes: (0..<int(0...12)).map { _ in change() }, conflicts: (0..<int(0...3)).map { _ in conflict() }))
        case 8: return .error(ErrorMessage(code: WireError.Code(rawValue: UInt16(int(0...65535))), message: text(), detail: bool() ? nil : text()))
        case 9:
            return .fileOffer(FileOffer(files: (0..<int(1...5)).map { _ in FileOffer.File(sha256: bytes(32), size: UInt64(int(1...33_554_432))) }))
        case 10:
            return .fileWant(FileWant(files: (0..<int(1...5)).map { _ in
                let state: FileWant.State
                switch int(0...2) {
                case 0: state = .stored
                case 1: state = .wanted(received: UInt64(int(0...33_554_432)))
                default: state = .refused(FileWant.Reason(rawValue: UInt16(int(0...65535))), message: text())
                }
                return FileWant.File(sha256: bytes(32), state: state)
            }))
        case 11:
            let data = bytes(int(1...300))
            let size = UInt64(int(data.count...33_554_432))
            return .fileChunk(FileChunk(sha256: bytes(32), size: size, offset: UInt64(int(0...Int(size) - data.count)), data: data, dataSHA256: bytes(32)))
        case 12: return .fileAck(FileAck(sha256: bytes(32), received: UInt64(int(0...33_554_432)), complete: bool()))
        default: return .goodbye(Goodbye(reason: Goodbye.Reason(rawValue: UInt16(int(0...3))), message: text()))
        }
    }
}
