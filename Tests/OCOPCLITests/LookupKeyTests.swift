import Foundation
import OCOPModel
import OCOPReplica
import Testing

/// Names and codes used to find records stay unique; material areas can be edited and deleted.
@Suite("ocop: unique lookup keys, material-area edit/delete")
struct LookupKeyTests {
    @Test func aSecondProductWithTheSameNameForOneProducerIsRefused() async throws {
        let workspace = try await Workspace.province()
        _ = try await EvaluationCommandTests.setUp(workspace)
        // Same name, other case and decomposed (NFD) accents: the lookup would match both.
        let twin = try await workspace.ocop("product", "add", "--name-vi", "MẬT ONG BẠC HÀ MÈO VẠC".decomposedStringWithCanonicalMapping,
                                      "--classification", "1.2.b", "--producer", "0101234567")
        #expect(twin.status == 1, "\(twin)")
        #expect(twin.stderr.contains("products.name_vi: this producer already has a product named \"Mật ong bạc hà Mèo Vạc\""), "\(twin)")
        let other = try await workspace.ok("product", "add", "--name-vi", "Mật ong hoa cà phê", "--classification", "1.2.b", "--producer", "0101234567")
        let renamed = try await workspace.ocop("product", "edit", other, "--name-vi", "mật ong bạc hà mèo vạc")
        #expect(renamed.status == 1, "\(renamed)")
        #expect(try await workspace.ocop("product", "show", "Mật ong bạc hà Mèo Vạc").status == 0)
    }

    @Test("material-area add refuses a code that is not a growing-area code", arguments: ["bad_code", "VN LCOR 0012", "LCOR-0012"])
    func badGrowingAreaCode(code: String) async throws {
        let workspace = try await Workspace.province()
        let result = try await workspace.ocop("material-area", "add", "--name", "Vùng chè", "--code", code)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("material_areas.growing_area_code"), "\(result)")
        #expect(try workspace.openReplica().fetchAll(MaterialArea.self).isEmpty)
    }

    @Test func materialAreaEditChangesOnlyWhatIsGiven() async throws {
        let workspace = try await Workspace.province()
        let id = try await workspace.ok("material-area", "add", "--name", "Vùng chè Suối Giàng", "--code", "vn-ybor-0021", "--commune", "Suối Giàng")
        let edited = try await workspace.ok("material-area", "edit", "VN-YBOR-0021", "--area-ha", "125,5", "--commune", "")
        #expect(edited.contains("Updated material area \(id)"), "\(edited)")
        let area = try #require(try workspace.openReplica().fetchAll(MaterialArea.self).first)
        #expect(area.growingAreaCode == "VN-YBOR-0021" && area.areaHa == 125.5 && area.commune == nil && area.name == "Vùng chè Suối Giàng")
        #expect(try await workspace.ocop("material-area", "edit", id, "--code", "bad_code").status == 1)
        try await workspace.ok("material-area", "add", "--name", "Vùng chè Bản Khoang")
        let clash = try await workspace.ocop("material-area", "edit", "Vùng chè Bản Khoang", "--name", "vùng chè suối giàng")
        #expect(clash.status == 1 && clash.stderr.contains("material_areas.name"), "\(clash)")
        #expect(try await workspace.ocop("material-area", "edit", id).status == 64, "nothing to change")
    }

    @Test func materialAreaDeleteIsRefusedWhileAProductOrBatchRefersToIt() async throws {
        let workspace = try await Workspace.province()
        let id = try await workspace.ok("material-area", "add", "--name", "Vùng mật ong Mèo Vạc", "--code", "VN-HGOR-0003")
        try await workspace.ok("producer", "add", "--name", "HTX Mèo Vạc", "--type", "HTX", "--tax-code", "0101234567")
        let product = try await workspace.ok("product", "add", "--name-vi", "Mật ong", "--classification", "1.2.b", "--producer", "0101234567",
                                       "--material-area", "VN-HGOR-0003")
        let refused = try await workspace.ocop("material-area", "delete", id)
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr.contains("1 product(s) and 0 batch(es)"), "\(refused)")
        try await workspace.ok("product", "edit", product, "--material-area", "")
        let deleted = try await workspace.ocop("material-area", "delete", "VN-HGOR-0003")
        #expect(deleted.status == 0, "\(deleted)")
        #expect(try workspace.openReplica().fetchAll(MaterialArea.self).isEmpty)
    }
}
