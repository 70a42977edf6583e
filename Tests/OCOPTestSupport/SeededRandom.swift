/// Seeded randomness and realistic Vietnamese text for generated test data.

/// A small deterministic generator (SplitMix64), so a failing seed can be replayed.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func next(upTo bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

/// Realistic Vietnamese text, with and without diacritics, for generated rows.
public enum RandomText {
    public static let families = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Nguyen", "Tran"]
    public static let given = ["Văn An", "Thị Bích", "Hữu Đức", "Thị Hằng", "Minh Khôi", "Ngọc Lan", "Van Binh", "Thi Hoa"]
    public static let goods = ["Mật ong", "Chè Shan tuyết", "Nước mắm", "Bánh cốm", "Gạo ST25", "Cà phê Robusta", "Mắm tôm", "Nem chua", "Mat ong rung"]
    public static let places = ["Ba Vì", "Suối Giàng", "Phú Quốc", "Làng Vòng", "Sóc Trăng", "Buôn Ma Thuột", "Huế", "Thanh Hoa"]

    public static func person(_ random: inout SeededRandom) -> String {
        "\(families[random.next(upTo: families.count)]) \(given[random.next(upTo: given.count)])"
    }

    public static func businessName(_ random: inout SeededRandom, _ n: Int) -> String {
        switch n % 3 {
        case 0: return "HTX \(goods[random.next(upTo: goods.count)]) \(places[random.next(upTo: places.count)])"
        case 1: return "Công ty TNHH \(person(&random))"
        default: return "Tổ hợp tác \(places[random.next(upTo: places.count)])"
        }
    }

    public static func productName(_ random: inout SeededRandom) -> String {
        "\(goods[random.next(upTo: goods.count)]) \(places[random.next(upTo: places.count)])"
    }
}
