import OCOPSync
@testable import OCOPWire
import Testing

@Suite("Round trips of random messages")
struct RoundTripTests {
    @Test(arguments: [1, 2, 3] as [UInt64])
    func randomMessagesRoundTrip(seed: UInt64) throws {
        var random = RandomMessages(seed: seed)
        let encoder = FrameEncoder()
        var stream: [UInt8] = []
        var sent: [Message] = []
        for _ in 0..<300 {
            let message = random.message()
            let frame = try encoder.encode(message)
            var decoder = FrameDecoder()
            decoder.append(frame)
            let decoded = try #require(try decoder.next())
            #expect(decoded == message)
            // Canonical: re-encoding the decoded message gives the same bytes.
            #expect(try encoder.encode(decoded) == frame)
            stream += frame
            sent.append(message)
        }
        // The same frames back to back, cut at random points, come out in order.
        var decoder = FrameDecoder()
        var received: [Message] = []
        var start = 0
        var rng = SeededGenerator(seed: seed)
        while start < stream.count {
            let end = min(stream.count, start + Int.random(in: 1...4000, using: &rng))
            decoder.append(stream[start..<end])
            start = end
            while let message = try decoder.next() { received.append(message) }
        }
        try decoder.finish()
        #expect(received == sent)
    }

    @Test func compressionIsUsedOnlyWhenItPays() throws {
        var random = RandomMessages(seed: 9)
        let changes = (0..<50).map { _ in random.change() }
        let frame = try FrameEncoder().encode(.push(Push(schemaVersion: 1, firstCounter: 1, lastCounter: 50, changes: changes)))
        #expect(frame[6] == FrameHeader.compressedFlag)
        let small = try FrameEncoder().encode(.pull(Pull(cursor: 1, maxChanges: 10)))
        #expect(small[6] == 0)
        let noise = try FrameEncoder().encode(.authOK(AuthOK(serverSignature: random.bytes(32), role: .central, tenant: String(repeating: "z", count: 255), acknowledgedCounter: 0, pullCursor: 0)))
        #expect(noise[6] == FrameHeader.compressedFlag)  // 255 z's compress well
    }

    @Test func theEncoderRefusesWhatReceiversReject() {
        let tooLong = String(repeating: "á", count: 600)  // 1,200 UTF-8 bytes
        #expect(throws: WireError.self) { try FrameEncoder().encode(.goodbye(Goodbye(message: String(repeating: tooLong, count: 4)))) }
        #expect(throws: WireError.self) { try FrameEncoder().encode(.authProof(AuthProof(proof: [1, 2, 3]))) }
        #expect(throws: WireError.self) { try FrameEncoder().encode(.pull(Pull(cursor: 0, maxChanges: 0))) }
        let nan = RowChange(table: "t", key: .real(.nan), state: RowState())
        do {
            _ = try FrameEncoder().encode(.push(Push(schemaVersion: 1, firstCounter: 1, lastCounter: 1, changes: [nan])))
            Issue.record("NaN was encoded")
        } catch {
            #expect(error.code == .invalidValue)
            #expect(error.field == "PUSH.changes[0].key")
        }
    }

    @Test func tableAndColumnNamesMustBeASCIIIdentifiers() {
        let stamp = Stamp(hlc: HLC(millis: 1, logical: 0), dot: Dot(replica: ReplicaID(high: 1, low: 2), counter: 1))
        for (table, column) in [("sản_phẩm", "name"), ("products", "tên"), ("products", "name vi"), ("", "x")] {
            let change = RowChange(table: table, key: .integer(1), state: RowState(columns: [column: ColumnWrite(value: .null, stamp: stamp)]))
            do {
                _ = try FrameEncoder().encode(.push(Push(schemaVersion: 1, firstCounter: 1, lastCounter: 1, changes: [change])))
                Issue.record("encoded \(table).\(column)")
            } catch {
                #expect(error.code == .invalidValue, "\(error)")
            }
        }
    }

    @Test func errorMessageReportsAWireError() throws {
        var decoder = FrameDecoder()
        decoder.append(try Vectors.load("113-invalid-utf8.json").bytes)
        do {
            _ = try decoder.next()
            Issue.record("no error")
        } catch {
            let report = ErrorMessage(error)
            #expect(report.code == .invalidUTF8)
            #expect(report.detail == "frame 0: GOODBYE.message")
            #expect(!report.code.closesConnection)
        }
    }
}
