import Foundation
import Hummingbird
import OCOPModel
import OCOPReplica

/// Application dossiers (hồ sơ): the list, receiving a new one with its checklist, and the
/// dossier's page with the moves its stage allows (check, return, receive again, send to the
/// council, withdraw) and, before the council, the members' score sheets and the decision.
///
/// Every move is the model's (`Dossier+Transitions`), and the decision is the replica's
/// (`Replica.decide`), so a dossier moves here exactly as it does with `ocop dossier`.
struct DossierPages {
    let workspace: Workspace

    func register(on router: Router<WorkspaceContext>) {
        router.get("/dossiers") { request, context in try await list(request, context: context, csv: false) }
        router.get("/dossiers.csv") { request, context in try await list(request, context: context, csv: true) }
        router.get("/dossiers/new") { request, context in
            guard context.account?.role.canWrite == true else { return workspace.forbidden(context) }
            var form = try await receiveForm(context)
            if let product = FormData(parsing: request.uri.query ?? "")["product"] {
                form.groups[0].fields[1].value = product
            }
            return receiveEditor(form, context: context)
        }
        router.post("/dossiers/new") { _, context in try await receive(context: context) }
        router.get("/dossiers/:id") { _, context in
            guard let dossier = try await dossier(context) else { return workspace.notFound(context) }
            return try await show(dossier, context: context)
        }
        router.post("/dossiers/:id/move") { _, context in
            guard let dossier = try await dossier(context) else { return workspace.notFound(context) }
            return try await move(dossier, context: context)
        }
        router.get("/dossiers/:id/score") { request, context in
            guard let dossier = try await dossier(context) else { return workspace.notFound(context) }
            guard context.account?.role.canWrite == true else { return workspace.forbidden(context) }
            let member = FormData(parsing: request.uri.query ?? "")["member"]
            let sheets = try await workspace.onReplica { try $0.councilSheets(of: dossier) }
            let existing = member.flatMap { name in sheets.first { VietnameseCollation.matches($0.member, name) } }
            return try await scoreEditor(ScoreSheetForm(dossier: dossier, sheet: existing, today: Self.today), dossier: dossier, context: context)
        }
        router.post("/dossiers/:id/score") { _, context in
            guard let dossier = try await dossier(context) else { return workspace.notFound(context) }
            return try await score(dossier, context: context)
        }
        router.post("/dossiers/:id/decide") { _, context in
            guard let dossier = try await dossier(context) else { return workspace.notFound(context) }
            return try await decide(dossier, context: context)
        }
    }

    /// Today in Vietnam: the default day of every step, and the latest one taken.
    static var today: LocalDate { LocalDate(Date()) }

    private func dossier(_ context: WorkspaceContext) async throws -> Dossier? {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { return nil }
        return try await workspace.onReplica { try $0.fetch(Dossier.self, id: id) }
    }

    private func stageName(_ dossier: Dossier, _ words: [String: String]) -> String {
        if dossier.isProposedToCentralOffice { return words["stage_proposed"] ?? "" }
        if dossier.stage == .decided, let outcome = dossier.outcome { return words["outcome_\(outcome.rawValue)"] ?? outcome.rawValue }
        return words["stage_\(dossier.stage.rawValue)"] ?? dossier.stage.rawValue
    }

    // MARK: List

