import Foundation
import Hummingbird
import OCOPModel
import OCOPReplica

/// Lots (lô hàng) of the province's products, each with its value-chain events (EPCIS object
/// events: harvesting, processing, packing, inspecting, shipping…) recorded from its page.
/// Events are evidence: appended, never edited.
struct LotKind: RecordKind {
    typealias Record = Batch
    let path = "/lots"
    let listKey = "lots"
    let newKey = "newLot"

    func columns(_ words: [String: String]) -> [String] {
        [words["lotCode"], words["product"], words["producedOn"], words["quantity"], words["materialArea"]].map { $0 ?? "" }
    }

    func listing(_ replica: Replica, words: [String: String], language: WorkspaceLanguage) throws -> [ListedRecord] {
        let products = Dictionary(uniqueKeysWithValues: try replica.fetchAll(Product.self).map { ($0.id, $0.nameVi) })
        let areas = Dictionary(uniqueKeysWithValues: try replica.fetchAll(MaterialArea.self).map { ($0.id, $0.name) })
        return try replica.fetchAll(Batch.self).map { lot in
            ListedRecord(
                id: lot.id, sortName: lot.lotCode,
                searched: [lot.lotCode, products[lot.productID], lot.materialAreaID.flatMap { areas[$0] }],
                cells: [
                    .init(text: lot.lotCode, link: "\(path)/\(lot.id.uuidString.lowercased())"),
                    .init(text: products[lot.productID] ?? "", link: "/products/\(lot.productID.uuidString.lowercased())"),
                    .init(text: Workspace.day(lot.producedOn, language)),
                    .init(text: lot.quantity.map { "\(CriteriaSet.format($0)) \(lot.unit ?? "")" } ?? ""),
                    .init(text: lot.materialAreaID.flatMap { areas[$0] } ?? ""),
                ])
        }
    }

    func csv(_ replica: Replica, ids: [UUID]) throws -> String {
        let byID = Dictionary(uniqueKeysWithValues: try replica.fetchAll(Batch.self).map { ($0.id, $0) })
        let products = Dictionary(uniqueKeysWithValues: try replica.fetchAll(Product.self).map { ($0.id, $0) })
        let areas = Dictionary(uniqueKeysWithValues: try replica.fetchAll(MaterialArea.self).map { ($0.id, $0) })
        return CSVWriter.document(header: ["lot_code", "product", "gtin", "produced_on", "quantity", "unit", "growing_area_code"],
                                  rows: ids.compactMap { byID[$0] }.map { lot in
                                      [lot.lotCode, products[lot.productID]?.nameVi ?? "", products[lot.productID]?.gtin ?? "", "\(lot.producedOn)",
                                       lot.quantity.map { CriteriaSet.format($0) } ?? "", lot.unit ?? "",
                                       lot.materialAreaID.flatMap { areas[$0]?.growingAreaCode } ?? ""]
                                  })
    }

    func form(_ lot: Batch?, replica: Replica, strings: WorkspaceStrings, language: WorkspaceLanguage, query: FormData) throws -> RecordForm {
        let text = { (key: String) in strings.text(key, language) }
        let products = VietnameseCollation.sorted(try replica.fetchAll(Product.self), by: \.nameVi)
        let areas = VietnameseCollation.sorted(try replica.fetchAll(MaterialArea.self), by: \.name)
        return RecordForm(groups: [
            .init(legend: text("general"), fields: [
                FormField(id: "lot_code", label: text("lotCode"), value: lot?.lotCode ?? "", required: true, maximumLength: 40),
                // A lot stays with its product: chosen once, when it is recorded.
                FormField(id: "product_id", label: text("product"), value: lot?.productID.uuidString.lowercased() ?? query["product"] ?? "",
                          kind: .select, required: true, readonly: lot != nil,
                          options: [("", "—")] + products.map { ($0.id.uuidString.lowercased(), $0.nameVi) }),
                FormField(id: "produced_on", label: text("producedOn"), value: lot.map { "\($0.producedOn)" } ?? "\(LocalDate(Date()))",
                          type: "date", required: true, maximumLength: 10),
                FormField(id: "quantity", label: text("quantity"), value: lot?.quantity.map { CriteriaSet.format($0) } ?? "", maximumLength: 20),
                FormField(id: "unit", label: text("unit"), value: lot?.unit ?? "", maximumLength: 20),
                FormField(id: "material_area_id", label: text("materialArea"), value: lot?.materialAreaID?.uuidString.lowercased() ?? "",
                          kind: .select, options: [("", "—")] + areas.map { ($0.id.uuidString.lowercased(), "\($0.name)\($0.growingAreaCode.map { " · \($0)" } ?? "")") }),
            ]),
        ])
    }

    func record(from values: FormData, old: Batch?, replica: Replica) throws -> Batch {
        let table = Batch.schema.name
        guard let productID = old?.productID ?? values["product_id"].flatMap(UUID.init(uuidString:)),
              let product = try replica.fetch(Product.self, id: productID) else {
            throw ValidationErrors([ValidationError(record: table, field: "product_id", reason: "is not a product of this replica")])
        }
        let area = try values["material_area_id"].flatMap(UUID.init(uuidString:)).flatMap { try replica.fetch(MaterialArea.self, id: $0) }
        guard let day = try? LocalDate(parsing: values.text("produced_on") ?? "") else {
            throw ValidationErrors([ValidationError(record: table, field: "produced_on", reason: "\"\(values["produced_on"] ?? "")\" is not a day (YYYY-MM-DD)")])
        }
        let lot = Batch(id: old?.id ?? UUIDv7.generate(), tenantID: product.tenantID, productID: product.id, materialAreaID: area?.id,
                        lotCode: values.text("lot_code") ?? "", producedOn: day,
                        quantity: try typedNumber(values["quantity"], field: "quantity", record: table), unit: values.text("unit"))
        try replica.checkLot(lot, product: product, area: area)
        return lot
    }

