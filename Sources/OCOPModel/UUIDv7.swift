import Foundation

/// Time-ordered identifiers (UUID version 7, RFC 9562 §5.7) for rows made offline.
///
/// Layout (big-endian): 48-bit Unix time in milliseconds, 4-bit version `0111`, 12 bits
/// `rand_a`, 2-bit variant `10`, 62 bits `rand_b`. Ids made anywhere without coordination do
/// not collide in practice (74 random bits per millisecond), they never embed an administrative
/// code (provinces were renumbered in 2025), and they sort roughly by creation time, which keeps
/// SQLite's B-trees compact.
///
/// ``generate()`` is strictly monotonic within the process (RFC 9562 §6.2, method 2: within
/// one millisecond, or if the clock goes back, the 74-bit random field is incremented by a
/// random step), so ids made one after another also sort in that order.
public enum UUIDv7 {
    /// The process-wide generator behind ``generate()``.
    public static let shared = UUIDv7Generator()

    /// A new UUIDv7 from the shared monotonic generator, using the system clock.
    public static func generate() -> UUID {
        shared.next()
    }

    /// A UUIDv7 for a given time with random bits from `generator` (no monotonicity). Times
    /// before 1970 are clamped to 0, times after the 48-bit range (year 10889) to its maximum.
    public static func make(at time: Date, using generator: inout some RandomNumberGenerator) -> UUID {
        make(milliseconds: milliseconds(of: time), randA: UInt16(truncatingIfNeeded: generator.next()), randB: generator.next())
    }

    /// Builds the UUID from a millisecond timestamp (low 48 bits used) and 74 random bits: the
    /// low 12 bits of `randA` and the low 62 bits of `randB`.
    static func make(milliseconds: UInt64, randA: UInt16, randB: UInt64) -> UUID {
        let ms = milliseconds & 0xFFFF_FFFF_FFFF
        let randA = randA & 0x0FFF
        let randB = randB & 0x3FFF_FFFF_FFFF_FFFF
        let high = ms << 16 | 0x7000 | UInt64(randA)
        let low = 0x8000_0000_0000_0000 | randB
        return UUID(uuid: (
            UInt8(truncatingIfNeeded: high >> 56), UInt8(truncatingIfNeeded: high >> 48),
            UInt8(truncatingIfNeeded: high >> 40), UInt8(truncatingIfNeeded: high >> 32),
            UInt8(truncatingIfNeeded: high >> 24), UInt8(truncatingIfNeeded: high >> 16),
            UInt8(truncatingIfNeeded: high >> 8), UInt8(truncatingIfNeeded: high),
            UInt8(truncatingIfNeeded: low >> 56), UInt8(truncatingIfNeeded: low >> 48),
            UInt8(truncatingIfNeeded: low >> 40), UInt8(truncatingIfNeeded: low >> 32),
            UInt8(truncatingIfNeeded: low >> 24), UInt8(truncatingIfNeeded: low >> 16),
            UInt8(truncatingIfNeeded: low >> 8), UInt8(truncatingIfNeeded: low)
        ))
    }

    /// Whether `uuid` has version 7 and the RFC 9562 variant.
    public static func isVersion7(_ uuid: UUID) -> Bool {
        let bytes = uuid.uuid
        return bytes.6 >> 4 == 7 && bytes.8 >> 6 == 0b10
    }

    /// The creation time embedded in a UUIDv7 (millisecond precision), or `nil` for other UUIDs.
    public static func timestamp(of uuid: UUID) -> Date? {
        guard isVersion7(uuid) else { return nil }
        return Date(timeIntervalSince1970: Double(millisecondsField(of: uuid)) / 1000)
    }

    /// The 48-bit millisecond field of any UUID (meaningful for version 7 only).
    static func millisecondsField(of uuid: UUID) -> UInt64 {
        let b = uuid.uuid
        return [b.0, b.1, b.2, b.3, b.4, b.5].reduce(0) { $0 << 8 | UInt64($1) }
    }

    static func milliseconds(of time: Date) -> UInt64 {
        let ms = (time.timeIntervalSince1970 * 1000).rounded(.down)
        guard ms > 0 else { return 0 }
        guard ms < 281_474_976_710_655 else { return 0xFFFF_FFFF_FFFF }
        return UInt64(ms)
    }

    /// Orders two UUIDs by their 16 bytes, as SQLite orders them in a BLOB column (and as
    /// UUIDv7s order by time).
    public static func byteOrder(_ lhs: UUID, _ rhs: UUID) -> Bool {
        withUnsafeBytes(of: lhs.uuid) { l in
            withUnsafeBytes(of: rhs.uuid) { r in
                l.lexicographicallyPrecedes(r)
            }
        }
    }
}
