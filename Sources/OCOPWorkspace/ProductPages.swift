import Foundation
import Hummingbird
import OCOPModel
import OCOPReplica

/// Products: the list (search by name, producer or GTIN, Vietnamese order, pages, CSV), adding
/// and editing with the classification of the newest version.
struct ProductPages {
    let workspace: Workspace

    func register(on router: Router<WorkspaceContext>) {
        router.get("/products") { request, context in try await list(request, context: context, csv: false) }
        router.get("/products.csv") { request, context in try await list(request, context: context, csv: true) }
        router.get("/products/new") { request, context in
            guard context.account?.role.canWrite == true else { return workspace.forbidden(context) }
            var product: Product?
            // "Add a product" from a producer's page starts with that producer chosen.
            if let producer = request.uri.queryParameters.get("producer").flatMap(UUID.init(uuidString:)) {
                product = Product(tenantID: UUID(), producerID: producer, classificationCode: "", nameVi: "")
            }
            return editor(try await form(context, product: product), product: nil, history: [], context: context)
        }
        router.post("/products/new") { _, context in try await save(nil, context: context) }
        router.get("/products/:id") { _, context in
            guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
                  let product = try await workspace.onReplica({ try $0.fetch(Product.self, id: id) }) else { return workspace.notFound(context) }
            let (history, refusal) = try await workspace.onReplica { replica in
                (try replica.workspaceWrites(of: Product.databaseTableName, key: id),
                 try replica.parkedRejections().first { $0.table == Product.databaseTableName && SyncPages.text($0.key) == id.uuidString.lowercased() }?.reason)
            }
            return editor(try await form(context, product: product), product: product, history: history, refusal: refusal, context: context)
        }
        router.post("/products/:id") { _, context in
            guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
                  let product = try await workspace.onReplica({ try $0.fetch(Product.self, id: id) }) else { return workspace.notFound(context) }
            return try await save(product, context: context)
        }
    }

    private func list(_ request: Request, context: WorkspaceContext, csv: Bool) async throws -> Response {
        let listing = ListPage(request)
        let (products, producers, areas) = try await workspace.onReplica { replica in
            (try replica.fetchAll(Product.self), try replica.fetchAll(Producer.self), csv ? try replica.fetchAll(MaterialArea.self) : [])
        }
        let producerNames = Dictionary(uniqueKeysWithValues: producers.map { ($0.id, $0.name) })
        let found = VietnameseCollation.sorted(
            products.filter { listing.matches([$0.nameVi, $0.nameEn, producerNames[$0.producerID], $0.gtin, $0.classificationCode]) },
            by: \.nameVi)
        if csv { return ListPage.csv(CSVExport.products(found, producers: producers, materialAreas: areas), name: "products.csv") }
        let words = workspace.strings.words(context.language)
        let (shown, paging) = listing.slice(found, path: "/products", words: workspace.strings, language: context.language)
        var object = paging
        object["heading"] = words["products"]
        object["newLabel"] = words["newProduct"]
        object["columns"] = [words["nameVi"], words["producer"], words["classification"], words["gtin"], words["status"]].map { $0 ?? "" }
        object["rows"] = shown.map { product -> [String: Any] in
            ["cells": [
                ["text": product.nameVi, "link": "/products/\(product.id.uuidString.lowercased())"],
                ["text": producerNames[product.producerID] ?? "", "link": "/producers/\(product.producerID.uuidString.lowercased())"],
                ["text": product.classificationCode], ["text": product.gtin ?? ""],
                ["text": words["status_\(product.status.rawValue)"] ?? product.status.rawValue],
            ]]
        }
        return workspace.page("list", title: words["products"] ?? "", nav: "products", object: object, context: context)
    }

