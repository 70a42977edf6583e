import OCOPModel
import Testing

@Suite("GTIN")
struct GTINTests {
    @Test("check digits, GTIN-14 padding and the forms a product may have stored")
    func gtins() {
        #expect(GTIN("8934567890120")?.gtin14 == "08934567890120")
        #expect(GTIN("08934567890120")?.storedForms == ["08934567890120", "8934567890120"])
        #expect(GTIN("96385074")?.gtin14 == "00000096385074")
        #expect(GTIN("96385074")?.storedForms == ["00000096385074", "0000096385074", "000096385074", "96385074"])
        #expect(GTIN("036000291452")?.gtin14 == "00036000291452")
        #expect(GTIN.parse("8934567890121") == .failure(.badCheckDigit(expected: "0")))
        #expect(GTIN.parse("89345678901") == .failure(.badLength))
        #expect(GTIN.parse("89345678901２0") == .failure(.notDigits))
        #expect(GTIN.parse("") == .failure(.notDigits))
    }
}