    private func list(_ request: Request, context: WorkspaceContext, csv: Bool) async throws -> Response {
        let listing = ListPage(request)
        let (dossiers, products, sheets) = try await workspace.onReplica { replica in
            (try replica.fetchAll(Dossier.self), try replica.fetchAll(Product.self), try replica.fetchAll(CouncilScoreSheet.self))
        }
        let words = workspace.strings.words(context.language)
        let productNames = Dictionary(uniqueKeysWithValues: products.map { ($0.id, $0.nameVi) })
        let sheetCounts = Dictionary(grouping: sheets, by: \.dossierID).mapValues(\.count)
        // Newest receipts first: the office works on this season's dossiers.
        let found = dossiers
            .filter { listing.matches([$0.reference, productNames[$0.productID], $0.receivedBy]) }
            .sorted { ($0.receivedOn, $0.reference) > ($1.receivedOn, $1.reference) }
        let columns = [words["reference"], words["product"], words["receivedOn"], words["stage"], words["sheets"]].map { $0 ?? "" }
        // CSV keeps ISO days for spreadsheets; the page shows them as the officer reads them.
        let cells = { (dossier: Dossier, display: Bool) -> [String] in
            [dossier.reference, productNames[dossier.productID] ?? "",
             display ? Workspace.day(dossier.receivedOn, context.language) : "\(dossier.receivedOn)", stageName(dossier, words),
             "\(sheetCounts[dossier.id] ?? 0)"]
        }
        if csv { return ListPage.csv(CSVWriter.document(header: columns, rows: found.map { cells($0, false) }), name: "dossiers.csv") }
        let rows = found.map { dossier in
            var cells = cells(dossier, true).map { ListedRecord.Cell(text: $0) }
            cells[0].link = "/dossiers/\(dossier.id.uuidString.lowercased())"
            cells[1].link = "/products/\(dossier.productID.uuidString.lowercased())"
            return ListedRecord(id: dossier.id, sortName: dossier.reference, searched: [], cells: cells)
        }
        return listing.render(rows, path: "/dossiers", heading: words["dossiers"] ?? "", newLabel: words["newDossier"] ?? "", columns: columns,
                              nav: "dossiers", workspace: workspace, context: context)
    }

    // MARK: Receiving a dossier

    private func receiveForm(_ context: WorkspaceContext) async throws -> RecordForm {
        let text = { (key: String) in workspace.strings.text(key, context.language) }
        let language: Language = context.language == .vi ? .vi : .en
        let products = VietnameseCollation.sorted(try await workspace.onReplica { try $0.fetchAll(Product.self) }, by: \.nameVi)
        let reference = ReferenceData.standard
        let rules = reference.criteriaSet(on: Self.today)?.id ?? reference.criteriaSets.last?.id ?? ""
        let checklist = reference.dossierChecklist(rules: rules)
        return RecordForm(groups: [
            .init(legend: text("general"), fields: [
                FormField(id: "reference", label: text("reference"), required: true, maximumLength: 50),
                FormField(id: "product_id", label: text("product"), kind: .select, required: true,
                          options: [("", "—")] + products.map { ($0.id.uuidString.lowercased(), $0.nameVi) }),
                FormField(id: "received_by", label: text("receivedBy"), required: true, maximumLength: 200),
                FormField(id: "received_on", label: text("receivedOn"), value: "\(Self.today)", type: "date", required: true, maximumLength: 10),
                FormField(id: "rules", label: text("rules"), value: rules, kind: .select,
                          options: reference.criteriaSets.map { ($0.id, "\($0.id) · \($0.decision)") }),
            ]),
            .init(legend: text("documentsPresent"), note: text("documentsPresentNote"),
                  fields: (checklist?.documents ?? []).map { document in
                      FormField(id: "doc_\(document.code)", label: document.name.text(in: language) + (document.isRequired ? " *" : ""),
                                kind: .checkbox)
                  }),
        ])
    }

    private func receiveEditor(_ form: RecordForm, context: WorkspaceContext, status: HTTPResponse.Status = .ok) -> Response {
        let heading = workspace.strings.text("newDossier", context.language)
        return workspace.page("record-form", title: heading, nav: "dossiers",
                              object: ["heading": heading, "form": form.object, "action": "/dossiers/new", "back": "/dossiers"],
                              context: context, status: status)
    }

