import Foundation

/// A household business as provinces really record them: named after its owner (Kinh and
/// ethnic-minority names, with and without diacritics), the owner's name also inside product
/// names and descriptions, in the forms people write it (full name, with an honorific, given
/// name only after an honorific, in English without diacritics).
public struct RandomHousehold: Sendable {
    /// The household's name ("Hộ kinh doanh Lò Thị Mai", "HKD Sung A Pao", ...).
    public var name: String
    /// The head of household, as recorded.
    public var representative: String
    public var commune: String
    public var productNameVi: String
    public var productNameEn: String
    public var descriptionVi: String
    public var descriptionEn: String
    /// The owner's name and the forms of address these texts use for them ("bà Mai", "anh
    /// Pao", "Ms. Mai"): what no public text may contain.
    public var addressedForms: [String]

    static let surnames = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Lò", "Sùng", "Giàng", "Hà", "Vàng", "Mùa", "Thào", "Lường", "Cầm", "Bàn", "Nông"]
    static let middles = ["Văn", "Thị", "A", "Seo", "Thị", "Hữu", "Văn", "Thị"]
    static let givens = ["An", "Mai", "Páo", "Dợ", "Chứ", "Lan", "Dính", "Sính", "Mỷ", "Xuân", "Tủa", "Khánh", "Phương", "Dua"]
    static let goods = ["Mật ong bạc hà", "Chè Shan tuyết", "Bánh chưng", "Thịt trâu gác bếp", "Rượu ngô", "Thổ cẩm", "Miến dong", "Táo mèo ngâm"]
    static let communes = ["Xã Suối Giàng", "Xã Sín Chéng", "Phường Sa Pa", "Xã Mường Hum", "Xã Bát Tràng", "Xã Pả Vi", "Xã Tả Phìn"]

    /// `text` without tones and marks, `đ` as `d`, case kept: how names are typed without a
    /// Vietnamese keyboard.
    public static func withoutDiacritics(_ text: String) -> String {
        String(text.map { character -> Character in
            if character == "đ" { return "d" }
            if character == "Đ" { return "D" }
            let folded = String(character).folding(options: .diacriticInsensitive, locale: nil)
            return folded.count == 1 ? Character(folded) : character
        })
    }

    public static func make(_ random: inout SeededRandom) -> RandomHousehold {
        func pick(_ list: [String]) -> String { list[random.next(upTo: list.count)] }
        let surname = pick(surnames), given = pick(givens)
        let middle = random.next(upTo: 5) == 0 ? nil : pick(middles)
        var owner = [surname, middle, given].compactMap { $0 }.joined(separator: " ")
        // A third of the provinces' files were typed without diacritics.
        let plain = random.next(upTo: 3) == 0
        if plain { owner = withoutDiacritics(owner) }
        let givenWritten = plain ? withoutDiacritics(given) : given
        let woman = middle == "Thị"
        let honorific = plain ? (woman ? "ba" : "ong") : (woman ? "bà" : "ông")
        let address = woman ? "chị" : "anh"
        let english = woman ? "Ms" : "Mr"
        let good = pick(goods), commune = pick(communes)
        let name: String
        switch random.next(upTo: 6) {
        case 0: name = "Hộ kinh doanh \(owner)"
        case 1: name = "HKD \(owner)"
        case 2: name = "Ho kinh doanh \(withoutDiacritics(owner))"
        case 3: name = "Cơ sở \(good) \(honorific) \(owner)"
        case 4: name = "Hộ sản xuất \(owner)"
        default: name = "Cơ sở sản xuất \(good) \(owner)"
        }
        let productNameVi = random.next(upTo: 2) == 0 ? "\(good) \(honorific) \(owner)" : "\(good) \(commune.split(separator: " ").dropFirst().joined(separator: " "))"
        let descriptionVi: String
        switch random.next(upTo: 4) {
        case 0: descriptionVi = "\(good) do \(honorific) \(owner) làm theo cách truyền thống của người \(surname == "Lò" || surname == "Cầm" ? "Thái" : "Mông")."
        case 1: descriptionVi = "Công thức gia truyền, \(address) \(givenWritten) năm nay 58 tuổi vẫn tự tay làm."
        case 2: descriptionVi = "\(good) vùng cao, làm thủ công."
        default: descriptionVi = "Sản phẩm của gia đình \(withoutDiacritics(honorific)) \(withoutDiacritics(owner)) ở \(commune)."
        }
        let descriptionEn = random.next(upTo: 2) == 0
            ? "Made by \(english). \(withoutDiacritics(owner)) from a family recipe."
            : "Handmade in the highlands."
        let forms = ["\(honorific) \(givenWritten)", "\(address) \(givenWritten)", "\(english). \(withoutDiacritics(given))"]
        return RandomHousehold(name: name, representative: owner, commune: commune, productNameVi: productNameVi,
                               productNameEn: "\(withoutDiacritics(good)) by \(english). \(withoutDiacritics(owner))",
                               descriptionVi: descriptionVi, descriptionEn: descriptionEn, addressedForms: forms)
    }

    /// Whether `text` names this owner: the full name as whole words, ignoring case, tones and
    /// diacritics, or a form of address with the given name as written.
    public func isNamed(in text: String) -> Bool {
        Self.containsWords(text, representative) || addressedForms.contains { text.contains($0) }
    }

    /// Whether `text` contains `name` (both folded: lower case, no diacritics) as whole words.
    public static func containsWords(_ text: String, _ name: String) -> Bool {
        let words = { (value: String) in
            withoutDiacritics(value).lowercased().split { !$0.isLetter && !$0.isNumber && $0 != "'" }.map(String.init)
        }
        let haystack = words(text), needle = words(name)
        guard !needle.isEmpty, needle.count <= haystack.count else { return false }
        return (0...(haystack.count - needle.count)).contains { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
