import Foundation
import OCOPSync
@testable import OCOPWire
import Testing

/// Seeded mutation fuzzing of the decoder: no crash, no hang, only typed errors, every decoded
/// message within the limits and re-encodable to the same message.
///
/// `OCOP_FUZZ_ITERATIONS=2000000 swift test --filter MutationFuzz` runs a long campaign.
@Suite("Mutation fuzz")
struct MutationFuzzTests {
    static var iterations: Int {
        ProcessInfo.processInfo.environment["OCOP_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 20_000
    }

    /// Valid frames to mutate: every vector plus random messages, each also as its raw payload.
    static func corpus() throws -> [(type: UInt8, frame: [UInt8], payload: [UInt8]?)] {
        var corpus: [(UInt8, [UInt8], [UInt8]?)] = []
        for vector in try Vectors.all() where vector.bytes.count >= FrameHeader.size {
            corpus.append((vector.bytes[5], vector.bytes, nil))
        }
        var random = RandomMessages(seed: 42)
        for _ in 0..<200 {
            let message = random.message()
            let payload = try PayloadCoding.encode(message, limits: .protocolDefault)
            corpus.append((message.type.rawValue, try FrameEncoder().encode(message), payload))
        }
        return corpus
    }

    /// A frame around `payload` with a correct checksum, so mutations reach the payload decoder.
    static func frame(type: UInt8, payload: [UInt8], flags: UInt8 = 0) -> [UInt8] {
        var header = FrameHeader.magic + [1, type, flags, 0]
        let n = UInt32(payload.count)
        header += [UInt8(n >> 24), UInt8(truncatingIfNeeded: n >> 16), UInt8(truncatingIfNeeded: n >> 8), UInt8(truncatingIfNeeded: n)]
        let crc = header.withUnsafeBufferPointer { h in payload.withUnsafeBufferPointer { Zlib.crc32(h, $0) } }
        header += [UInt8(crc >> 24), UInt8(truncatingIfNeeded: crc >> 16), UInt8(truncatingIfNeeded: crc >> 8), UInt8(truncatingIfNeeded: crc)]
        return header + payload
    }

    static func mutate(_ input: [UInt8], _ rng: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            guard !bytes.isEmpty else { bytes = [UInt8.random(in: 0...255, using: &rng)]; continue }
            let i = Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0...7, using: &rng) {
            case 0: bytes[i] ^= 1 << UInt8.random(in: 0...7, using: &rng)
            case 1: bytes[i] = UInt8.random(in: 0...255, using: &rng)
            case 2: bytes[i] = [0x00, 0x01, 0x7F, 0x80, 0xFF][Int.random(in: 0...4, using: &rng)]
            case 3: bytes.removeSubrange(i..<min(bytes.count, i + Int.random(in: 1...8, using: &rng)))
            case 4: bytes.insert(contentsOf: (0..<Int.random(in: 1...8, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }, at: i)
            case 5: bytes = Array(bytes[0..<i])
            case 6: bytes.insert(contentsOf: [0xFF, 0xFF, 0xFF, 0xFF, 0x0F], at: i)  // a huge varint
            default:
                let j = Int.random(in: 0..<bytes.count, using: &rng)
                bytes.insert(contentsOf: bytes[min(i, j)..<max(i, j)].prefix(64), at: j)
            }
        }
        return bytes
    }

    @Test func mutatedInputsNeverCrashHangOrEscapeTheLimits() throws {
        let corpus = try Self.corpus()
        let limits = WireLimits.protocolDefault
        var rng = SeededGenerator(seed: 20_251_123)
        var decodedCount = 0
        var errorCodes: [UInt16: Int] = [:]
        let started = ContinuousClock.now
        for _ in 0..<Self.iterations {
            let (type, frame, payload) = corpus[Int.random(in: 0..<corpus.count, using: &rng)]
            let input: [UInt8]
            let dice = Int.random(in: 0...2, using: &rng)
            if dice == 0, let payload {
                input = Self.frame(type: type, payload: Self.mutate(payload, &rng))
            } else if dice == 1, frame.count > FrameHeader.size {
                // Mutate the body as carried (possibly compressed) and fix the checksum.
                input = Self.frame(type: type, payload: Self.mutate(Array(frame[FrameHeader.size...]), &rng), flags: frame[6])
            } else {
                input = Self.mutate(frame, &rng)
            }
            switch Vectors.decodeAll(input) {
            case .success(let messages):
                decodedCount += messages.count
                for message in messages {
                    try Self.checkWithinLimits(message, limits)
                    // Whatever the decoder accepts, the encoder can send and the decoder reads back identically.
                    let again = try FrameEncoder().encode(message)
                    #expect(try Vectors.decodeAll(again).get() == [message])
                }
            case .failure(let error):
                errorCodes[error.code.rawValue, default: 0] += 1
                #expect(error.code.rawValue < 0x0100, "a decoder raised a session code: \(error)")
            }
        }
        let elapsed = ContinuousClock.now - started
        print("mutation fuzz: \(Self.iterations) inputs in \(elapsed), \(decodedCount) decoded, errors by code: \(errorCodes.sorted { $0.key < $1.key })")
        #expect(decodedCount > 0)
        #expect(errorCodes.count >= 8, "mutations should reach many kinds of errors")
        if Self.iterations <= 20_000 { #expect(elapsed < .seconds(30)) }
    }

    static func checkWithinLimits(_ message: Message, _ limits: WireLimits) throws {
        func check(_ value: SyncValue) {
            switch value {
            case .text(let t): #expect(t.utf8.count <= limits.maxTextBytes)
            case .blob(let b): #expect(b.count <= limits.maxBlobBytes)
            case .real(let r): #expect(!r.isNaN)
            default: break
            }
        }
        func check(_ changes: [RowChange], _ conflicts: [ConflictRecord]) {
            #expect(changes.count <= limits.maxBatchEntries && conflicts.count <= limits.maxBatchEntries)
            for change in changes {
                check(change.key)
                #expect(change.state.versionVector.counters.count <= limits.maxVectorEntries)
                #expect(change.state.columns.count <= limits.maxColumns)
                for (name, write) in change.state.columns {
                    #expect(!name.isEmpty && name.utf8.count <= limits.maxNameBytes)
                    check(write.value)
                }
            }
            for conflict in conflicts { check(conflict.key); check(conflict.losingValue) }
        }
        switch message {
        case .push(let push): check(push.changes, push.conflicts)
        case .changes(let changes): check(changes.changes, changes.conflicts)
        case .pushAck(let ack): #expect(ack.rejections.count <= limits.maxBatchEntries)
        case .hello(let hello): #expect(hello.clientNonce.count >= 18 && hello.clientNonce.count <= limits.maxNameBytes)
        default: break
        }
    }
}
