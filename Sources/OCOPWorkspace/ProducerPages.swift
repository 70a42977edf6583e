import Foundation
import Hummingbird
import OCOPModel
import OCOPReplica

/// Producers: the list (search, Vietnamese order, pages, CSV), adding and editing. The fields
/// of a household's owner are personal data and set apart.
struct ProducerPages {
    let workspace: Workspace

    func register(on router: Router<WorkspaceContext>) {
        router.get("/producers") { request, context in try await list(request, context: context, csv: false) }
        router.get("/producers.csv") { request, context in try await list(request, context: context, csv: true) }
        router.get("/producers/new") { _, context in
            guard context.account?.role.canWrite == true else { return workspace.forbidden(context) }
            return editor(form(context, producer: nil), producer: nil, history: [], context: context)
        }
        router.post("/producers/new") { _, context in try await save(nil, context: context) }
        router.get("/producers/:id") { _, context in
            guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
                  let producer = try await workspace.onReplica({ try $0.fetch(Producer.self, id: id) }) else { return workspace.notFound(context) }
            let (history, refusal) = try await workspace.onReplica { replica in
                (try replica.workspaceWrites(of: Producer.databaseTableName, key: id),
                 try replica.parkedRejections().first { $0.table == Producer.databaseTableName && SyncPages.text($0.key) == id.uuidString.lowercased() }?.reason)
            }
            return editor(form(context, producer: producer), producer: producer, history: history, refusal: refusal, context: context)
        }
        router.post("/producers/:id") { _, context in
            guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
                  let producer = try await workspace.onReplica({ try $0.fetch(Producer.self, id: id) }) else { return workspace.notFound(context) }
            return try await save(producer, context: context)
        }
    }

    private func list(_ request: Request, context: WorkspaceContext, csv: Bool) async throws -> Response {
        let listing = ListPage(request)
        let (producers, counts) = try await workspace.onReplica { replica in
            (try replica.fetchAll(Producer.self), Dictionary(grouping: try replica.fetchAll(Product.self), by: \.producerID).mapValues(\.count))
        }
        let found = VietnameseCollation.sorted(producers.filter { listing.matches([$0.name, $0.taxCode, $0.commune]) }, by: \.name)
        if csv { return ListPage.csv(CSVExport.producers(found), name: "producers.csv") }
        let words = workspace.strings.words(context.language)
        let (shown, paging) = listing.slice(found, path: "/producers", words: workspace.strings, language: context.language)
        var object = paging
        object["heading"] = words["producers"]
        object["newLabel"] = words["newProducer"]
        object["columns"] = [words["name"], words["type"], words["taxCode"], words["commune"], words["productsCount"]].map { $0 ?? "" }
        object["rows"] = shown.map { producer -> [String: Any] in
            ["cells": [
                ["text": producer.name, "link": "/producers/\(producer.id.uuidString.lowercased())"],
                ["text": words["type_\(producer.type.rawValue)"] ?? producer.type.rawValue],
                ["text": producer.taxCode ?? ""], ["text": producer.commune ?? ""], ["text": "\(counts[producer.id] ?? 0)"],
            ]]
        }
        return workspace.page("list", title: words["producers"] ?? "", nav: "producers", object: object, context: context)
    }

    private func form(_ context: WorkspaceContext, producer: Producer?) -> RecordForm {
        let text = { (key: String) in workspace.strings.text(key, context.language) }
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

    private func editor(_ form: RecordForm, producer: Producer?, history: [WorkspaceWrite], refusal: String? = nil,
                        context: WorkspaceContext,
                        status: HTTPResponse.Status = .ok, notice: String? = nil) -> Response {
        let words = workspace.strings.words(context.language)
        let heading = (producer == nil ? words["newProducer"] : producer?.name) ?? ""
        let action = producer.map { "/producers/\($0.id.uuidString.lowercased())" } ?? "/producers/new"
        var object: [String: Any] = ["heading": heading, "form": form.object, "action": action, "back": "/producers",
                                     "history": history.map { HistoryLine($0, words: words).object }, "hasHistory": !history.isEmpty]
        if let refusal { object["refusal"] = refusal + " " + (words["refusedFix"] ?? "") }
        return workspace.page("record-form", title: heading, nav: "producers", object: object,
                              context: context, status: status, notice: notice)
    }

    private func save(_ old: Producer?, context: WorkspaceContext) async throws -> Response {
        guard let account = context.account, account.role.canWrite else { return workspace.forbidden(context) }
        var form = form(context, producer: old)
        form.fill(from: context.form)
        form.checkInput { workspace.strings.text($0, context.language) }
        let values = context.form
        var producer = old ?? Producer(tenantID: UUID(), name: "", type: .cooperative)
        if !form.isInvalid {
            producer.name = values.text("name") ?? ""
            producer.type = ProducerType(rawValue: values["type"] ?? "") ?? .cooperative
            producer.taxCode = values.text("tax_code")
            producer.commune = values.text("commune")
            producer.representative = values.text("representative")
            producer.nationalID = values.text("national_id")
            producer.phone = values.text("phone")
            producer.address = values.text("address")
            do {
                let fields = old.map { changedColumns($0, producer) } ?? []
                let candidate = producer
                producer = try await workspace.onReplica { replica in
                    var producer = candidate
                    if old == nil, let tenant = replica.tenantID { producer.tenantID = tenant }
                    try producer.validate()
                    try replica.checkTaxCodeIsFree(producer)
                    if old == nil || !fields.isEmpty {
                        try replica.save(producer, by: account.name, action: old == nil ? "created" : "updated", fields: fields)
                    }
                    return producer
                }
                return Workspace.seeOther("/producers/\(producer.id.uuidString.lowercased())")
            } catch let errors as ValidationErrors {
                form.mark(errors)
            } catch let error as ReplicaError {
                form.problems.append(error.message)
            }
        }
        var history: [WorkspaceWrite] = []
        if let old { history = try await workspace.onReplica { try $0.workspaceWrites(of: Producer.databaseTableName, key: old.id) } }
        return editor(form, producer: old, history: history, context: context, status: .unprocessableContent)
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
        ["when": Workspace.vietnamTime(write.at), "iso": ISO8601DateFormatter().string(from: write.at), "user": write.user,
         "action": words["action_\(write.action)"] ?? write.action, "fields": write.fields.joined(separator: ", ")]
    }
}
