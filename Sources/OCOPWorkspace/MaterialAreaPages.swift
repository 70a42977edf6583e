import Foundation
import OCOPModel
import OCOPReplica

/// Raw-material areas (vùng nguyên liệu) with their official growing-area codes (mã số vùng
/// trồng), which lots and feeds cite.
struct MaterialAreaKind: RecordKind {
    typealias Record = MaterialArea
    let path = "/material-areas"
    let listKey = "materialAreas"
    let newKey = "newMaterialArea"

    func columns(_ words: [String: String]) -> [String] {
        [words["name"], words["growingAreaCode"], words["commune"], words["areaHa"], words["lotsCount"]].map { $0 ?? "" }
    }

    func listing(_ replica: Replica, words: [String: String], language: WorkspaceLanguage) throws -> [ListedRecord] {
        let lots = Dictionary(grouping: try replica.fetchAll(Batch.self).compactMap(\.materialAreaID), by: { $0 }).mapValues(\.count)
        return try replica.fetchAll(MaterialArea.self).map { area in
            ListedRecord(id: area.id, sortName: area.name, searched: [area.name, area.growingAreaCode, area.commune], cells: [
                .init(text: area.name, link: "\(path)/\(area.id.uuidString.lowercased())"),
                .init(text: area.growingAreaCode ?? ""), .init(text: area.commune ?? ""),
                .init(text: area.areaHa.map { CriteriaSet.format($0) } ?? ""), .init(text: "\(lots[area.id] ?? 0)"),
            ])
        }
    }

    func csv(_ replica: Replica, ids: [UUID]) throws -> String {
        let byID = Dictionary(uniqueKeysWithValues: try replica.fetchAll(MaterialArea.self).map { ($0.id, $0) })
        return CSVWriter.document(header: ["name", "growing_area_code", "commune", "area_ha"], rows: ids.compactMap { byID[$0] }.map { area in
            [area.name, area.growingAreaCode ?? "", area.commune ?? "", area.areaHa.map { CriteriaSet.format($0) } ?? ""]
        })
    }

    func form(_ area: MaterialArea?, replica: Replica, strings: WorkspaceStrings, language: WorkspaceLanguage, query: FormData) throws -> RecordForm {
        let text = { (key: String) in strings.text(key, language) }
        return RecordForm(groups: [
            .init(legend: text("general"), fields: [
                FormField(id: "name", label: text("name"), value: area?.name ?? "", required: true, maximumLength: 200),
                FormField(id: "growing_area_code", label: text("growingAreaCode"), value: area?.growingAreaCode ?? "", maximumLength: 60),
                FormField(id: "commune", label: text("commune"), value: area?.commune ?? "", maximumLength: 100),
                FormField(id: "area_ha", label: text("areaHa"), value: area?.areaHa.map { CriteriaSet.format($0) } ?? "", maximumLength: 20),
            ]),
        ])
    }

    func record(from values: FormData, old: MaterialArea?, replica: Replica) throws -> MaterialArea {
        // Through the initialiser, so a code typed in lower case is stored as the official capitals.
        let area = MaterialArea(id: old?.id ?? UUIDv7.generate(), tenantID: old?.tenantID ?? replica.tenantID ?? UUID(),
                                name: values.text("name") ?? "", growingAreaCode: values.text("growing_area_code"),
                                commune: values.text("commune"),
                                areaHa: try typedNumber(values["area_ha"], field: "area_ha", record: MaterialArea.schema.name))
        try area.validate()
        try replica.checkAreaKeysAreFree(area)
        return area
    }

    func heading(_ area: MaterialArea) -> String { area.name }
}