    private func receive(context: WorkspaceContext) async throws -> Response {
        guard let account = context.account, account.role.canWrite else { return workspace.forbidden(context) }
        var form = try await receiveForm(context)
        form.fill(from: context.form)
        form.checkInput { workspace.strings.text($0, context.language) }
        let values = context.form
        let day = form.date("received_on", latest: Self.today) { workspace.strings.text($0, context.language) }
        guard !form.isInvalid, let day, let productID = values["product_id"].flatMap(UUID.init(uuidString:)) else {
            return receiveEditor(form, context: context, status: .unprocessableContent)
        }
        let present = Set(form.fields.filter { $0.kind == .checkbox && $0.value == "on" }.map { String($0.id.dropFirst(4)) })
        do {
            let dossier = try await workspace.onReplica { replica -> Dossier in
                guard let product = try replica.fetch(Product.self, id: productID) else {
                    throw ValidationErrors([ValidationError(record: Dossier.schema.name, field: "product_id", reason: "is not a product of this replica")])
                }
                let reference = values.text("reference") ?? ""
                if try replica.fetchAll(Dossier.self).contains(where: { $0.reference.lowercased() == reference.lowercased() }) {
                    throw ValidationErrors([ValidationError(record: Dossier.schema.name, field: "reference",
                                                            reason: "\(reference) is the reference of another dossier")])
                }
                let dossier = try Dossier.received(tenantID: product.tenantID, productID: product.id, producerID: product.producerID,
                                                   reference: reference, on: day, by: values.text("received_by") ?? "",
                                                   rules: values["rules"] ?? "", present: present)
                try replica.save(dossier, by: account.name, action: "received")
                return dossier
            }
            return Workspace.seeOther("/dossiers/\(dossier.id.uuidString.lowercased())")
        } catch let errors as ValidationErrors {
            form.mark(errors)
        } catch let error as ReplicaError {
            form.problems.append(error.message)
        }
        return receiveEditor(form, context: context, status: .unprocessableContent)
    }

    // MARK: The dossier's page

    private func show(_ dossier: Dossier, context: WorkspaceContext, status: HTTPResponse.Status = .ok, problems: [String] = [],
                      notice: String? = nil, decideForm: [String: String] = [:]) async throws -> Response {
        let words = workspace.strings.words(context.language)
        let language: Language = context.language == .vi ? .vi : .en
        let (product, sheets, certificate, history) = try await workspace.onReplica { replica in
            (try replica.fetch(Product.self, id: dossier.productID), try replica.councilSheets(of: dossier),
             try dossier.certificateID.flatMap { try replica.fetch(Certificate.self, id: $0) },
             try replica.workspaceWrites(of: Dossier.databaseTableName, key: dossier.id))
        }
        let reference = ReferenceData.standard
        let checklist = reference.dossierChecklist(rules: dossier.rules)
        let items = (try? dossier.decodedChecklist()) ?? [:]
        let canWrite = context.account?.role.canWrite == true
        let isApprover = context.account?.role == .approver
        let quorum = reference.dossierProcedure.minimumSheets
        let id = dossier.id.uuidString.lowercased()
        let stageDate = dossier.stageDate.map { Workspace.day($0, context.language) } ?? ""
        var object: [String: Any] = [
            "heading": "\(words["dossier"] ?? "") \(dossier.reference)", "id": id,
            "product": product?.nameVi ?? "", "productLink": "/products/\(dossier.productID.uuidString.lowercased())",
            "stage": stageName(dossier, words), "stageDate": stageDate, "receivedOn": Workspace.day(dossier.receivedOn, context.language), "receivedBy": dossier.receivedBy,
            "rules": dossier.rules, "reasons": dossier.reasons ?? "", "hasReasons": dossier.reasons != nil,
            "today": "\(Self.today)", "problems": problems, "hasProblems": !problems.isEmpty,
            "documents": (checklist?.documents ?? []).map { document -> [String: Any] in
                ["code": document.code, "name": document.name.text(in: language), "present": items[document.code] == true,
                 "required": document.isRequired]
            },
            "sheets": sheets.map { sheet -> [String: Any] in
                ["member": sheet.member, "scoredOn": Workspace.day(sheet.scoredOn, context.language), "total": CriteriaSet.format(sheet.total),
                 "link": "/dossiers/\(id)/score?member=\(FormData.encode(sheet.member))"]
            },
            "hasSheets": !sheets.isEmpty,
            "sheetsLine": workspace.strings.text("sheetsOfQuorum", context.language, ["count": "\(sheets.count)", "quorum": "\(quorum)"]),
            "history": history.map { HistoryLine($0, words: words).object }, "hasHistory": !history.isEmpty,
            "decideNumber": decideForm["number"] ?? "", "decideReason": decideForm["reason"] ?? "", "decideDate": decideForm["date"] ?? "\(Self.today)",
        ]
        if let certificate {
            object["certificate"] = ["number": certificate.number, "stars": String(repeating: "★", count: certificate.stars),
                                     "link": "/certificates/\(certificate.id.uuidString.lowercased())"]
        }
        let stage = dossier.stage
        object["canCheck"] = canWrite && stage == .received
        object["canReturn"] = canWrite && stage == .received
        object["canReceiveAgain"] = canWrite && stage == .returned
        object["canSend"] = canWrite && stage == .checked
        object["canScore"] = canWrite && dossier.refusal(of: .score) == nil
        object["canDecide"] = isApprover && dossier.refusal(of: .decide) == nil
        object["canWithdraw"] = canWrite && dossier.refusal(of: .withdraw) == nil && !dossier.isProposedToCentralOffice
        return workspace.page("dossier", title: object["heading"] as? String ?? "", nav: "dossiers", object: object, context: context,
                              status: status, notice: notice)
    }

