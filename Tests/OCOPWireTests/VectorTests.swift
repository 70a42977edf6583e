import Foundation
import OCOPSync
@testable import OCOPWire
import Testing

@Suite("Protocol/vectors, both directions")
struct VectorTests {
    static let vectors: [Vectors.Vector] = (try? Vectors.all()) ?? []

    @Test func thereAreEnoughVectorsCoveringEveryMessageType() {
        #expect(Self.vectors.count >= 30)
        let types = Set(Self.vectors.compactMap { $0.message?.type })
        #expect(types == Set(MessageType.allCases))
        #expect(Self.vectors.contains { $0.errorCode != nil })
    }

    @Test(arguments: vectors)
    func decodes(_ vector: Vectors.Vector) throws {
        let result = Vectors.decodeAll(vector.bytes)
        if let expected = vector.message {
            #expect(try result.get() == [expected])
        } else {
            switch result {
            case .success(let messages):
                Issue.record("decoded \(messages) instead of failing with \(vector.errorCode ?? 0)")
            case .failure(let error):
                #expect(error.code.rawValue == vector.errorCode, "\(error)")
            }
        }
    }

    @Test(arguments: vectors.filter { $0.message != nil })
    func encodesToTheExactBytes(_ vector: Vectors.Vector) throws {
        let message = try #require(vector.message)
        let encoded = try FrameEncoder().encode(message)
        #expect(Vectors.hex(encoded) == Vectors.hex(vector.bytes))
    }

    @Test func decodesByteAtATime() throws {
        for vector in Self.vectors where vector.bytes.count < 20_000 {
            let whole = Vectors.decodeAll(vector.bytes)
            let dribbled = Vectors.decodeAll(vector.bytes, chunk: 1)
            switch (whole, dribbled) {
            case (.success(let a), .success(let b)): #expect(a == b, "\(vector.name)")
            case (.failure(let a), .failure(let b)): #expect(a.code == b.code, "\(vector.name)")
            default: Issue.record("\(vector.name): \(whole) versus \(dribbled)")
            }
        }
    }

    @Test func negativeZeroKeepsItsSign() throws {
        let vector = try Vectors.load("011-push-reals.json")
        guard case .push(let push) = try Vectors.decodeAll(vector.bytes).get().first else {
            Issue.record("not a push")
            return
        }
        guard case .real(let zero) = push.changes[0].state.columns["r0"]?.value else {
            Issue.record("r0 is not a real")
            return
        }
        #expect(zero == 0 && zero.sign == .minus)
    }

    @Test func theDictionaryIsTheCommittedFile() throws {
        let file = try Data(contentsOf: Vectors.root.appendingPathComponent("Protocol/zlib-dictionary.bin"))
        #expect(WireDictionary.bytes.count > 1000)
        #expect(WireDictionary.bytes == Array(file))
    }

    @Test func framesAfterAPayloadErrorStillDecode() throws {
        let bad = try Vectors.load("133-pull-zero-max.json").bytes
        let good = try Vectors.load("025-pull-first.json")
        var decoder = FrameDecoder()
        decoder.append(bad + good.bytes)
        #expect(throws: WireError.self) { try decoder.next() }
        #expect(try decoder.next() == good.message)
        #expect(decoder.frameIndex == 2)
    }

    @Test func aFramingErrorIsSticky() throws {
        let bad = try Vectors.load("106-checksum-mismatch.json").bytes
        let good = try Vectors.load("025-pull-first.json").bytes
        var decoder = FrameDecoder()
        decoder.append(bad + good)
        do {
            _ = try decoder.next()
            Issue.record("no error")
        } catch {
            #expect(error.code == .checksumMismatch)
            #expect(error.code.closesConnection)
            #expect(error.frameIndex == 0)
        }
        #expect(throws: WireError.self) { try decoder.next() }
    }
}
