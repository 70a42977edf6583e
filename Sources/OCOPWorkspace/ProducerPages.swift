import Foundation
import OCOPModel
import OCOPReplica

/// Producers: listed with their product counts, searched by name, tax code or commune. The
/// fields of a household's owner are personal data, set apart on the form.
struct ProducerKind: RecordKind {
    typealias Record = Producer
    let path = "/producers"
    let listKey = "producers"
    let newKey = "newProducer"

    func columns(_ words: [String: String]) -> [String] {
        [words["name"], words["type"], words["taxCode"], words["commune"], words["productsCount"]].map { $0 ?? "" }
    }

    func listing(_ replica: Replica, words: [String: String], language: WorkspaceLanguage) throws -> [ListedRecord] {
        let counts = Dictionary(grouping: try replica.fetchAll(Product.self), by: \.producerID).mapValues(\.count)
        return try replica.fetchAll(Producer.self).map { producer in
            ListedRecord(id: producer.id, sortName: producer.name, searched: [producer.name, producer.taxCode, producer.commune], cells: [
                .init(text: producer.name, link: "\(path)/\(producer.id.uuidString.lowercased())"),
                .init(text: words["type_\(producer.type.rawValue)"] ?? producer.type.rawValue),
                .init(text: producer.taxCode ?? ""), .init(text: producer.commune ?? ""), .init(text: "\(counts[producer.id] ?? 0)"),
            ])
        }
    }

    func csv(_ replica: Replica, ids: [UUID]) throws -> String {
        let byID = Dictionary(uniqueKeysWithValues: try replica.fetchAll(Producer.self).map { ($0.id, $0) })
        return CSVExport.producers(ids.compactMap { byID[$0] })
    }

    func form(_ producer: Producer?, replica: Replica, strings: WorkspaceStrings, language: WorkspaceLanguage, query: FormData) throws -> RecordForm {
        let text = { (key: String) in strings.text(key, language) }
        return RecordForm(groups: [
            .init(legend: text("general"), fields: [
                FormField(id: "name", label: text("name"), value: producer?.name ?? "", required: true, maximumLength: 200),
                FormField(id: "type", label: text("type"), value: producer?.type.rawValue ?? ProducerType.cooperative.rawValue, kind: .select,
                          options: ProducerType.allCases.map { ($0.rawValue, text("type_\($0.rawValue)")) }),
                FormField(id: "tax_code", label: text("taxCode"), value: producer?.taxCode ?? "", maximumLength: 20),
                FormField(id: "commune", label: text("commune"), value: producer?.commune ?? "", maximumLength: 100),
            ]),
            .init(legend: text("personalData"), note: text("personalDataNote"), personal: true, fields: [
                FormField(id: "representative", label: text("representative"), value: producer?.representative ?? "", maximumLength: 100),
                FormField(id: "national_id", label: text("nationalID"), value: producer?.nationalID ?? "", maximumLength: 20),
                FormField(id: "phone", label: text("phone"), value: producer?.phone ?? "", type: "tel", maximumLength: 30),
                FormField(id: "address", label: text("address"), value: producer?.address ?? "", maximumLength: 300),
            ]),
        ])
    }

    func record(from values: FormData, old: Producer?, replica: Replica) throws -> Producer {
        var producer = old ?? Producer(tenantID: replica.tenantID ?? UUID(), name: "", type: .cooperative)
        producer.name = values.text("name") ?? ""
        producer.type = ProducerType(rawValue: values["type"] ?? "") ?? .cooperative
        producer.taxCode = values.text("tax_code")
        producer.commune = values.text("commune")
        producer.representative = values.text("representative")
        producer.nationalID = values.text("national_id")
        producer.phone = values.text("phone")
        producer.address = values.text("address")
        try producer.validate()
        try replica.checkTaxCodeIsFree(producer)
        return producer
    }

    func heading(_ producer: Producer) -> String { producer.name }

    func links(_ producer: Producer, words: [String: String]) -> [(href: String, label: String)] {
        [("/products/new?producer=\(producer.id.uuidString.lowercased())", words["newProduct"] ?? "")]
    }
}

/// One line of a row's history, as a page shows it.
struct HistoryLine {
    let write: WorkspaceWrite
    let words: [String: String]
    init(_ write: WorkspaceWrite, words: [String: String]) {
        self.write = write
        self.words = words
    }
    var object: [String: Any] {
        var object: [String: Any] = ["when": Workspace.vietnamTime(write.at), "iso": ISO8601DateFormatter().string(from: write.at),
                                     "user": write.user, "action": words["action_\(write.action)"] ?? write.action]
        // Only a line that names its fields gets the brackets (an empty text still opens the section).
        if !write.fields.isEmpty { object["fields"] = write.fields.joined(separator: ", ") }
        return object
    }
}
