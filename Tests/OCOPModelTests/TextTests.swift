import Foundation
import Testing
import OCOPModel

@Suite("Text normalisation and Vietnamese collation")
struct TextTests {
    @Test func decomposedVietnameseBecomesPrecomposed() {
        let nfd = "Nước mắm".decomposedStringWithCanonicalMapping
        #expect(nfd.unicodeScalars.count > "Nước mắm".unicodeScalars.count)
        #expect(nfd.normalizedNFC() == "Nước mắm")
        #expect(nfd.normalizedNFC().unicodeScalars.elementsEqual("Nước mắm".precomposedStringWithCanonicalMapping.unicodeScalars))
        #expect(Array("Nước mắm".normalizedNFC().utf8) == [0x4E, 0xC6, 0xB0, 0xE1, 0xBB, 0x9B, 0x63, 0x20, 0x6D, 0xE1, 0xBA, 0xAF, 0x6D])
    }

    /// `isNFC` (ASCII shortcut, then ICU's check) agrees with Foundation's normalisation on
    /// Vietnamese text in every form: precomposed, decomposed, half-composed (a base letter with
    /// its vowel mark precomposed and the tone combining, as some keyboards produce), with
    /// marks in the wrong order, and with scalars from elsewhere in Unicode.
    @Test func isNFCAgreesWithFoundation() {
        var generator = SystemRandomNumberGenerator()
        let words = ["Nguyễn", "Văn", "Ân", "Hộ kinh doanh", "Đặng Thị Hường", "mật ong", "Ô mai", "chè Shan tuyết", "Bắc Kạn",
                     "Phở", "ưỡn", "Ea H'leo", "Krông Pắc", "Thừa Thiên Huế", "Vũng Tàu", "Quảng Ngãi", "nước mắm Phú Quốc"]
        let extra: [Unicode.Scalar] = ["\u{0301}", "\u{0323}", "\u{0340}", "\u{212B}", "\u{1E9B}", "\u{00C5}", "\u{0041}", "\u{FB01}",
                                       "\u{0300}", "\u{0306}", "\u{031B}", "\u{AC00}", "\u{1100}", "\u{1161}", "\u{0958}"]
        for _ in 0..<2_000 {
            var text = (0..<Int.random(in: 1...4, using: &generator)).map { _ in words.randomElement(using: &generator)! }.joined(separator: " ")
            switch Int.random(in: 0..<5, using: &generator) {
            case 0: text = text.decomposedStringWithCanonicalMapping
            case 1:
                // Half-composed: decompose, then recompose only the vowel marks (circumflex, breve, horn).
                text = String(String.UnicodeScalarView(text.decomposedStringWithCanonicalMapping.unicodeScalars.map { $0 }))
                    .replacingOccurrences(of: "o\u{031B}", with: "ơ").replacingOccurrences(of: "u\u{031B}", with: "ư")
            case 2:
                var scalars = Array(text.decomposedStringWithCanonicalMapping.unicodeScalars)
                if scalars.count > 2 { scalars.swapAt(scalars.count - 1, scalars.count - 2) }
                text = String(String.UnicodeScalarView(scalars))
            case 3:
                var scalars = Array(text.unicodeScalars)
                scalars.insert(extra.randomElement(using: &generator)!, at: Int.random(in: 0...scalars.count, using: &generator))
                text = String(String.UnicodeScalarView(scalars))
            default: break
            }
            let expected = text.precomposedStringWithCanonicalMapping.utf8.elementsEqual(text.utf8)
            #expect(text.isNFC == expected, "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
            #expect(text.normalizedNFC().utf8.elementsEqual(text.precomposedStringWithCanonicalMapping.utf8))
        }
    }

