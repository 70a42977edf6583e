import Foundation
import OCOPModel
import OCOPReplica
import OCOPTestSupport
import Testing

@Suite("ocop lot / material-area code")
struct LotCommandTests {
    static let teaName = "Chè Shan tuyết Suối Giàng"
    static let gtin = "8934567890120"

    /// A province with a producer, a tea product with a GTIN and a tea area with a code.
    func teaProvince() async throws -> Workspace {
        let workspace = try await Workspace.province()
        try await workspace.ok("producer", "add", "--name", "Hợp tác xã Chè Suối Giàng", "--type", "HTX", "--tax-code", "5200123456")
        try await workspace.ok("product", "add", "--name-vi", Self.teaName, "--classification", "1.5.a", "--producer", "5200123456", "--gtin", Self.gtin)
        try await workspace.ok("material-area", "add", "--name", "Vùng chè Suối Giàng")
        try await workspace.ok("material-area", "code", "add", "--area", "Vùng chè Suối Giàng", "--code", "vn-ybor-0021", "--crop", "chè shan tuyết",
                         "--classification", "1.5", "--issued-by", "Chi cục Trồng trọt và BVTV tỉnh Yên Bái", "--valid-from", "2024-01-15")
        return workspace
    }

    @Test func addListShowEdit() async throws {
        let workspace = try await teaProvince()
        let id = try await workspace.ok("lot", "add", "--product", Self.gtin, "--lot-code", "SG-2026-031", "--produced-on", "2026-03-05",
                                  "--quantity", "250", "--unit", "kg", "--material-area", "VN-YBOR-0021")
        let uuid = try #require(UUID(uuidString: id))
        let stored = try #require(try workspace.openReplica().fetch(Batch.self, id: uuid))
        #expect(stored.lotCode == "SG-2026-031" && stored.quantity == 250 && stored.materialAreaID != nil)

        let list = try await workspace.ocop("lot", "list", "--product", Self.teaName, "--json").array()
        #expect(list.map { $0["lot_code"] as? String } == ["SG-2026-031"])
        #expect(try await workspace.ok("lot", "list").contains(Self.teaName))
        let show = try await workspace.ok("lot", "show", "sg-2026-031")
        #expect(show.contains("SG-2026-031") && show.contains("250 kg") && show.contains(Self.teaName))

        #expect(try await workspace.ok("lot", "edit", "SG-2026-031", "--quantity", "240").contains("quantity"))
        #expect(try workspace.openReplica().fetch(Batch.self, id: stored.id)?.quantity == 240)
        let codes = try await workspace.ocop("material-area", "code", "list", "--json").array()
        #expect(codes.map { $0["code"] as? String } == ["VN-YBOR-0021"], "codes are stored in capitals")
    }

