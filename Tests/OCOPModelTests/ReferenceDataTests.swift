import Foundation
import Testing
import OCOPModel

@Suite("Reference data: classifications and criteria sets")
struct ReferenceDataTests {
    let data = ReferenceData.standard

    @Test func shippedDataIsConsistent() {
        #expect(data.consistencyProblems() == [])
    }

    @Test func consistencyCheckFindsBadData() {
        var set = CriteriaSet.qd148_2023
        set.parts[0].criteria[0].maximum += 1
        set.starBands.swapAt(1, 2)
        let problems = set.consistencyProblems()
        #expect(problems.contains("QD148-2023: criteria of part A sum to 41, not 40"))
        #expect(problems.contains("QD148-2023: star bands 1 and 3 are not ascending") || problems.contains("QD148-2023: star bands 3 and 2 are not ascending"))
        var version = ClassificationVersion.qd148_2023
        version.nodes.append(ClassificationNode(code: "7.1", vi: "X", en: "X"))
        version.nodes.append(ClassificationNode(code: "1.x", vi: "X", en: "X"))
        #expect(version.consistencyProblems().count == 2)
    }

    /// The lookup kept beside the nodes answers as a search of the list does, for every shipped
    /// version, after the list is changed, and after a JSON round trip.
    @Test func codeLookupAgreesWithTheList() throws {
        func searched(_ version: ClassificationVersion, _ code: String) -> (ClassificationNode?, Bool) {
            let node = version.nodes.first { $0.code == code }
            return (node, node != nil && !version.nodes.contains { $0.parentCode == code })
        }
        func agrees(_ version: ClassificationVersion) {
            for code in version.nodes.map(\.code) + ["", "9", "1.9", "1.3.z", "1.3.d.x", "1.3.D"] {
                let (node, isLeaf) = searched(version, code)
                #expect(version.node(code: code) == node, "\(version.id) \(code)")
                #expect(version.isLeaf(code: code) == isLeaf, "\(version.id) \(code)")
            }
        }
        for version in data.classifications {
            agrees(version)
            let decoded = try JSONDecoder().decode(ClassificationVersion.self, from: JSONEncoder().encode(version))
            #expect(decoded == version)
            agrees(decoded)
        }
        var changed = ClassificationVersion.qd148_2023
        #expect(changed.isLeaf(code: "1.6"))
        changed.nodes.append(ClassificationNode(code: "1.6.a", vi: "Mới", en: "New"))
        #expect(!changed.isLeaf(code: "1.6") && changed.isLeaf(code: "1.6.a"))
        #expect(changed != .qd148_2023)
        agrees(changed)
        changed.nodes.removeAll { $0.code.hasPrefix("1.3") }
        #expect(changed.node(code: "1.3.a") == nil && changed.isLeaf(code: "1.2.a") == searched(changed, "1.2.a").1)
        agrees(changed)
    }

    @Test func qd148HasSixSectorsWithTheDomainNames() throws {
        let v = try #require(data.classification(version: "QD148-2023"))
        #expect(v.sectors.map(\.name.vi) == ["Thực phẩm", "Đồ uống", "Dược liệu", "Thủ công mỹ nghệ", "Sinh vật cảnh", "Du lịch cộng đồng"])
        #expect(v.sectors.map(\.name.en) == ["Food", "Beverages", "Medicinal herbs and herbal products", "Handicrafts", "Ornamentals", "Community and eco-tourism"])
        #expect(v.children(of: "1").map(\.code) == ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6"])
        #expect(v.children(of: "1.3").map(\.code) == ["1.3.a", "1.3.b", "1.3.c", "1.3.d"])
        #expect(v.children(of: "2").count == 2 && v.children(of: "3").count == 3)
        #expect(v.children(of: "4").count == 2 && v.children(of: "5").count == 3 && v.children(of: "6").count == 1)
        #expect(v.children(of: "1.6").isEmpty)
        #expect(v.nodes.count == 39)
    }

