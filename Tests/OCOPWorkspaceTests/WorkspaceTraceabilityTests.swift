import Foundation
import OCOPModel
import OCOPReplica
import OCOPWorkspace
import Testing

/// Material areas, lots and their value-chain events in the workspace over HTTP: the same
/// rules as `ocop material-area` and `ocop lot` (one set, in the replica), refused at their
/// fields with what was typed kept.
@Suite("Province workspace: material areas, lots, events")
struct WorkspaceTraceabilityTests {
    static func areaFields(name: String = "Vùng chè Shan tuyết Suối Giàng", code: String = "vn-ybor-0012", hectares: String = "12,5") -> [(String, String)] {
        [("name", name), ("growing_area_code", code), ("commune", "Xã Suối Giàng"), ("area_ha", hectares)]
    }

    @Test("an area's code is stored in capitals; a malformed or taken code, a bad area are refused at their fields")
    func materialAreas() async throws {
        let workspace = try await WorkspaceHarness.start()
        defer { Task { await workspace.stop() } }
        let officer = workspace.browser()
        try await officer.setUp()
        let saved = try await officer.post("/material-areas/new", Self.areaFields())
        #expect(saved.status == 303, "\(saved.body.prefix(3000))")
        let area = try #require(try workspace.replica.fetchAll(MaterialArea.self).first)
        #expect(area.growingAreaCode == "VN-YBOR-0012" && area.areaHa == 12.5 && area.tenantID == workspace.tenant)
        for (fields, errorID) in [
            (Self.areaFields(name: "Vùng khác", code: "VN-YBOR-0012"), "growing_area_code-error"),
            (Self.areaFields(name: "Vùng khác", code: "VN YBOR 12"), "growing_area_code-error"),
            (Self.areaFields(name: "vùng chè shan tuyết suối giàng", code: ""), "name-error"),
            (Self.areaFields(name: "Vùng khác", code: "", hectares: "mười"), "area_ha-error"),
            (Self.areaFields(name: "Vùng khác", code: "", hectares: "-3"), "area_ha-error"),
        ] {
            let page = try await officer.post("/material-areas/new", fields)
            #expect(page.status == 422 && page.body.contains("id=\"\(errorID)\""), "\(fields): \(page.body.prefix(3000))")
            #expect(page.body.contains("value=\"\(fields[0].1)\""), "what was typed is kept")
        }
        #expect(try workspace.replica.fetchAll(MaterialArea.self).count == 1)
        let list = try await officer.get("/material-areas?q=suoi+giang")
        #expect(list.body.contains("VN-YBOR-0012") && list.body.contains("1 kết quả"))
        #expect(try await officer.get("/material-areas.csv").body.hasPrefix("\u{FEFF}name,growing_area_code"))
    }

    @Test("a lot from its product's page, its events recorded and listed; bad days, codes and markup refused")
    func lotsAndEvents() async throws {
        let workspace = try await WorkspaceHarness.start()
        defer { Task { await workspace.stop() } }
        let product = try WorkspaceDossierTests.product(in: workspace)
        let officer = workspace.browser()
        try await officer.setUp()
        #expect(try await officer.post("/material-areas/new", Self.areaFields()).status == 303)
        let area = try #require(try workspace.replica.fetchAll(MaterialArea.self).first)
        let productID = product.id.uuidString.lowercased()

        let productPage = try await officer.get("/products/\(productID)")
        #expect(productPage.body.contains("/lots/new?product=\(productID)"))
        let form = try await officer.get("/lots/new?product=\(productID)")
        #expect(form.body.contains("<option value=\"\(productID)\" selected>"))
        func lot(_ code: String, _ day: String, quantity: String = "240") -> [(String, String)] {
            [("lot_code", code), ("product_id", productID), ("produced_on", day), ("quantity", quantity), ("unit", "kg"),
             ("material_area_id", area.id.uuidString.lowercased())]
        }
        for (fields, errorID) in [
            (lot("SG-2026-031", "2025-02-30"), "produced_on-error"),
            (lot("SG-2026-031", "2099-01-01"), "produced_on-error"),
            (lot("SG 2026/031 <b>", "2025-11-02"), "lot_code-error"),
            (lot("SG-2026-031", "2025-11-02", quantity: "nhiều"), "quantity-error"),
        ] {
            let page = try await officer.post("/lots/new", fields)
            #expect(page.status == 422 && page.body.contains("id=\"\(errorID)\""), "\(fields): \(page.body.prefix(3000))")
        }
        let saved = try await officer.post("/lots/new", lot("SG-2026-031", "2025-11-02"))
        #expect(saved.status == 303, "\(saved.body.prefix(3000))")
        let batch = try #require(try workspace.replica.fetchAll(Batch.self).first)
        #expect(batch.lotCode == "SG-2026-031" && batch.quantity == 240 && batch.materialAreaID == area.id && batch.tenantID == workspace.tenant)
        // The product's second lot with the same code is refused.
        #expect(try await officer.post("/lots/new", lot("SG-2026-031", "2025-11-03")).status == 422)

        let lotPath = "/lots/\(batch.id.uuidString.lowercased())"
        let lotPage = try await officer.get(lotPath)
        #expect(lotPage.body.contains("Sự kiện chuỗi giá trị") && lotPage.body.contains("Chưa có sự kiện nào"))
        #expect(lotPage.body.contains("href=\"\(lotPath)/events/new\""))
        // The product is fixed once the lot exists: a post cannot move it to another product.
        #expect(lotPage.body.contains("id=\"product_id\" name=\"product_id\" disabled"))

        func event(_ step: String, _ time: String, where place: String = "Xưởng chế biến Suối Giàng") -> [(String, String)] {
            [("biz_step", step), ("event_time", time), ("read_point", place), ("quantity", "240"), ("unit", "kg")]
        }
        for (fields, errorID) in [
            (event("teleporting", "2025-11-03T08:30"), "biz_step-error"),
            (event("inspecting", "2099-11-03T08:30"), "event_time-error"),
            (event("inspecting", "hôm qua"), "event_time-error"),
            // Found by an outsider: 30 February was rolled into 2 March and saved.
            (event("inspecting", "2025-02-30T10:00"), "event_time-error"),
            (event("inspecting", "2025-11-03T08:30", where: "<script>alert(1)</script>"), "read_point-error"),
        ] {
            let page = try await officer.post(lotPath + "/events/new", fields)
            #expect(page.status == 422 && page.body.contains("id=\"\(errorID)\""), "\(fields): \(page.body.prefix(3000))")
            #expect(!page.body.contains("<script>alert"))
        }
        #expect(try workspace.replica.fetchAll(LotEvent.self).isEmpty)
        let recorded = try await officer.post(lotPath + "/events/new", event("inspecting", "2025-11-03T08:30"))
        #expect(recorded.status == 303 && recorded.location == lotPath + "#events", "\(recorded.body.prefix(3000))")
        let events = try workspace.replica.fetchAll(LotEvent.self)
        #expect(events.count == 1 && events[0].eventTime == "2025-11-03T08:30:00+07:00" && events[0].action == "OBSERVE")
        #expect(events[0].recordedBy == "Nguyễn Thị Lan")
        let withEvent = try await officer.get(lotPath)
        #expect(withEvent.body.contains("03/11/2025 08:30") && withEvent.body.contains("Kiểm tra") && withEvent.body.contains("Xưởng chế biến Suối Giàng"))
        #expect(try await officer.get("/lots.csv").body.contains("SG-2026-031"))
    }
}
