import Foundation
import GRDB
import OCOPModel

/// Realistic product rows for benchmarks: Vietnamese names and descriptions, English names.
enum SampleProducts {
    struct Row {
        var id: UUID
        var tenant: UUID
        var producer: UUID
        var classification: String
        var nameVI: String
        var nameEN: String
        var descriptionVI: String
        var descriptionEN: String
        var gtin: String
    }

    static let kinds: [(vi: String, en: String, code: String)] = [
        ("Mật ong", "Honey", "1.2.b"), ("Nước mắm", "Fish sauce", "1.4.a"), ("Chè", "Tea", "1.5.a"),
        ("Cà phê", "Coffee", "1.6"), ("Gạo", "Rice", "1.2.a"), ("Rượu", "Rice spirit", "2.1.a"),
        ("Bánh", "Cake", "1.3.b"), ("Miến", "Glass noodles", "1.3.b"), ("Tinh dầu", "Essential oil", "3.3"),
        ("Thổ cẩm", "Brocade", "4.2"), ("Nón lá", "Conical hat", "4.1"), ("Mứt", "Candied fruit", "1.3.c"),
    ]
    static let places = ["Mèo Vạc", "Phú Quốc", "Thái Nguyên", "Buôn Ma Thuột", "Sóc Trăng", "Bắc Hà", "Hạ Long",
                         "Hội An", "Đà Lạt", "Cao Bằng", "Vạn Phúc", "Tân Cương", "Ninh Thuận", "Bến Tre"]
    static let qualities = ["hữu cơ", "truyền thống", "đặc sản", "thượng hạng", "bạc hà", "rừng", "shan tuyết", "nếp cái hoa vàng"]

    /// The producers of `count` products (one per four products), in the order ``make(count:tenant:seed:)`` uses.
    /// Ids are UUIDv7, as every id the `ocop` tools make: time-ordered, so new rows land at the
    /// end of each B-tree, as they do in real use.
    static func producers(count: Int, seed: UInt64) -> [UUID] {
        var random = SplitMix(state: seed ^ 0x5EED)
        let start = Date(timeIntervalSince1970: 1_735_689_600 + Double(seed % 1_000) * 86_400)
        return (0..<max(count / 4, 1)).map { UUIDv7.make(at: start.addingTimeInterval(Double($0) / 1_000), using: &random) }
    }

    static func make(count: Int, tenant: UUID, seed: UInt64) -> [Row] {
        var random = SplitMix(state: seed)
        let producers = producers(count: count, seed: seed)
        return (0..<count).map { index in
            let kind = kinds[Int(random.next() % UInt64(kinds.count))]
            let place = places[Int(random.next() % UInt64(places.count))]
            let quality = qualities[Int(random.next() % UInt64(qualities.count))]
            return Row(
                id: UUIDv7.generate(), tenant: tenant, producer: producers[index % producers.count], classification: kind.code,
                nameVI: "\(kind.vi) \(quality) \(place)", nameEN: "\(place) \(kind.en)",
                descriptionVI: "\(kind.vi) \(quality) được sản xuất tại \(place) theo quy trình truyền thống, đạt tiêu chuẩn OCOP.",
                descriptionEN: "\(kind.en) made in \(place) by traditional methods, certified under Vietnam's OCOP programme.",
                gtin: gtin13(prefix: "893\(String(format: "%09d", index))")
            )
        }
    }

    /// A GTIN-13 from its first twelve digits and the GS1 check digit (the server checks it).
    static func gtin13(prefix digits: String) -> String {
        let sum = digits.compactMap(\.wholeNumberValue).enumerated().reduce(0) { $0 + $1.element * ($1.offset % 2 == 0 ? 1 : 3) }
        return digits + String((10 - sum % 10) % 10)
    }

    static let plainTableSQL = """
        CREATE TABLE products (id BLOB PRIMARY KEY NOT NULL, tenant_id BLOB NOT NULL, producer_id BLOB NOT NULL,
          classification_code TEXT NOT NULL, classification_version TEXT NOT NULL, name_vi TEXT NOT NULL, name_en TEXT,
          description_vi TEXT, description_en TEXT, material_area_id BLOB, gtin TEXT, status TEXT NOT NULL) WITHOUT ROWID
        """

    static let insertSQL = """
        INSERT INTO products(id, tenant_id, producer_id, classification_code, classification_version, name_vi, name_en,
          description_vi, description_en, gtin, status) VALUES (?, ?, ?, ?, 'QD148-2023', ?, ?, ?, ?, ?, 'registered')
        """

    /// A province's producers, then its products, as the province records them: the server
    /// refuses a product whose producer it does not have.
    static func insertProvince(_ rows: [Row], producers: [UUID], tenant: UUID, into db: Database) throws {
        let producer = try db.cachedStatement(sql: "INSERT INTO producers(id, tenant_id, name, type) VALUES (?, ?, ?, 'cooperative')")
        for (number, id) in producers.enumerated() {
            try producer.execute(arguments: [id, tenant, "Hợp tác xã số \(number + 1)"])
        }
        let insert = try db.cachedStatement(sql: insertSQL)
        for row in rows {
            try insert.execute(arguments: [row.id, row.tenant, row.producer, row.classification, row.nameVI, row.nameEN,
                                           row.descriptionVI, row.descriptionEN, row.gtin])
        }
    }

    static func writesInWorkload(_ rows: [Row]) -> Int { rows.count + rows.count * 3 / 10 }

    /// Inserts every row, then updates 2–4 columns of 30% of them, 1,000 writes per transaction.
    static func writeWorkload(_ rows: [Row], into writer: any DatabaseWriter) throws {
        for chunk in stride(from: 0, to: rows.count, by: 1_000) {
            try writer.write { db in
                let insert = try db.cachedStatement(sql: insertSQL)
                for row in rows[chunk..<min(chunk + 1_000, rows.count)] {
                    try insert.execute(arguments: [row.id, row.tenant, row.producer, row.classification, row.nameVI, row.nameEN,
                                                   row.descriptionVI, row.descriptionEN, row.gtin])
                }
            }
        }
        let edited = rows.prefix(rows.count * 3 / 10)
        for chunk in stride(from: 0, to: edited.count, by: 1_000) {
            try writer.write { db in
                for (offset, row) in edited[chunk..<min(chunk + 1_000, edited.count)].enumerated() {
                    switch offset % 3 {
                    case 0:
                        try db.cachedStatement(sql: "UPDATE products SET name_en = ?, gtin = ? WHERE id = ?").execute(arguments: [row.nameEN + " (new)", row.gtin + "1", row.id])
                    case 1:
                        try db.cachedStatement(sql: "UPDATE products SET description_vi = ?, description_en = ?, status = ? WHERE id = ?").execute(
                                       arguments: [row.descriptionVI + " Mới.", row.descriptionEN + " New.", "draft", row.id])
                    default:
                        try db.cachedStatement(sql: "UPDATE products SET name_vi = ?, name_en = ?, description_en = ?, classification_code = ? WHERE id = ?").execute(
                                       arguments: [row.nameVI + " mới", row.nameEN + " new", row.descriptionEN + ".", "1.3.c", row.id])
                    }
                }
            }
        }
    }
}

struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
