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
