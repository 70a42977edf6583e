/// What may leave the national store about a producer, anywhere outside the central office
/// (partner feeds, public HTTP routes): the one rule, in one place.
///
/// A household business (hộ kinh doanh) is a natural person, and it is usually named after its
/// owner ("Hộ kinh doanh Nguyễn Văn An", "HKD Lò Thị Mai", "Cơ sở Bánh chưng bà Hoàng Thị Lan").
/// So for a household:
/// - the **name** published is a neutral label, "Hộ sản xuất tại {commune}, {province}"
///   (``neutralLabel(commune:provinceName:)``), unless the producer's recorded consent allows its
///   trading name;
/// - a **product name** loses the owner's name (with the honorific before it): "Bánh chưng bà
///   Hoàng Thị Lan" → "Bánh chưng" (kept whole when the trading name is consented to, since the
///   name is then public anyway);
/// - a **description** that mentions the owner, in either language, is **withheld** (both
///   languages), consent or not: free text about a person carries more than a name (age, family,
///   village), and a translation may name them in a form we do not recognise.
///
/// "The owner's name" is the representative (head of household) and the personal part of the
/// household's name, compared without case, tones or diacritics (`Nguyen Van An` is `Nguyễn Văn
/// An`), in these forms: the full name; surname and given name without the middle names
/// (`Lò Mai`); an honorific with the given name or the last two names (`bà Lan`, `chị A Páo`),
/// the given name then written with a capital. A given name alone (`Mai`) is not looked for:
/// it is also a common word (apricot blossom), and a description naming the owner that way
/// would be read as naming a flower.
///
/// Organisations (cooperatives, enterprises, cooperative groups) are legal persons: their
/// names and texts pass unchanged.
public struct PublicProducer: Sendable, Hashable {
    /// The name that may be shown: the trading name, or a household's neutral label.
    public let name: String
    public let type: ProducerType
    /// Whether ``name`` is the neutral label rather than the trading name.
    public let isNeutralLabel: Bool
    private let owner: OwnerNames?
    private let scrubsProductNames: Bool

    /// The public face of `producer`, whose products are in `provinceName` (today's name of the
    /// province).
    ///
    /// - Parameter tradingNameConsent: whether the producer consented to publish its own
    ///   `name` (see ``init(_:provinceName:consents:on:)`` for recorded consents).
    public init(_ producer: Producer, provinceName: String, tradingNameConsent: Bool = false) {
        self.init(producer, provinceName: provinceName, consentedName: tradingNameConsent ? producer.name : nil)
    }

    /// The public face of `producer` on `date`: a household with a recorded consent in force
    /// that day (``ProducerConsent``) is published under the name it consented to; without
    /// one, under its neutral label.
    public init(_ producer: Producer, provinceName: String, consents: [ProducerConsent], on date: LocalDate) {
        let consent = consents.filter { $0.producerID == producer.id && $0.isInForce(on: date) }
            .max { ($0.consentedOn, $0.id.uuidString) < ($1.consentedOn, $1.id.uuidString) }
        self.init(producer, provinceName: provinceName, consentedName: consent?.publicName)
    }

    private init(_ producer: Producer, provinceName: String, consentedName: String?) {
        type = producer.type
        guard producer.isNaturalPerson else {
            name = producer.name
            isNeutralLabel = false
            owner = nil
            scrubsProductNames = false
            return
        }
        owner = OwnerNames(producer)
        isNeutralLabel = consentedName == nil
        scrubsProductNames = consentedName == nil
        name = consentedName ?? Self.neutralLabel(commune: producer.commune, provinceName: provinceName)
    }

    /// "Hộ sản xuất tại {commune}, {province}", leaving out what is not known.
    public static func neutralLabel(commune: String?, provinceName: String) -> String {
        let places = [commune?.trimmedNFCOrNil(), provinceName.trimmedNFCOrNil()].compactMap { $0 }
        return places.isEmpty ? "Hộ sản xuất" : "Hộ sản xuất tại " + places.joined(separator: ", ")
    }

    /// A product name as it may be shown (see the type's rule). A name that was nothing but the
    /// owner's becomes "Sản phẩm của hộ sản xuất".
    public func productName(_ text: String) -> String {
        guard scrubsProductNames, let owner else { return text }
        let scrubbed = owner.removed(from: text)
        return scrubbed.isEmpty && !text.isEmpty ? "Sản phẩm của hộ sản xuất" : scrubbed
    }

