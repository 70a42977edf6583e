import Foundation
import GRDB
import OCOPStore
import OCOPModel
import OCOPQuery
import OCOPTestSupport
import Testing

@Suite("Read-only query")
struct QueryTests {
    @Test("a query returns rows; table, CSV and JSON output")
    func readQuery() async throws {
        let seed = try await Seed()
        let database = try SQLiteNationalStore.openReadOnly(at: seed.harness.path)
        let result = try await database.query("""
            SELECT t.code, count(*) AS products, min(p.name_vi) AS first FROM products p JOIN tenants t ON t.id = p.tenant_id
            GROUP BY t.code ORDER BY t.code
            """)
        #expect(result.columns == ["code", "products", "first"])
        #expect(result.rows == [[.text("01"), .integer(5), .text("Bánh E")], [.text("22"), .integer(5), .text("Chè H")]])
        #expect(result.table() == """
            code  products  first
            01    5         Bánh E
            22    5         Chè H
            """)
        let ids = try await database.query("SELECT id FROM tenants WHERE code = '01'")
        #expect(ids.rows.first?.first?.displayText == seed.harness.tenants["01"]!.uuidString.lowercased())
    }

    @Test("CSV follows RFC 4180 and JSON keeps column order and types")
    func formats() {
        let result = QueryResult(columns: ["name", "n", "x"], rows: [
            [.text("Chè \"Ba Vì\", loại 1"), .integer(3), .null],
            [.text("two\nlines"), .real(2.5), .blob([0xAB])],
        ])
        #expect(result.csv() == "name,n,x\r\n\"Chè \"\"Ba Vì\"\", loại 1\",3,\r\n\"two\nlines\",2.5,ab\r\n")
        #expect(result.json() == """
            [
              {"name": "Chè \\"Ba Vì\\", loại 1", "n": 3, "x": null},
              {"name": "two\\nlines", "n": 2.5, "x": "ab"}
            ]
            """)
    }

    @Test("a write is refused with a clear error and the data is unchanged", arguments: [
        "UPDATE products SET name_vi = 'hacked'",
        "DELETE FROM certificates",
        "INSERT INTO tenants(id, code, name, kind) VALUES (x'00', '99', 'x', 'province')",
        "DROP TABLE products",
        "CREATE TABLE evil(x)",
        "PRAGMA user_version = 7",
    ])
    func writeRefused(sql: String) async throws {
        let seed = try await Seed()
        let before = try seed.harness.store.replica.contentDigest()
        let database = try SQLiteNationalStore.openReadOnly(at: seed.harness.path)
        await #expect {
            try await database.query(sql)
        } throws: { error in
            (error as? QueryError)?.code == .writeRefused && "\(error)".contains("read-only")
        }
        #expect(try seed.harness.store.replica.contentDigest() == before)
        #expect(try await database.query("SELECT count(*) FROM products WHERE name_vi = 'hacked'").rows == [[.integer(0)]])
    }

    @Test("a write hidden after a read statement is refused too; the read-only connection holds")
    func multipleStatements() async throws {
        let seed = try await Seed()
        let database = try SQLiteNationalStore.openReadOnly(at: seed.harness.path)
        await #expect(throws: QueryError.self) { try await database.query("SELECT 1; DELETE FROM products") }
        #expect(throws: (any Error).self) {
            try database.database.read { db in try db.execute(sql: "DELETE FROM products") }
        }
        #expect(try await database.query("SELECT count(*) FROM products").rows == [[.integer(10)]])
    }

    @Test("a file that is not a national dataset is refused")
    func notNational() throws {
        #expect(throws: QueryError.self) { try SQLiteNationalStore.openReadOnly(at: "/nonexistent/national.sqlite") }
    }
}
