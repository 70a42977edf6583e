import Foundation
import Testing
import OCOPModel

@Suite("Provinces and the 2025 merger")
struct ProvinceRegistryTests {
    let registry = ProvinceRegistry.standard
    let before = try! LocalDate(parsing: "2025-06-30")
    let after = try! LocalDate(parsing: "2025-07-01")

    @Test func thirtyFourUnitsAfterAndSixtyThreeBefore() {
        #expect(registry.provinces(on: after).count == 34)
        #expect(registry.provinces(on: before).count == 63)
        #expect(Set(registry.current.map(\.code)).count == 34)
        #expect(Set(registry.successions.map(\.oldCode)).count == 63)
    }

    @Test func aCodeMeansDifferentUnitsBeforeAndAfter() {
        #expect(registry.province(code: "15", on: before)?.name == "Yên Bái")
        #expect(registry.province(code: "15", on: after)?.name == "Lào Cai")
        #expect(registry.province(code: "10", on: before)?.name == "Lào Cai")
        #expect(registry.province(code: "10", on: after) == nil)
        #expect(registry.isRetired(code: "10", on: after))
        #expect(!registry.isRetired(code: "10", on: before))
        #expect(!registry.isRetired(code: "15", on: after))
        #expect(!registry.isRetired(code: "99", on: after), "never used is not retired")
        #expect(registry.province(code: "46", on: before)?.name == "Thừa Thiên Huế")
        #expect(registry.province(code: "46", on: after)?.name == "Huế")
        #expect(registry.province(code: "46", on: after)?.kind == .city)
    }

    @Test func successorsOfOldCodes() {
        #expect(registry.successor(ofOldCode: "10")?.code == "15")
        #expect(registry.successor(ofOldCode: "15")?.name == "Lào Cai")
        #expect(registry.successor(ofOldCode: "02")?.name == "Tuyên Quang")
        #expect(registry.successor(ofOldCode: "77")?.name == "Thành phố Hồ Chí Minh")
        #expect(registry.successor(ofOldCode: "01")?.name == "Hà Nội")
        #expect(registry.successor(ofOldCode: "99") == nil)
        #expect(registry.succession(ofOldCode: "82")?.note == "a few communes went to 80 Tây Ninh")
        #expect(registry.succession(ofOldCode: "82")?.newCode == "82")
        #expect(registry.succession(ofOldCode: "87")?.newName == "Đồng Tháp")
    }

    @Test func currentUnitOfACodeWrittenOnADate() throws {
        let in2024 = try LocalDate(parsing: "2024-05-01")
        #expect(registry.currentUnit(forCode: "15", asOf: in2024)?.name == "Lào Cai")
        #expect(registry.currentUnit(forCode: "10", asOf: in2024)?.code == "15")
        #expect(registry.currentUnit(forCode: "10", asOf: after) == nil)
        #expect(registry.currentUnit(forCode: "82", asOf: in2024)?.name == "Đồng Tháp")
        #expect(registry.currentUnit(forCode: "80", asOf: after)?.name == "Tây Ninh")
        #expect(registry.currentUnit(forCode: "80", asOf: in2024)?.name == "Tây Ninh", "Long An (80) merged into Tây Ninh (80)")
    }

    @Test func predecessors() {
        #expect(registry.predecessors(ofCode: "25").map(\.name) == ["Hòa Bình", "Phú Thọ", "Vĩnh Phúc"])
        #expect(registry.predecessors(ofCode: "79").map(\.code) == ["74", "77", "79"])
        #expect(registry.predecessors(ofCode: "92").map(\.code) == ["92", "93", "94"])
        #expect(registry.predecessors(ofCode: "11").map(\.code) == ["11"])
        #expect(registry.predecessors(ofCode: "10").isEmpty)
    }

    @Test func everyOldUnitMapsToACurrentUnitOfTheSameNameAndCode() {
        for row in registry.successions {
            let target = registry.current.first { $0.code == row.newCode }
            #expect(target?.name == row.newName, "\(row.oldCode) \(row.oldName)")
            #expect(row.validUntil == before)
        }
        for unit in registry.current {
            #expect(!registry.predecessors(ofCode: unit.code).isEmpty, "\(unit.code) has predecessors")
        }
    }

    /// The embedded data is the CSV files' content exactly: re-rendered, it equals them byte
    /// for byte (the fixture copies, and the shared originals when the checkout has them).
    @Test func embeddedDataReproducesTheCSVFiles() throws {
        var provinces = "code,name,kind,effective_from\n"
        for p in ProvinceRegistry.units2025 {
            provinces += "\(p.code),\(p.name),\(p.kind!.rawValue),\(p.validFrom!)\n"
        }
        var merger = "old_code,old_name,valid_until,new_code,new_name,note\n"
        for s in ProvinceRegistry.merger2025 {
            merger += "\(s.oldCode),\(s.oldName),\(s.validUntil),\(s.newCode),\(s.newName),\(s.note ?? "")\n"
        }
        #expect(provinces == (try Fixture.text("provinces-2025.csv")))
        #expect(merger == (try Fixture.text("province-merger-2025.csv")))
        if let shared = Fixture.sharedData {
            #expect(provinces == String(decoding: try Data(contentsOf: shared.appendingPathComponent("provinces-2025.csv")), as: UTF8.self))
            #expect(merger == String(decoding: try Data(contentsOf: shared.appendingPathComponent("province-merger-2025.csv")), as: UTF8.self))
        }
    }

    @Test func namesAreNFC() {
        for unit in registry.allUnits {
            #expect(unit.name == unit.name.normalizedNFC() && unit.name.unicodeScalars.elementsEqual(unit.name.normalizedNFC().unicodeScalars))
        }
    }
}