    private func move(_ dossier: Dossier, context: WorkspaceContext) async throws -> Response {
        guard let account = context.account, account.role.canWrite else { return workspace.forbidden(context) }
        let values = context.form
        let text = { (key: String) in workspace.strings.text(key, context.language) }
        let step = StepForm(values, texts: [.init(id: "reason", label: "reason", maximumLength: 2_000)], today: Self.today, words: text)
        guard let day = step.day else {
            return try await show(dossier, context: context, status: .unprocessableContent, problems: step.problems)
        }
        let present = Set(values.names.filter { $0.hasPrefix("doc_") && values[$0] == "on" }.map { String($0.dropFirst(4)) })
        let reason = values.text("reason")
        let action = values["move"] ?? ""
        do {
            let moved: Dossier = switch action {
            case "check": try dossier.checked(on: day)
            case "return":
                // The return names what is missing: the documents not ticked as present.
                try dossier.returned(on: day, missing: Set(ReferenceData.standard.dossierChecklist(rules: dossier.rules)?.codes ?? []).subtracting(present),
                                     reason: reason)
            case "receive-again": try dossier.receivedAgain(on: day, present: present)
            case "send": try dossier.sentToCouncil(on: day)
            case "withdraw": try dossier.withdrawn(on: day, reason: reason)
            default: throw ValidationErrors([ValidationError(record: Dossier.schema.name, field: "stage", reason: "\"\(action)\" is not a step of a dossier")])
            }
            try await workspace.onReplica { try $0.save(moved, by: account.name, action: action) }
            return Workspace.seeOther("/dossiers/\(dossier.id.uuidString.lowercased())")
        } catch let errors as ValidationErrors {
            return try await show(dossier, context: context, status: .unprocessableContent, problems: errors.errors.map(\.reason))
        } catch let error as ReplicaError {
            return try await show(dossier, context: context, status: .unprocessableContent, problems: [error.message])
        }
    }

    // MARK: Score sheets and the decision

