import Foundation

/// A thread-safe source of strictly increasing UUIDv7s (see ``UUIDv7``).
///
/// Each id is greater, in byte order, than the previous one from the same generator: when the
/// clock has not moved past the last id's millisecond (same millisecond, or the clock went back),
/// the 74-bit random field (`rand_a` then `rand_b`) of the last id is incremented by a random
/// step of 1...2^32; if that field overflows, the millisecond field is advanced by one. The
/// embedded time is therefore never earlier than the previous id's; it can run ahead of the
/// clock only under bursts far beyond what one process makes.
public final class UUIDv7Generator: @unchecked Sendable {
    // @unchecked: all mutable state is guarded by `lock`.
    private let lock = NSLock()
    private var lastMilliseconds: UInt64 = 0
    private var lastRandA: UInt16 = 0
    private var lastRandB: UInt64 = 0
    private let clock: @Sendable () -> Date

    private static let randAMax: UInt16 = 0x0FFF
    private static let randBMax: UInt64 = 0x3FFF_FFFF_FFFF_FFFF

    /// - Parameter clock: the time source; tests pass a fixed or backwards clock.
    public init(clock: @escaping @Sendable () -> Date = { Date() }) {
        self.clock = clock
    }

    /// The next id.
    public func next() -> UUID {
        var rng = SystemRandomNumberGenerator()
        let now = UUIDv7.milliseconds(of: clock())
        lock.lock()
        defer { lock.unlock() }
        if now > lastMilliseconds {
            lastMilliseconds = now
            lastRandA = UInt16(truncatingIfNeeded: rng.next()) & Self.randAMax
            lastRandB = rng.next() & Self.randBMax
        } else {
            let step = rng.next(upperBound: UInt64(1) << 32) + 1
            let sum = lastRandB + step // no overflow: randB < 2^62, step <= 2^32
            if sum <= Self.randBMax {
                lastRandB = sum
            } else if lastRandA < Self.randAMax {
                lastRandA += 1
                lastRandB = sum - Self.randBMax - 1
            } else {
                // The 74-bit field is exhausted for this millisecond: move to the next one,
                // starting low so that plenty of room remains.
                lastMilliseconds = min(lastMilliseconds + 1, 0xFFFF_FFFF_FFFF)
                lastRandA = 0
                lastRandB = rng.next() >> 4
            }
        }
        return UUIDv7.make(milliseconds: lastMilliseconds, randA: lastRandA, randB: lastRandB)
    }

    /// Test hook: positions the generator as if it had just produced an id with these fields,
    /// so that overflow paths can be exercised.
    func seed(milliseconds: UInt64, randA: UInt16, randB: UInt64) {
        lock.lock()
        defer { lock.unlock() }
        lastMilliseconds = milliseconds
        lastRandA = randA & Self.randAMax
        lastRandB = randB & Self.randBMax
    }
}
