import Foundation
import GRDB
import OCOPModel
import OCOPReplica
import Testing

/// What a replica holds never makes it unreadable (issue 10, item 5): a row no record can hold
/// — a product `status` of `hacked`, written with `sqlite3` or pulled from an older server — is
/// left out of lists with a warning naming it, instead of `ocop product list` failing with exit 70.
@Suite("ocop: a bad row does not make the replica unreadable")
struct UnreadableRowTests {
    @Test func productListSkipsAndNamesARowItCannotRead() async throws {
        let workspace = try await Workspace.province()
        let producer = try await workspace.ok("producer", "add", "--name", "HTX Chè Shan tuyết Suối Giàng", "--type", "HTX")
        _ = try await workspace.ok("product", "add", "--producer", producer, "--name-vi", "Chè Shan tuyết", "--classification", "1.5.a")
        let replica = try workspace.openReplica()
        let bad = UUID()
        try replica.write { db in
            try db.execute(sql: """
                INSERT INTO products(id, tenant_id, producer_id, classification_code, classification_version, name_vi, status)
                SELECT ?, tenant_id, id, '1.5.a', 'QD148-2023', 'Chè bị sửa', 'hacked' FROM producers LIMIT 1
                """, arguments: [withUnsafeBytes(of: bad.uuid) { Data($0) }])
        }
        let listed = try await workspace.ocop("product", "list")
        #expect(listed.status == 0, "\(listed)")
        #expect(listed.stdout.contains("Chè Shan tuyết"))
        #expect(!listed.stdout.contains("Chè bị sửa"))
        #expect(listed.stderr.contains("warning: products row \(bad.uuidString.lowercased()) cannot be read"), "\(listed.stderr)")
        #expect(try replica.fetchAll(Product.self).map(\.nameVi) == ["Chè Shan tuyết"])
        #expect(try replica.unreadableRows(Product.self).map(\.id) == [bad.uuidString.lowercased()])

        // The warning's advice works: the row is named, not reported missing nor an internal
        // error; an edit that leaves the bad value says which field needs a value; one that
        // gives it repairs the row.
        let id = bad.uuidString.lowercased()
        let shown = try await workspace.ocop("product", "show", id)
        #expect(shown.status == 1, "\(shown)")
        #expect(shown.stderr.contains("products row \(id) cannot be read") && shown.stderr.contains("status"), "\(shown.stderr)")
        #expect(shown.stderr.contains("ocop product edit \(id)"), "\(shown.stderr)")
        let notRepaired = try await workspace.ocop("product", "edit", id, "--name-en", "Tea")
        #expect(notRepaired.status == 1, "\(notRepaired)")
        #expect(notRepaired.stderr.contains("status"), "\(notRepaired.stderr)")
        #expect(try replica.unreadableRows(Product.self).map(\.id) == [id], "nothing written")
        let repaired = try await workspace.ocop("product", "edit", id, "--status", "draft", "--name-en", "Repaired tea")
        #expect(repaired.status == 0, "\(repaired)")
        #expect(repaired.stdout.contains("Repaired product \(id)"), "\(repaired.stdout)")
        #expect(try replica.unreadableRows(Product.self).isEmpty)
        let fixed = try #require(try replica.fetch(Product.self, id: bad))
        #expect(fixed.status == .draft && fixed.nameEn == "Repaired tea" && fixed.nameVi == "Chè bị sửa")
        let relisted = try await workspace.ocop("product", "list")
        #expect(relisted.stdout.contains("Chè bị sửa") && !relisted.stderr.contains("warning"), "\(relisted)")
    }
}

@Suite("ocop classification")
struct ClassificationCommandTests {
    @Test func listsTheCodesProductsTake() async throws {
        let workspace = try await Workspace.province()
        let tea = try await workspace.run(["classification", "1.5"])
        #expect(tea.status == 0 && tea.stdout.contains("1.5.a * Sản phẩm từ chè"), "\(tea)")
        #expect(!tea.stdout.contains("1.1.a"), "only the part asked for")
        let english = try await workspace.run(["classification", "--english"])
        #expect(english.stdout.contains("1.1.a * Vegetables, tubers, fruit, nuts"), "\(english)")
        let unknown = try await workspace.run(["classification", "9.9"])
        #expect(unknown.status == 64 && unknown.stderr.contains("9.9 is not a code of QD148-2023"), "\(unknown)")
    }
}