    /// The field checks test control characters by code point, not by Unicode property lookup;
    /// the two agree on every scalar.
    @Test func controlCharactersAreExactlyC0DeleteAndC1() {
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let byRange = value < 0x20 || (0x7F...0x9F).contains(value)
            if byRange != (scalar.properties.generalCategory == .control) {
                Issue.record("U+\(String(value, radix: 16)): range says \(byRange)")
            }
        }
    }

    @Test func trimmingKeepsInnerSpaces() {
        #expect("  Chè Shan tuyết\t\n".trimmedNFC() == "Chè Shan tuyết")
        // The fast path looks only at the ends: whatever is at either end, the result is
        // Foundation's trimming.
        for value in UInt32(0)...0x3100 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let reversed = "\(Character(scalar))Chè"
            #expect(reversed.trimmedNFC() == reversed.normalizedNFC().trimmingCharacters(in: .whitespacesAndNewlines), "U+\(String(value, radix: 16))")
            let text = "Chè\(Character(scalar))"
            #expect(text.trimmedNFC() == text.normalizedNFC().trimmingCharacters(in: .whitespacesAndNewlines), "U+\(String(value, radix: 16))")
        }
        #expect(" \u{00A0}\n".trimmedNFCOrNil() == nil)
        #expect(" Đắk Lắk ".trimmedNFCOrNil() == "Đắk Lắk")
    }

    @Test func dSortsBeforeĐAndĐBeforeE() {
        let sorted = ["Đồng Tháp", "Điện Biên", "Đà Nẵng", "Dak Lak", "Én", "Đắk Lắk", "Cà Mau"].sortedVietnamese()
        #expect(sorted == ["Cà Mau", "Dak Lak", "Đà Nẵng", "Đắk Lắk", "Điện Biên", "Đồng Tháp", "Én"])
    }

    @Test func lettersWithDiacriticsFollowTheirBase() {
        #expect(["ư", "u", "ơ", "ô", "o", "ê", "e", "â", "ă", "a"].sortedVietnamese()
            == ["a", "ă", "â", "e", "ê", "o", "ô", "ơ", "u", "ư"])
    }

    @Test func tonesSortNgangHuyenHoiNgaSacNang() {
        #expect(["mạ", "má", "mã", "mả", "mà", "ma"].sortedVietnamese() == ["ma", "mà", "mả", "mã", "má", "mạ"])
    }

    @Test func baseLettersOutweighTones() {
        // Tone is a secondary difference: "mà" < "mac" because a < c decides first.
        #expect(VietnameseCollation.compare("mà", "mac") == .orderedAscending)
        #expect(VietnameseCollation.compare("Bạc Liêu", "Bắc Ninh") == .orderedAscending, "a < ă is a letter (primary) difference, outweighing the tone")
        #expect(VietnameseCollation.compare("Bắc Ninh", "Bạc Liêu") == .orderedDescending)
        // ơ, â, ê are letters after o, a, e whatever follows (Foundation's locale compare gets these wrong).
        #expect(VietnameseCollation.compare("oỹl", "ơ") == .orderedAscending)
        #expect(VietnameseCollation.compare("aự", "â") == .orderedAscending)
        #expect(VietnameseCollation.compare("eý ", "ế") == .orderedAscending)
        #expect(["ơ", "oỹl", "â", "aự", "ế", "eý "].sortedVietnamese() == ["aự", "â", "eý ", "ế", "oỹl", "ơ"])
    }

    @Test("fast sort keys give exactly the order of compare, over random Vietnamese names", arguments: 1...20)
    func sortKeysAgreeWithCompare(seed: UInt64) {
        var state = seed &* 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let pieces = ["a", "ă", "â", "á", "ằ", "ẩ", "ẫ", "ạ", "A", "Ă", "Ấ", "b", "c", "ch", "d", "đ", "Đ", "e", "ê", "ế", "ệ", "g", "gh", "h",
                      "i", "í", "ỉ", "k", "kh", "l", "m", "n", "ng", "nh", "o", "ô", "ơ", "ồ", "ở", "ỡ", "ợ", "O", "Ơ", "p", "ph", "q", "r", "s",
                      "t", "th", "tr", "u", "ư", "ừ", "ự", "Ư", "v", "x", "y", "ý", "ỹ", "f", "j", "w", "z", " ", " ", "-", "(", ")", ".",
                      ",", "'", "&", "/", "0", "1", "2", "9", "10"]
        let names = (0..<400).map { _ in (0..<(1 + next(12))).map { _ in pieces[next(pieces.count)] }.joined() }
            + ["Bạc Liêu", "Bắc Ninh", "Hòa Bình", "hòa bình", "Hoà Bình".decomposedStringWithCanonicalMapping, "Đà Lạt", "Da Lat", "ma", "mà", "mả"]
        let expected = names.sorted(by: VietnameseCollation.areInIncreasingOrder)
        let fast = VietnameseCollation.sorted(names) { $0 }
        // Equal under compare (same NFC text) may come in either order; compare what compare sees.
        #expect(fast.map { $0.precomposedStringWithCanonicalMapping } == expected.map { $0.precomposedStringWithCanonicalMapping })
        // And the order is consistent: every neighbour pair is in order under compare.
        for (left, right) in zip(fast, fast.dropFirst()) {
            #expect(VietnameseCollation.compare(left, right) != .orderedDescending, "\(left) > \(right)")
        }
    }

    @Test func orderIsTotalAndIgnoresNormalisationForm() {
        let nfd = "Hòa Bình".decomposedStringWithCanonicalMapping
        #expect(VietnameseCollation.compare(nfd, "Hòa Bình") == .orderedSame)
        #expect(VietnameseCollation.compare("hòa", "Hòa") != .orderedSame)
        #expect(VietnameseCollation.compare("hòa", "Hòa", caseInsensitive: true) != .orderedSame)
        let a = VietnameseCollation.compare("hòa", "Hòa")
        let b = VietnameseCollation.compare("Hòa", "hòa")
        #expect(a != b, "antisymmetric")
    }

    @Test func matchingIgnoresCaseFormAndSpacesButNotDiacritics() {
        #expect(VietnameseCollation.matches(" HỢP TÁC XÃ CHÈ ", "Hợp tác xã chè".decomposedStringWithCanonicalMapping))
        #expect(VietnameseCollation.matches("ĐÀ LẠT", "đà lạt"))
        #expect(!VietnameseCollation.matches("Da Lat", "Đà Lạt"))
        #expect(!VietnameseCollation.matches("hoá", "hoà"))
    }
}
