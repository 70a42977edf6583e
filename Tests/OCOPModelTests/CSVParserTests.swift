import Foundation
import Testing
import OCOPModel

@Suite("CSV parser (RFC 4180)")
struct CSVParserTests {
    @Test func simpleRecordsWithLineNumbers() throws {
        let rows = try CSVParser.parse("a,b,c\n1,2,3\n")
        #expect(rows == [CSVRow(line: 1, fields: ["a", "b", "c"]), CSVRow(line: 2, fields: ["1", "2", "3"])])
    }

    @Test func quotedFieldsWithCommasQuotesAndNewlines() throws {
        let text = "name,note\n\"Nước mắm, loại 1\",\"Nói \"\"ngon\"\"\"\n\"Chè\nShan tuyết\",x\nlast,row"
        let rows = try CSVParser.parse(text)
        #expect(rows.map(\.fields) == [["name", "note"], ["Nước mắm, loại 1", "Nói \"ngon\""], ["Chè\nShan tuyết", "x"], ["last", "row"]])
        #expect(rows.map(\.line) == [1, 2, 3, 5], "a record spanning lines 3-4 starts on 3; the next on 5")
    }

    @Test func crlfAndBOM() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("a,b\r\n\"x\r\ny\",2\r\n3,4\r\n".utf8)
        let rows = try CSVParser.parse(Data(bytes))
        #expect(rows.map(\.fields) == [["a", "b"], ["x\r\ny", "2"], ["3", "4"]])
        #expect(rows.map(\.line) == [1, 2, 4])
        #expect(rows[0].fields[0] == "a", "the BOM is not part of the first header")
    }

    @Test func emptyFieldsAndBlankLines() throws {
        let rows = try CSVParser.parse(",,\n\n\"\",x,\r\n\r\nend")
        #expect(rows.map(\.fields) == [["", "", ""], [""], ["", "x", ""], [""], ["end"]])
        #expect(rows.map(\.line) == [1, 2, 3, 4, 5])
        #expect(rows[1].isBlank && !rows[2].isBlank)
        #expect(try CSVParser.parse("").isEmpty)
        #expect(try CSVParser.parse("only").map(\.fields) == [["only"]])
    }

    @Test func loneCRIsALineBreak() throws {
        #expect(try CSVParser.parse("a\rb").map(\.line) == [1, 2])
    }

    @Test func combiningMarkAfterAQuoteIsStillAQuote() throws {
        // "\"" followed by U+0301 forms one Character; the parser works on scalars.
        let rows = try CSVParser.parse("\"\u{0301}a\",b")
        #expect(rows.map(\.fields) == [["\u{0301}a", "b"]])
    }

    @Test func errorsNameTheLine() {
        #expect(throws: CSVError(line: 2, reason: "a quoted field starting on this line is never closed")) {
            try CSVParser.parse("a,b\n\"open,2\nmore")
        }
        #expect(throws: CSVError(line: 3, reason: "a quote (\") inside an unquoted field; enclose the whole field in quotes and double the quote (\"\")")) {
            try CSVParser.parse("a\nb\nab\"c")
        }
        #expect(throws: CSVError(line: 1, reason: "text after the closing quote of a field; a quote inside a quoted field must be doubled (\"\")")) {
            try CSVParser.parse("\"a\"b,c")
        }
    }

    @Test func invalidUTF8NamesTheLine() {
        var bytes = Array("a,b\nc,d\n".utf8)
        bytes += [0x65, 0xC3, 0x28, 0x0A] // C3 28 is not UTF-8
        #expect(throws: CSVError(line: 3, reason: "is not valid UTF-8 text; save the file as \"CSV UTF-8\"")) {
            try CSVParser.parse(Data(bytes))
        }
        #expect(throws: CSVError.self) { try CSVParser.parse(Data([0x61, 0xFF])) }
    }
}