    @Test func badInputIsRefusedNamingRecordAndField() async throws {
        let workspace = try await teaProvince()
        func refused(_ arguments: [String], _ status: Int32, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let result = try await workspace.run(["lot", "add", "--product", Self.gtin, "--produced-on", "2026-03-05"] + arguments + ["--replica", workspace.replica])
            #expect(result.status == status, "\(result)", sourceLocation: sourceLocation)
            #expect(result.stderr.contains(message), "\(result)", sourceLocation: sourceLocation)
        }
        try await refused(["--lot-code", "SG 01"], 1, "error: batches.lot_code: contains a space")
        try await refused(["--lot-code", "SG\u{1}01"], 1, "error: batches.lot_code: contains control characters")
        try await refused(["--lot-code", String(repeating: "X", count: 10_000)], 1, "error: batches.lot_code: is 10000 characters long; the maximum is 64")
        try await refused(["--lot-code", "SG-1", "--quantity", "5"], 1, "error: batches.unit: must be given when quantity is")
        try await refused(["--lot-code", "SG-1", "--unit", "kg"], 1, "error: batches.quantity: must be given when unit is")
        try await refused(["--lot-code", "SG-1", "--produced-on", "2099-01-01"], 1, "error: batches.produced_on: 2099-01-01 is after today")
        try await refused(["--lot-code", "SG-1", "--produced-on", "2017-12-31"], 1, "error: batches.produced_on: 2017-12-31 is before the OCOP programme began")
        try await refused(["--lot-code", "SG-1", "--produced-on", "2023-06-01", "--material-area", "VN-YBOR-0021"], 1,
                    "error: batches.material_area_id: Vùng chè Suối Giàng has no growing-area code valid on 2023-06-01")
        try await refused(["--lot-code", "SG-1", "--product", "8934567890121"], 2, "error: no product has the id, GTIN or name \"8934567890121\"")
        try await refused(["--lot-code", "SG-1", "--produced-on", "2026-02-30"], 64, "day 30 does not exist in 2026-02")

        // Crop fit: honey cannot come from the tea area.
        try await workspace.ok("product", "add", "--name-vi", "Mật ong bạc hà", "--classification", "1.2.b", "--producer", "5200123456")
        let honey = try await workspace.ocop("lot", "add", "--product", "Mật ong bạc hà", "--lot-code", "MO-1", "--produced-on", "2026-03-05",
                                       "--material-area", "VN-YBOR-0021")
        #expect(honey.status == 1 && honey.stderr.contains("do not cover Mật ong bạc hà's classification 1.2.b"), "\(honey)")

        // Unique per product; the same code is fine for another product.
        try await workspace.ok("lot", "add", "--product", Self.gtin, "--lot-code", "SG-1", "--produced-on", "2026-03-05")
        try await refused(["--lot-code", "sg-1"], 1, "error: batches.lot_code: Chè Shan tuyết Suối Giàng already has lot SG-1")
        try await workspace.ok("lot", "add", "--product", "Mật ong bạc hà", "--lot-code", "SG-1", "--produced-on", "2026-03-05")
        let ambiguous = try await workspace.ocop("lot", "show", "SG-1")
        #expect(ambiguous.status == 2 && ambiguous.stderr.contains("give --product or the lot's id"))
        #expect(try await workspace.ocop("lot", "show", "SG-1", "--product", Self.gtin).status == 0)
        #expect(try workspace.openReplica().fetchAll(Batch.self).count == 2, "nothing else was saved")

        // A GTIN with a bad check digit, a bad growing-area code.
        let badGTIN = try await workspace.ocop("product", "add", "--name-vi", "Chè xanh", "--classification", "1.5.a", "--producer", "5200123456", "--gtin", "8934567890121")
        #expect(badGTIN.status == 1 && badGTIN.stderr.contains("products.gtin: 8934567890121 has check digit 1, expected 0"))
        let badCode = try await workspace.ocop("material-area", "code", "add", "--area", "Vùng chè Suối Giàng", "--code", "VN YB 1", "--crop", "chè",
                                         "--classification", "1.5", "--issued-by", "Chi cục", "--valid-from", "2024-01-15")
        #expect(badCode.status == 1 && badCode.stderr.contains("growing_area_codes.code: \"VN YB 1\" is not a growing-area code"))
    }

    @Test func csvImportIsAllOrNothingWithRowAndField() async throws {
        let workspace = try await teaProvince()
        let bad = try workspace.write("lots.csv", """
            product,lot_code,produced_on,quantity,unit,material_area
            \(Self.gtin),SG-1,2026-03-01,120,kg,VN-YBOR-0021
            \(Self.gtin),SG 2,2026-03-02,,,
            \(Self.teaName),SG-1,2026-03-03,5,,

            """)
        let result = try await workspace.ocop("lot", "import", bad)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderrLines.contains { $0.hasPrefix("\(bad):3: lot_code: contains a space") }, "\(result)")
        #expect(result.stderrLines.contains { $0.hasPrefix("\(bad):4: unit: must be given when quantity is") })
        #expect(result.stderrLines.contains { $0.hasPrefix("\(bad):4: lot_code: lot SG-1 of \(Self.teaName) is already on line 2") })
        #expect(result.stderrLines.last?.hasSuffix("nothing was imported") == true)
        #expect(try workspace.openReplica().fetchAll(Batch.self).isEmpty)