    /// ``productName(_:)`` for an optional name (the English one).
    public func productName(_ text: String?) -> String? { text.map { productName($0) } }

    /// The descriptions that may be shown: both as given, or both `nil` (withheld) when either
    /// mentions a household's owner.
    public func descriptions(vi: String?, en: String?) -> (vi: String?, en: String?) {
        guard let owner else { return (vi, en) }
        if [vi, en].contains(where: { $0.map(owner.isMentioned) ?? false }) { return (nil, nil) }
        return (vi, en)
    }

    /// Whether `text` mentions a household's owner by name (always `false` for organisations).
    public func mentionsOwner(_ text: String) -> Bool { owner?.isMentioned(in: text) ?? false }
}

/// The forms of a household owner's name, folded (``VietnameseFolding``) into word sequences.
struct OwnerNames: Sendable, Hashable {
    /// Word sequences that name the owner wherever they appear.
    private(set) var names: Set<[String]> = []
    /// Word sequences that name the owner after an honorific (`bà Lan`).
    private(set) var givenNames: Set<[String]> = []

    /// Forms of address put before a name. Compared folded, so `co` is also `có` ("has"): the
    /// capital required on the name that follows keeps that from matching ordinary text.
    static let honorifics: Set<String> = [
        "ba", "ong", "co", "chu", "anh", "chi", "bac", "cu", "di", "me", "o", "em", "mr", "mrs", "ms", "miss",
    ]

    /// Family names, Kinh and of ethnic minorities (Thái, Mông, Dao, Tày, Nùng, Ê Đê...),
    /// folded; a capitalised run starting with one of them in a household's name is taken for a
    /// person's name.
    static let surnames: Set<String> = [
        "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do", "ho", "ngo",
        "duong", "ly", "dinh", "trinh", "doan", "lam", "mai", "truong", "cao", "luu", "chu", "ta", "ha", "luong",
        "to", "trieu", "quach", "kieu", "lo", "sung", "giang", "vang", "mua", "thao", "lau", "hang", "chao",
        "quang", "cam", "tong", "luc", "nong", "ma", "ban", "sam", "hau", "tan", "phang", "y", "ksor", "rmah",
        "nie", "mlo", "bdap", "dieu", "vi", "lang", "hua", "tao", "lu", "giap", "khong", "au", "ninh", "thach",
    ]

    /// Legal-form words a household's name starts with; what follows, if it is two to four
    /// capitalised words, is the owner's name whatever its family name.
    static let legalForms: [[String]] = [
        ["ho", "kinh", "doanh"], ["ho", "san", "xuat"], ["ho", "gia", "dinh"], ["hkd"], ["ho"],
    ]

    /// Places that look like names (`Hồ Chí Minh`, `Hà Nội`): never taken for the owner.
    static let places: Set<[String]> = {
        var places = Set<[String]>()
        for unit in ProvinceRegistry.standard.allUnits {
            var words = Word.split(unit.name).map(\.folded)
            if words.starts(with: ["thanh", "pho"]) { words.removeFirst(2) }
            if words.starts(with: ["tp"]) { words.removeFirst() }
            places.insert(words)
        }
        return places
    }()

    init(_ producer: Producer) {
        if let representative = producer.representative { addPerson(Word.split(representative)) }
        addPersonalPart(of: producer.name, commune: producer.commune)
    }

    /// A person's name as written (honorifics before it dropped): its full and shortened forms.
    private mutating func addPerson(_ written: [Word]) {
        var words = written
        while let first = words.first, Self.honorifics.contains(first.folded), words.count > 1 { words.removeFirst() }
        let folded = words.map(\.folded)
        guard let last = folded.last else { return }
        givenNames.insert([last])
        if folded.count >= 2 { names.insert(folded) }
        if folded.count >= 3 {
            names.insert([folded[0], last])
            givenNames.insert(Array(folded.suffix(2)))
        }
    }