    @Test func lookupLabelAndParentChain() {
        #expect(data.label(version: "QD148-2023", code: "1.4.a", in: .en) == "Soy paste, fish sauce, liquid seasonings")
        #expect(data.label(version: "QD148-2023", code: "2.1.a", in: .vi) == "Rượu trắng")
        #expect(data.parentChain(version: "QD148-2023", code: "1.3.d").map(\.code) == ["1", "1.3", "1.3.d"])
        #expect(data.parentChain(version: "QD148-2023", code: "1.3.d").map(\.name.en) == ["Food", "Processed food", "From meat, eggs, milk, seafood, honey"])
        #expect(data.parentChain(version: "QD148-2023", code: "9.9").isEmpty)
        #expect(data.label(version: "QD999", code: "1", in: .vi) == nil)
        #expect(data.classificationNode(version: "QD1048-2019", code: "6")?.name.en == "Rural tourism and sales services")
        #expect(data.classificationNode(version: "QD1048-2019", code: "1.1") == nil, "2019 data stops at sectors")
    }

    @Test func leaves() throws {
        let v = try #require(data.classification(version: "QD148-2023"))
        #expect(v.isLeaf(code: "1.1.a") && v.isLeaf(code: "1.6") && v.isLeaf(code: "6.1"))
        #expect(!v.isLeaf(code: "1.1") && !v.isLeaf(code: "1") && !v.isLeaf(code: "1.9"))
        let old = try #require(data.classification(version: "QD1048-2019"))
        #expect(old.sectors.count == 6 && old.sectors.allSatisfy { old.isLeaf(code: $0.code) })
        #expect(old.finestLevel == .sector)
    }

    @Test func codeScheme() {
        #expect(ClassificationNode.level(ofCode: "1") == .sector)
        #expect(ClassificationNode.level(ofCode: "1.12") == .group)
        #expect(ClassificationNode.level(ofCode: "1.1.a") == .subGroup)
        for bad in ["", "0", "10", "1.", ".1", "1.0", "1.01", "1.1.A", "1.1.1", "1.1.ab", "1.1.a.b", "a"] {
            #expect(ClassificationNode.level(ofCode: bad) == nil, "\(bad)")
        }
        #expect(ClassificationNode.parentCode(of: "1.1.a") == "1.1")
        #expect(ClassificationNode.parentCode(of: "1") == nil)
    }

    @Test func criteriaSetsHaveTheDecisionsPartMaxima() throws {
        let new = try #require(data.criteriaSet(id: "QD148-2023"))
        #expect(new.parts.map(\.code) == ["A", "B", "C"])
        #expect(new.parts.map(\.maximum) == [40, 25, 35])
        #expect(new.bonusMaximum > 0)
        let old = try #require(data.criteriaSet(id: "QD1048-2019"))
        #expect(old.parts.map(\.maximum) == [35, 25, 40])
        #expect(old.bonusMaximum == 0)
        for set in [new, old] {
            #expect(set.starBands.map(\.stars) == [1, 2, 3, 4, 5])
            #expect(set.starBands.map(\.minimum) == [0, 30, 50, 70, 90])
            #expect(set.maximumTotal == 100)
        }
        #expect(new.criterion(code: "B3")?.part.code == "B")
        #expect(new.criterion(code: "A7")?.criterion.maximum == 4)
        #expect(old.criterion(code: "A7") == nil)
        #expect(new.part(code: "C")?.column == "part_c")
    }

    @Test func versionInForceOnADate() throws {
        #expect(data.criteriaSet(on: try LocalDate(parsing: "2021-06-01"))?.id == "QD1048-2019")
        #expect(data.criteriaSet(on: try LocalDate(parsing: "2023-02-23"))?.id == "QD1048-2019")
        #expect(data.criteriaSet(on: try LocalDate(parsing: "2023-02-24"))?.id == "QD148-2023")
        #expect(data.criteriaSet(on: try LocalDate(parsing: "2019-01-01")) == nil)
        #expect(data.classification(on: try LocalDate(parsing: "2026-01-01"))?.id == "QD148-2023")
    }

    @Test func bilingualText() {
        let t = BilingualText(vi: "Chè", en: "Tea")
        #expect(t.text(in: .vi) == "Chè" && t.text(in: .en) == "Tea")
    }
}