        let good = try workspace.write("good.csv", "product,lot_code,produced_on,quantity,unit\n\(Self.gtin),SG-1,2026-03-01,\"7,5\",kg\n\(Self.teaName),SG-2,2026-03-02,,\n")
        #expect(try await workspace.ok("lot", "import", good).contains("Imported 2 lot(s)"))
        #expect(try workspace.openReplica().fetchAll(Batch.self).map(\.quantity).contains(7.5))
    }

    @Test func transformationOfTwoHarvestsIsFollowedByShow() async throws {
        let workspace = try await teaProvince()
        for (code, day) in [("H-0301", "2026-03-01"), ("H-0302", "2026-03-02"), ("SG-2026-031", "2026-03-05"), ("TUI-100G", "2026-03-06")] {
            try await workspace.ok("lot", "add", "--product", Self.gtin, "--lot-code", code, "--produced-on", day)
        }
        try await workspace.ok("lot", "event", "add", "--lot", "H-0301", "--step", "harvesting", "--time", "2026-03-01T06:30:00+07:00",
                         "--read-point", "Đồi chè Pang Cáng", "--quantity", "80", "--unit", "kg", "--measure", "độ ẩm=72.5:%")
        let eventID = try await workspace.ok("lot", "transform", "--inputs", "H-0301,H-0302", "--outputs", "SG-2026-031",
                                       "--time", "2026-03-05T08:30:00+07:00", "--read-point", "Xưởng Suối Giàng")
        try await workspace.ok("lot", "transform", "--inputs", "SG-2026-031", "--outputs", "TUI-100G", "--step", "packing",
                         "--time", "2026-03-06T08:00:00+07:00")

        let events = try workspace.openReplica().fetchAll(LotEvent.self)
        let harvest = try #require(events.first { $0.bizStep == "harvesting" })
        #expect(harvest.action == "ADD" && harvest.eventType == .object && harvest.measurements == #"{"độ ẩm":{"unit":"%","value":72.5}}"#)
        let blend = try #require(events.first { $0.id.uuidString.lowercased() == eventID })
        #expect(blend.eventType == .transformation && blend.action == nil)

        let show = try await workspace.ocop("lot", "show", "TUI-100G", "--json").object()
        let inputs = try #require(show["inputs"] as? [[String: Any]])
        #expect(inputs.map { "\($0["depth"]!) \($0["lot_code"]!)" }.sorted() == ["1 SG-2026-031", "2 H-0301", "2 H-0302"])
        let fromHarvest = try await workspace.ocop("lot", "show", "H-0301", "--json").object()
        #expect((fromHarvest["outputs"] as? [[String: Any]])?.map { $0["lot_code"] as? String } == ["SG-2026-031", "TUI-100G"])
        #expect((fromHarvest["events"] as? [[String: Any]])?.map { $0["biz_step"] as? String } == ["harvesting", "transforming"])
        let text = try await workspace.ok("lot", "show", "TUI-100G")
        #expect(text.contains("Made from") && text.contains("H-0302") && text.contains("[SG-2026-031] → [TUI-100G]"))

        // The chain as GS1 EPCIS 2.0, for a partner: valid against GS1's own schema.
        let wrote = try await workspace.ok("lot", "epcis", "TUI-100G", "--out", "TUI-100G.jsonld")
        #expect(wrote.contains("3 event(s)") && wrote.contains("4 lot(s)"), "\(wrote)")
        let document = try String(contentsOfFile: workspace.path("TUI-100G.jsonld"), encoding: .utf8)
        #expect(document.contains("\"TransformationEvent\"") && document.contains("https://id.gs1.org/01/"))
        if let standards = sharedStandards {
            let problems = try await validateEPCISDocument(URL(fileURLWithPath: workspace.path("TUI-100G.jsonld")),
                                                           schema: standards.appendingPathComponent("gs1-epcis/EPCIS-JSON-Schema.json"))
            #expect(problems == "", "\(problems)")
        }

        // Bad events: unknown step, time without offset, a lot both in and out, unknown lot.
        let step = try await workspace.ocop("lot", "event", "add", "--lot", "H-0301", "--step", "dancing", "--time", "2026-03-01T06:30:00+07:00")
        #expect(step.status == 1 && step.stderr.contains("lot_events.biz_step: \"dancing\" is not a business step"))
        let time = try await workspace.ocop("lot", "event", "add", "--lot", "H-0301", "--step", "shipping", "--time", "2026-03-01 06:30")
        #expect(time.status == 1 && time.stderr.contains("lot_events.event_time:"))
        let loop = try await workspace.ocop("lot", "transform", "--inputs", "H-0301", "--outputs", "H-0301", "--time", "2026-03-05T08:30:00+07:00")
        #expect(loop.status == 1 && loop.stderr.contains("is both an input and an output"))
        #expect(try await workspace.ocop("lot", "transform", "--inputs", "NOPE", "--outputs", "H-0301", "--time", "2026-03-05T08:30:00+07:00").status == 2)
        // Append-only: no edit or delete command exists.
        #expect(try await workspace.ocop("lot", "event", "delete", blend.id.uuidString).status == 64)
        #expect(try workspace.openReplica().fetchAll(LotEvent.self).count == 3)
    }

    @Test func labelQRDecodesToTheDigitalLink() async throws {
        let workspace = try await teaProvince()
        try await workspace.ok("lot", "add", "--product", Self.gtin, "--lot-code", "SG/26:A&B", "--produced-on", "2026-03-05")
        let out = workspace.path("nhãn")
        let uri = try await workspace.ok("lot", "label", "SG/26:A&B", "--base-url", "https://trace.ocop.gov.vn/", "--out", out)
        #expect(uri == "https://trace.ocop.gov.vn/01/0\(Self.gtin)/10/SG%2F26%3AA%26B")
        #expect(try await Self.zbarimg(out + "/label.png") == uri)
        let svg = try String(contentsOfFile: out + "/label.svg", encoding: .utf8)
        #expect(svg.contains("width=\"50mm\" height=\"30mm\"") && svg.contains("Lô: SG/26:A&amp;B") && svg.contains("Shan tuyết") && svg.contains("<rect x="))

        // Without a GTIN: the short form with the lot's id.
        try await workspace.ok("product", "add", "--name-vi", "Mật ong bạc hà Mèo Vạc", "--classification", "1.2.b", "--producer", "5200123456")
        let lotID = try await workspace.ok("lot", "add", "--product", "Mật ong bạc hà Mèo Vạc", "--lot-code", "MO-2026-01", "--produced-on", "2026-03-05")
        let short = try await workspace.ok("lot", "label", lotID, "--base-url", "https://trace.ocop.gov.vn", "--out", workspace.path("honey"))
        #expect(short == "https://trace.ocop.gov.vn/l/\(lotID)")
        #expect(try await Self.zbarimg(workspace.path("honey") + "/label.png") == short)

        let badBase = try await workspace.ocop("lot", "label", lotID, "--base-url", "trace.ocop.gov.vn", "--out", workspace.path("x"))
        #expect(badBase.status == 64)
    }

    @Test func aBlendIntoTwoLotsIsOneEventPerOutputAndBothTraceToTheHarvests() async throws {
        let workspace = try await teaProvince()
        for (code, day) in [("H-0301", "2026-03-01"), ("H-0302", "2026-03-02"), ("SG-A", "2026-03-05"), ("SG-B", "2026-03-05")] {
            try await workspace.ok("lot", "add", "--product", Self.gtin, "--lot-code", code, "--produced-on", day)
        }
        let ids = try await workspace.ok("lot", "transform", "--inputs", "H-0301,H-0302", "--outputs", "SG-A,SG-B",
                                         "--time", "2026-03-05T08:30:00+07:00").split(separator: "\n")
        #expect(ids.count == 2)
        for code in ["SG-A", "SG-B"] {
            let show = try await workspace.ocop("lot", "show", code, "--json").object()
            let inputs = try #require(show["inputs"] as? [[String: Any]], "\(code): \(show)")
            #expect(inputs.compactMap { $0["lot_code"] as? String }.sorted() == ["H-0301", "H-0302"], "\(code)")
        }
        let events = try workspace.openReplica().fetchAll(LotEvent.self).filter { $0.eventType == .transformation }
        #expect(events.allSatisfy { (try? LotEvent.decodeLots($0.outputs, field: "outputs")) == [$0.lotID] })
        let amount = try await workspace.ocop("lot", "transform", "--inputs", "H-0301", "--outputs", "SG-A,SG-B", "--quantity", "5",
                                              "--unit", "kg", "--time", "2026-03-05T08:30:00+07:00")
        #expect(amount.status == 64 && amount.stderr.contains("--quantity is the amount of one output lot"), "\(amount)")
    }

    /// Decodes a QR code with Debian's zbarimg (a decoder no one here wrote).
    static func zbarimg(_ path: String) async throws -> String {
        let run = try await ChildProcess.run(URL(fileURLWithPath: "/usr/bin/zbarimg"), ["--raw", "-q", path])
        #expect(run.status == 0, "\(run.errors)")
        return run.output.trimmingCharacters(in: .newlines)
    }
}
