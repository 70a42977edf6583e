import GRDB
@testable import OCOPStore
import Testing

@Suite("Free-text search in lookups")
struct SearchTextTests {
    func finds(_ query: String, _ name: String) -> Bool {
        SearchText.matches(SearchText.words(query), in: [name])
    }

    @Test("case, tones and marks are ignored; đ is d")
    func folding() {
        #expect(finds("nuoc mam", "Nước mắm Phú Quốc"))
        #expect(finds("NƯỚC", "nước mắm"))
        #expect(finds("da lat", "Cà phê Đà Lạt"))
        #expect(finds("đà", "Cà phê Đà Lạt"))
        #expect(finds("che shan", "Chè Shan tuyết"))
        #expect(SearchText.fold("Ằ Ố Ợ Ữ Ỹ Đ đ") == "a o o u y d d")
    }

    @Test("every word must start a word of the name")
    func wordStarts() {
        #expect(finds("ch", "Chè"))
        #expect(!finds("he", "Chè"))
        #expect(finds("tuyet", "Chè Shan tuyết"))
        #expect(!finds("tuyet mat", "Chè Shan tuyết"))
        #expect(finds("o-mai", "Ô mai (Hàng Đường)"))
        #expect(finds("hang duong", "Ô mai (Hàng Đường)"))
        #expect(!finds("uong", "Ô mai (Hàng Đường)"))
        #expect(finds("2024", "Gạo ST25 vụ 2024"))
        #expect(!finds("025", "Gạo ST25 vụ 2025"))
    }

    @Test("the SQL function gives the same answers, ignoring NULL columns")
    func sqlFunction() throws {
        let queue = try DatabaseQueue()
        let match = SearchText.function(SearchText.words("mat ong"))
        try queue.write { db in
            db.add(function: match)
            try db.execute(sql: "CREATE TABLE t(vi TEXT, en TEXT)")
            try db.execute(sql: "INSERT INTO t VALUES ('Mật ong rừng', NULL), ('Mật mía', 'Honey'), (NULL, 'Mat ong'), ('Chè', 'Tea')")
            let found = try String.fetchAll(db, sql: "SELECT coalesce(vi, en) FROM t WHERE \(match.name)(vi, en) ORDER BY rowid")
            #expect(found == ["Mật ong rừng", "Mat ong"])
        }
    }
}
