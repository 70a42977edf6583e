import Foundation
import OCOPSync
import Testing

/// A replica id read from its 16 bytes, whatever collection holds them.
struct ReplicaIDTests {
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func bytesRoundTripThroughEveryKindOfCollection(seed: UInt64) throws {
        var state = seed
        for _ in 0..<200 {
            let bytes: [UInt8] = (0..<16).map { _ in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return UInt8(truncatingIfNeeded: state >> 56)
            }
            let id = try #require(ReplicaID(bytes: bytes))
            #expect(id.bytes == bytes)
            // Contiguous (Data, a slice) and not contiguous (a lazy map) give the same id.
            #expect(ReplicaID(bytes: Data(bytes)) == id)
            #expect(ReplicaID(bytes: Data([0, 0] + bytes).dropFirst(2)) == id)
            #expect(ReplicaID(bytes: bytes.lazy.map { $0 }) == id)
            #expect(ReplicaID(uuid: id.uuid) == id)
        }
    }

    @Test func byteOrderIsTheOrderOfIds() throws {
        let low = try #require(ReplicaID(bytes: [0, 0, 0, 0, 0, 0, 0, 1] + [UInt8](repeating: 0xFF, count: 8)))
        let high = try #require(ReplicaID(bytes: [0, 0, 0, 0, 0, 0, 0, 2] + [UInt8](repeating: 0, count: 8)))
        #expect(low < high)
        #expect(low.high == 1 && low.low == .max)
    }

    @Test(arguments: [0, 1, 15, 17, 32])
    func anyOtherLengthIsRefused(count: Int) {
        #expect(ReplicaID(bytes: [UInt8](repeating: 7, count: count)) == nil)
        #expect(ReplicaID(bytes: Data(count: count)) == nil)
    }
}