    private func scoreEditor(_ form: ScoreSheetForm, dossier: Dossier, context: WorkspaceContext,
                             status: HTTPResponse.Status = .ok) async throws -> Response {
        let words = workspace.strings.words(context.language)
        let product = try await workspace.onReplica { try $0.fetch(Product.self, id: dossier.productID) }
        var object = form.object(language: context.language == .vi ? .vi : .en, words: workspace.strings, in: context.language)
        object["heading"] = "\(words["scoreSheet"] ?? "") · \(dossier.reference)"
        object["product"] = product?.nameVi ?? ""
        object["action"] = "/dossiers/\(dossier.id.uuidString.lowercased())/score"
        object["back"] = "/dossiers/\(dossier.id.uuidString.lowercased())"
        return workspace.page("score-sheet", title: object["heading"] as? String ?? "", nav: "dossiers", object: object, context: context,
                              status: status)
    }

    private func score(_ dossier: Dossier, context: WorkspaceContext) async throws -> Response {
        guard let account = context.account, account.role.canWrite else { return workspace.forbidden(context) }
        var form = ScoreSheetForm(dossier: dossier, sheet: nil, today: Self.today)
        form.fill(from: context.form) { workspace.strings.text($0, context.language) }
        if !form.isInvalid, let day = form.day {
            do {
                let (points, bonus, member, replacing) = (form.points, form.bonus, form.member, form.replacing)
                _ = try await workspace.onReplica { replica in
                    let sheet = try CouncilScoreSheet.scoring(dossier, member: member, on: day, scores: points, bonus: bonus,
                                                              recorded: try replica.councilSheets(of: dossier), replacing: replacing)
                    try replica.save(sheet, by: account.name, action: replacing ? "updated" : "scored")
                    return sheet
                }
                let notice = workspace.strings.text("sheetSaved", context.language, ["member": member])
                return try await show(dossier, context: context, notice: notice)
            } catch let errors as ValidationErrors {
                form.mark(errors)
            } catch let error as ReplicaError {
                form.problems.append(error.message)
            }
        }
        return try await scoreEditor(form, dossier: dossier, context: context, status: .unprocessableContent)
    }

    private func decide(_ dossier: Dossier, context: WorkspaceContext) async throws -> Response {
        guard let account = context.account, account.role == .approver else { return workspace.forbidden(context) }
        let values = context.form
        let text = { (key: String) in workspace.strings.text(key, context.language) }
        let step = StepForm(values, texts: [.init(id: "number", label: "certificateNumber", maximumLength: 50),
                                            .init(id: "reason", label: "reason", maximumLength: 2_000)],
                            today: Self.today, words: text)
        let kept = step.kept
        guard let day = step.day else {
            return try await show(dossier, context: context, status: .unprocessableContent, problems: step.problems, decideForm: kept)
        }
        do {
            let decision = try await workspace.onReplica { replica in
                try replica.decide(dossier, on: day, number: values.text("number"), reason: values.text("reason"),
                                   decidedBy: account.displayName, audit: account.name)
            }
            let notice: String = switch decision.outcome {
            case .notCertified(let reasons, _): workspace.strings.text("decidedNotCertified", context.language, ["reasons": reasons])
            case .certified(let certificate, _), .closedByCentralOffice(let certificate):
                workspace.strings.text("decidedCertified", context.language,
                                       ["stars": "\(certificate.stars)★", "number": certificate.number, "until": Workspace.day(certificate.expiresOn, context.language)])
            case .proposed(let stars): workspace.strings.text("decidedProposed", context.language, ["stars": "\(stars)★"])
            }
            var score = ""
            if let council = decision.score {
                score = workspace.strings.text("councilScore", context.language,
                                               ["total": CriteriaSet.format(council.total), "stars": "\(council.stars)★",
                                                "count": "\(council.members.count)"]) + " "
            }
            return try await show(decision.dossier, context: context, notice: score + notice)
        } catch let errors as ValidationErrors {
            return try await show(dossier, context: context, status: .unprocessableContent, problems: errors.errors.map(\.reason), decideForm: kept)
        } catch let error as ReplicaError {
            return try await show(dossier, context: context, status: .unprocessableContent, problems: [error.message], decideForm: kept)
        }
    }
}
