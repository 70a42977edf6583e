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

    @Test func trimmingKeepsInnerSpaces() {
        #expect("  Chè Shan tuyết\t\n".trimmedNFC() == "Chè Shan tuyết")
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