    /// The personal part of a household's name: the name after an honorific, after the legal
    /// form, or a capitalised run starting with a family name; places excepted.
    private mutating func addPersonalPart(of name: String, commune: String?) {
        let words = Word.split(name)
        let folded = words.map(\.folded)
        // Not a copy of `places` with the commune added: copying that set cost more than all the rest.
        let commune = commune.map { Word.split($0).map(\.folded) }
        func run(from start: Int) -> [Word] {
            Array(words[start...].prefix { $0.isCapitalized }.prefix(4))
        }
        func add(_ run: [Word], alone: Bool) {
            let folded = run.map(\.folded)
            guard !run.isEmpty, !Self.places.contains(folded), folded != commune else { return }
            if alone || run.count >= 2 { addPerson(run) }
        }
        let form = Self.legalForms.first { folded.starts(with: $0) } ?? []
        let rest = Array(words.dropFirst(form.count))
        if !form.isEmpty, (2...4).contains(rest.count), rest.allSatisfy(\.isCapitalized) { add(rest, alone: false) }
        // The legal form itself ("Hộ Kinh Doanh") is never part of a name.
        for index in words.indices.dropFirst(form.count) {
            if Self.honorifics.contains(folded[index]), index + 1 < words.count {
                add(run(from: index + 1), alone: true)
            } else if Self.surnames.contains(folded[index]), words[index].isCapitalized {
                add(run(from: index), alone: false)
            }
        }
    }

    /// Every match of a name form in `words`: the range of words to remove (a name's honorific
    /// included).
    private func matches(in words: [Word]) -> [Range<Int>] {
        let folded = words.map(\.folded)
        var found: [Range<Int>] = []
        for start in words.indices {
            for name in names where folded[start...].starts(with: name) {
                let from = start > 0 && Self.honorifics.contains(folded[start - 1]) ? start - 1 : start
                found.append(from..<(start + name.count))
            }
            guard Self.honorifics.contains(folded[start]), start + 1 < words.count, words[start + 1].isCapitalized else { continue }
            for given in givenNames where folded[(start + 1)...].starts(with: given) {
                found.append(start..<(start + 1 + given.count))
            }
        }
        return found
    }

    func isMentioned(in text: String) -> Bool { !matches(in: Word.split(text)).isEmpty }

    /// Words left dangling at the end of a name once the owner's name is cut from it
    /// ("Mật ong của", "Honey by").
    static let danglingWords: Set<String> = ["cua", "do", "by", "of", "from"]

    /// `text` without any form of the owner's name, spacing and stray separators tidied.
    func removed(from text: String) -> String {
        let words = Word.split(text)
        var dropped = Set<Int>()
        for range in matches(in: words) { dropped.formUnion(range) }
        guard !dropped.isEmpty else { return text }
        // Cut each run of dropped words with what lies between them ("Ms. Lo Thi Mai").
        var result = ""
        var cursor = text.startIndex
        var index = 0
        while index < words.count {
            guard dropped.contains(index) else { index += 1; continue }
            var last = index
            while dropped.contains(last + 1) { last += 1 }
            result += text[cursor..<words[index].range.lowerBound]
            cursor = words[last].range.upperBound
            index = last + 1
        }
        result += text[cursor...]
        // Separators left at either end; a bracket only where it opens or closes nothing.
        let leading = Set<Character>(" ,;:-–—.)"), trailing = Set<Character>(" ,;:-–—.(")
        func tidy(_ value: String) -> String {
            let collapsed = value.split(separator: " ").joined(separator: " ")
                .replacingOccurrences(of: " ,", with: ",").replacingOccurrences(of: "()", with: "")
            return String(collapsed.drop { leading.contains($0) }.reversed().drop { trailing.contains($0) }.reversed())
        }
        result = tidy(result)
        while true {
            let left = Word.split(result)
            guard left.count > 1, let last = left.last, Self.danglingWords.contains(last.folded) else { return result }
            result = tidy(String(result[..<last.range.lowerBound]))
        }
    }
}

/// A word of a text: its place, its folded form and whether it is written with a capital.
struct Word: Sendable, Hashable {
    var range: Range<String.Index>
    var folded: String
    var isCapitalized: Bool

    /// The words of `text`: runs of letters, digits and apostrophes (`H'Hen`, `K'Ho`).
    static func split(_ text: String) -> [Word] {
        // Normalisation is checked once for the text, not once for each of its words.
        let isNFC = text.isNFC
        var words: [Word] = []
        var start: String.Index?
        func close(at end: String.Index) {
            guard let from = start else { return }
            let word = text[from..<end]
            words.append(Word(range: from..<end, folded: isNFC ? VietnameseFolding.fold(normalized: String(word)) : VietnameseFolding.fold(String(word)),
                              isCapitalized: word.first?.isUppercase ?? false))
            start = nil
        }
        for index in text.indices {
            let character = text[index]
            if character.isLetter || character.isNumber || character == "'" || character == "’" {
                if start == nil { start = index }
            } else {
                close(at: index)
            }
        }
        close(at: text.endIndex)
        return words
    }
}