    func heading(_ lot: Batch) -> String { lot.lotCode }

    func sections(_ lot: Batch, replica: Replica, words: [String: String], language: WorkspaceLanguage) throws -> [RecordSection] {
        let events = try replica.fetchAll(LotEvent.self).filter { $0.lotID == lot.id }.sorted { ($0.eventDate ?? .distantPast) < ($1.eventDate ?? .distantPast) }
        return [RecordSection(
            id: "events", title: words["lotEvents"] ?? "",
            columns: [words["eventTime"], words["bizStep"], words["readPoint"], words["quantity"], words["recordedBy"]].map { $0 ?? "" },
            rows: events.map { event in
                [event.eventDate.map { Workspace.vietnamTime($0) } ?? event.eventTime, words["step_\(event.bizStep)"] ?? event.bizStep,
                 event.readPoint ?? "", event.quantity.map { "\(CriteriaSet.format($0)) \(event.unit ?? "")" } ?? "", event.recordedBy]
            },
            empty: words["noEvents"] ?? "",
            link: ("/lots/\(lot.id.uuidString.lowercased())/events/new", words["newLotEvent"] ?? ""))]
    }
}

/// Recording a value-chain event for a lot: `GET|POST /lots/ID/events/new`, a form like every
/// other (what was typed is kept, problems beside their fields).
struct LotEventPages {
    let workspace: Workspace

    func register(on router: Router<WorkspaceContext>) {
        router.get("/lots/:id/events/new") { _, context in
            guard context.account?.role.canWrite == true else { return workspace.forbidden(context) }
            guard let lot = try await lot(context) else { return workspace.notFound(context) }
            return editor(form(context), lot: lot, context: context)
        }
        router.post("/lots/:id/events/new") { _, context in
            guard let account = context.account, account.role.canWrite else { return workspace.forbidden(context) }
            guard let lot = try await lot(context) else { return workspace.notFound(context) }
            var form = form(context)
            form.fill(from: context.form)
            form.checkInput { workspace.strings.text($0, context.language) }
            let values = context.form
            if !form.isInvalid {
                do {
                    let step = values.text("biz_step") ?? ""
                    // A datetime-local input sends the officer's wall clock, which is Vietnam time.
                    let local = values.text("event_time") ?? ""
                    let time = local.count == 16 ? local + ":00+07:00" : local
                    let event = LotEvent(tenantID: lot.tenantID, lotID: lot.id, eventType: .object, bizStep: step,
                                         action: LotEvent.objectAction(for: step), eventTime: time, readPoint: values.text("read_point"),
                                         quantity: try typedNumber(values["quantity"], field: "quantity", record: LotEvent.schema.name),
                                         unit: values.text("unit"), measurements: "{}", recordedBy: account.displayName)
                    let problems = event.validationErrors(reference: .standard, recordedAt: Date())
                    if !problems.isEmpty { throw ValidationErrors(problems) }
                    try await workspace.onReplica { try $0.save(event, by: account.name, action: "created") }
                    return Workspace.seeOther("/lots/\(lot.id.uuidString.lowercased())#events")
                } catch let errors as ValidationErrors {
                    form.mark(errors)
                } catch let error as ReplicaError {
                    form.problems.append(error.message)
                }
            }
            return editor(form, lot: lot, context: context, status: .unprocessableContent)
        }
    }

    private func lot(_ context: WorkspaceContext) async throws -> Batch? {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { return nil }
        return try await workspace.onReplica { try $0.fetch(Batch.self, id: id) }
    }

    private func form(_ context: WorkspaceContext) -> RecordForm {
        let text = { (key: String) in workspace.strings.text(key, context.language) }
        let words = workspace.strings.words(context.language)
        let now = Workspace.vietnamTime(Date())
        // "dd/MM/yyyy HH:mm" back to what a datetime-local input holds: "yyyy-MM-ddTHH:mm".
        let parts = now.split(whereSeparator: { "/ :".contains($0) }).map(String.init)
        let value = parts.count == 5 ? "\(parts[2])-\(parts[1])-\(parts[0])T\(parts[3]):\(parts[4])" : ""
        return RecordForm(groups: [
            .init(legend: text("newLotEvent"), fields: [
                FormField(id: "biz_step", label: text("bizStep"), value: "inspecting", kind: .select, required: true,
                          options: LotEvent.businessSteps.sorted().map { step in (step, words["step_\(step)"].map { "\($0) (\(step))" } ?? step) }),
                FormField(id: "event_time", label: text("eventTime"), value: value, type: "datetime-local", required: true, maximumLength: 40),
                FormField(id: "read_point", label: text("readPoint"), maximumLength: 200),
                FormField(id: "quantity", label: text("quantity"), maximumLength: 20),
                FormField(id: "unit", label: text("unit"), maximumLength: 20),
            ]),
        ])
    }

    private func editor(_ form: RecordForm, lot: Batch, context: WorkspaceContext, status: HTTPResponse.Status = .ok) -> Response {
        let heading = "\(workspace.strings.text("newLotEvent", context.language)) · \(lot.lotCode)"
        let path = "/lots/\(lot.id.uuidString.lowercased())"
        return workspace.page("record-form", title: heading, nav: "lots",
                              object: ["heading": heading, "form": form.object, "action": path + "/events/new", "back": path],
                              context: context, status: status)
    }
}
