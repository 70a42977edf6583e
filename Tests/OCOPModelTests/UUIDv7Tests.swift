import Foundation
import Testing
@testable import OCOPModel

@Suite("UUIDv7")
struct UUIDv7Tests {
    @Test func layoutFollowsRFC9562() {
        var rng = SystemRandomNumberGenerator()
        let time = Date(timeIntervalSince1970: 1_700_000_000.125)
        let id = UUIDv7.make(at: time, using: &rng)
        let b = id.uuid
        #expect(b.6 >> 4 == 7, "version nibble")
        #expect(b.8 >> 6 == 0b10, "variant bits")
        #expect(UUIDv7.isVersion7(id))
        #expect(UUIDv7.millisecondsField(of: id) == 1_700_000_000_125)
        #expect(UUIDv7.timestamp(of: id) == Date(timeIntervalSince1970: 1_700_000_000.125))
        // The text form starts with the 48-bit time in hex.
        #expect(id.uuidString.lowercased().hasPrefix("018bcfe5-687d-7"))
    }

    @Test func knownFieldsGiveKnownBytes() {
        // RFC 9562 appendix A.6 example: 017F22E2-79B0-7CC3-98C4-DC0C0C07398F.
        let id = UUIDv7.make(milliseconds: 0x017F_22E2_79B0, randA: 0xCC3, randB: 0x18C4_DC0C_0C07_398F)
        #expect(id.uuidString == "017F22E2-79B0-7CC3-98C4-DC0C0C07398F")
    }

    @Test func otherVersionsAreNotV7() {
        let v4 = UUID(uuidString: "9A5B6C7D-1E2F-4A3B-8C4D-5E6F7A8B9C0D")!
        #expect(!UUIDv7.isVersion7(v4))
        #expect(UUIDv7.timestamp(of: v4) == nil)
    }

    @Test func generatedIdsAreV7AndNearNow() throws {
        let before = Date()
        let id = UUIDv7.generate()
        let after = Date()
        #expect(UUIDv7.isVersion7(id))
        let stamp = try #require(UUIDv7.timestamp(of: id))
        #expect(stamp >= before.addingTimeInterval(-0.001) && stamp <= after.addingTimeInterval(0.001))
    }

    @Test func monotonicWithinOneMillisecond() {
        let fixed = Date(timeIntervalSince1970: 1_750_000_000)
        let generator = UUIDv7Generator(clock: { fixed })
        var previous = generator.next()
        for _ in 0..<10_000 {
            let next = generator.next()
            #expect(UUIDv7.byteOrder(previous, next), "\(previous) then \(next)")
            #expect(UUIDv7.millisecondsField(of: next) == 1_750_000_000_000)
            previous = next
        }
    }

    @Test func monotonicWhenTheClockGoesBack() {
        final class Clock: @unchecked Sendable {
            var times: [Double] = [2_000, 1_000, 1_000, 3_000]
            let lock = NSLock()
            func now() -> Date { lock.lock(); defer { lock.unlock() }; return Date(timeIntervalSince1970: times.removeFirst()) }
        }
        let clock = Clock()
        let generator = UUIDv7Generator(clock: { clock.now() })
        let ids = (0..<4).map { _ in generator.next() }
        for (a, b) in zip(ids, ids.dropFirst()) { #expect(UUIDv7.byteOrder(a, b)) }
        #expect(UUIDv7.millisecondsField(of: ids[1]) == 2_000_000, "never goes back in time")
        #expect(UUIDv7.millisecondsField(of: ids[3]) == 3_000_000, "follows the clock again")
    }

    @Test func overflowOfTheRandomFieldAdvancesTheMillisecond() {
        let fixed = Date(timeIntervalSince1970: 1_000)
        let generator = UUIDv7Generator(clock: { fixed })
        generator.seed(milliseconds: 1_000_000, randA: 0x0FFF, randB: 0x3FFF_FFFF_FFFF_FFFF)
        let id = generator.next()
        #expect(UUIDv7.millisecondsField(of: id) == 1_000_001)
        #expect(UUIDv7.isVersion7(id))
        let carry = UUIDv7Generator(clock: { fixed })
        carry.seed(milliseconds: 1_000_000, randA: 0x0005, randB: 0x3FFF_FFFF_FFFF_FFFF)
        let carried = carry.next()
        #expect(UUIDv7.millisecondsField(of: carried) == 1_000_000)
        #expect(carried.uuid.6 & 0x0F == 0 && carried.uuid.7 == 6, "rand_a took the carry")
    }

    @Test func concurrentGenerationGivesUniqueIds() async {
        let generator = UUIDv7Generator()
        let ids = await withTaskGroup(of: [UUID].self) { group in
            for _ in 0..<4 { group.addTask { (0..<2_000).map { _ in generator.next() } } }
            var all: [UUID] = []
            for await chunk in group { all += chunk }
            return all
        }
        #expect(Set(ids).count == 8_000)
    }

    @Test func byteOrderComparesAllBytes() {
        let a = UUID(uuidString: "00000000-0000-7000-8000-000000000001")!
        let b = UUID(uuidString: "00000000-0000-7000-8000-000000000002")!
        #expect(UUIDv7.byteOrder(a, b))
        #expect(!UUIDv7.byteOrder(b, a))
        #expect(!UUIDv7.byteOrder(a, a))
    }
}
