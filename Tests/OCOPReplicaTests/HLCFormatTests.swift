import Foundation
import OCOPReplica
import OCOPSync
import Testing

@Suite("HLC as ISO 8601")
struct HLCFormatTests {
    @Test("matches ISO8601DateFormatter with fractional seconds, over random instants 1970–2200")
    func matchesFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        var state: UInt64 = 0x1234_5678
        var instants: [UInt64] = [0, 1, 999, 1_000, 86_399_999, 86_400_000, 951_782_400_000 /* 2000-02-29 */, 4_107_542_399_999]
        for _ in 0..<2_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            instants.append((state >> 20) % 7_258_118_400_000) // up to 2200-01-01
        }
        for millis in instants {
            let clock = HLC(millis: millis, logical: 7)
            #expect(clock.iso8601 == formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000)), "\(millis)")
        }
        #expect(HLC(millis: 1_754_018_100_123, logical: 0).iso8601 == "2025-08-01T03:15:00.123Z")
    }
}