    private func form(_ context: WorkspaceContext, product: Product?) async throws -> RecordForm {
        let text = { (key: String) in workspace.strings.text(key, context.language) }
        let language: Language = context.language == .vi ? .vi : .en
        let producers = VietnameseCollation.sorted(try await workspace.onReplica { try $0.fetchAll(Producer.self) }, by: \.name)
        let version = ReferenceData.standard.classifications.first { $0.id == product?.classificationVersion && product?.nameVi.isEmpty == false }
            ?? ReferenceData.standard.newestClassification
        let leaves = (version?.nodes ?? []).filter { version?.isLeaf(code: $0.code) == true }
        return RecordForm(groups: [
            .init(legend: text("general"), fields: [
                FormField(id: "name_vi", label: text("nameVi"), value: product?.nameVi ?? "", required: true, maximumLength: 200),
                FormField(id: "name_en", label: text("nameEn"), value: product?.nameEn ?? "", maximumLength: 200),
                FormField(id: "producer_id", label: text("producer"), value: product?.producerID.uuidString.lowercased() ?? "", kind: .select,
                          required: true, options: [("", "—")] + producers.map { ($0.id.uuidString.lowercased(), $0.name) }),
                FormField(id: "classification_code", label: text("classification"), value: product?.classificationCode ?? "", kind: .select,
                          required: true,
                          options: [("", "—")] + leaves.map { ($0.code, "\($0.code) · \(version?.label(code: $0.code, in: language) ?? "")") }),
                FormField(id: "gtin", label: text("gtin"), value: product?.gtin ?? "", maximumLength: 14),
                FormField(id: "status", label: text("status"), value: product?.status.rawValue ?? ProductStatus.registered.rawValue,
                          kind: .select, options: ProductStatus.allCases.map { ($0.rawValue, text("status_\($0.rawValue)")) }),
                FormField(id: "description_vi", label: text("descriptionVi"), value: product?.descriptionVi ?? "", kind: .textArea,
                          maximumLength: 5_000),
                FormField(id: "description_en", label: text("descriptionEn"), value: product?.descriptionEn ?? "", kind: .textArea,
                          maximumLength: 5_000),
            ]),
        ])
    }

    private func editor(_ form: RecordForm, product: Product?, history: [WorkspaceWrite], refusal: String? = nil,
                        context: WorkspaceContext,
                        status: HTTPResponse.Status = .ok) -> Response {
        let words = workspace.strings.words(context.language)
        let heading = (product == nil ? words["newProduct"] : product?.nameVi) ?? ""
        let action = product.map { "/products/\($0.id.uuidString.lowercased())" } ?? "/products/new"
        var object: [String: Any] = ["heading": heading, "form": form.object, "action": action, "back": "/products",
                                     "history": history.map { HistoryLine($0, words: words).object }, "hasHistory": !history.isEmpty]
        if let refusal { object["refusal"] = refusal + " " + (words["refusedFix"] ?? "") }
        if let product, context.account?.role.canWrite == true {
            object["links"] = [["href": "/dossiers/new?product=\(product.id.uuidString.lowercased())", "label": words["receiveDossier"] ?? ""]]
        }
        return workspace.page("record-form", title: heading, nav: "products", object: object,
                              context: context, status: status)
    }

    private func save(_ old: Product?, context: WorkspaceContext) async throws -> Response {
        guard let account = context.account, account.role.canWrite else { return workspace.forbidden(context) }
        var form = try await form(context, product: old)
        form.fill(from: context.form)
        form.checkInput { workspace.strings.text($0, context.language) }
        let values = context.form
        if !form.isInvalid, let producerID = values["producer_id"].flatMap(UUID.init(uuidString:)) {
            let classificationVersion = old?.classificationVersion ?? ReferenceData.standard.newestClassification?.id ?? ""
            var product = old ?? Product(tenantID: UUID(), producerID: producerID, classificationCode: "", nameVi: "")
            product.producerID = producerID
            product.nameVi = values.text("name_vi") ?? ""
            product.nameEn = values.text("name_en")
            product.classificationCode = values.text("classification_code") ?? ""
            product.classificationVersion = classificationVersion
            product.gtin = values.text("gtin")
            product.status = ProductStatus(rawValue: values["status"] ?? "") ?? .registered
            product.descriptionVi = values.text("description_vi")
            product.descriptionEn = values.text("description_en")
            do {
                let fields = old.map { changedColumns($0, product) } ?? []
                let candidate = product
                let saved = try await workspace.onReplica { replica in
                    var product = candidate
                    // The product belongs to its producer's province.
                    if let producer = try replica.fetch(Producer.self, id: producerID) { product.tenantID = producer.tenantID }
                    try product.validate()
                    try replica.checkGTINIsFree(product)
                    try replica.checkNameIsFree(product)
                    if old == nil || !fields.isEmpty {
                        try replica.save(product, by: account.name, action: old == nil ? "created" : "updated", fields: fields)
                    }
                    return product
                }
                return Workspace.seeOther("/products/\(saved.id.uuidString.lowercased())")
            } catch let errors as ValidationErrors {
                form.mark(errors)
            } catch let error as ReplicaError {
                form.problems.append(error.message)
            }
        }
        var history: [WorkspaceWrite] = []
        if let old { history = try await workspace.onReplica { try $0.workspaceWrites(of: Product.databaseTableName, key: old.id) } }
        return editor(form, product: old, history: history, context: context, status: .unprocessableContent)
    }
}
