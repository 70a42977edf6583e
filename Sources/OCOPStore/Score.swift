import Foundation

/// A council score as people write it: `92`, not `92.0`; at most 6 decimals.
public struct Score: Encodable, Sendable, Hashable {
    public var value: Double
    public init(_ value: Double) { self.value = value }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        let rounded = (value * 1_000_000).rounded() / 1_000_000
        if rounded == rounded.rounded(), abs(rounded) < 1e15 {
            try container.encode(Int64(rounded))
        } else {
            try container.encode(rounded)
        }
    }
}

