import Foundation
import Hummingbird
import OCOPModel
import OCOPReplica

/// One kind of record the workspace lists and edits (producers, products, material areas,
/// lots): what its list shows, its form's fields, and how posted values become a record the
/// replica accepts. ``RecordPages`` does the rest the same way for every kind: search, paging,
/// CSV, the form that keeps what was typed, refusals beside their fields, the row's history
/// with who wrote it, and a refusal from the server shown on the record it concerns.
protocol RecordKind: Sendable {
    associatedtype Record: SyncedRecord & Sendable

    /// The list's path, e.g. `/producers`; a record is at `path/ID`, a new one at `path/new`.
    var path: String { get }
    /// Words (strings.json keys) for the list's heading and its "add" button.
    var listKey: String { get }
    var newKey: String { get }

    /// The rows of the list, each with the texts a search looks in and the cells it shows.
    func listing(_ replica: Replica, words: [String: String], language: WorkspaceLanguage) throws -> [ListedRecord]
    /// The list's column headings.
    func columns(_ words: [String: String]) -> [String]
    /// The CSV download of the listed records (in list order).
    func csv(_ replica: Replica, ids: [UUID]) throws -> String
    /// The record's form; `query` is the new-record page's query (a product chosen in advance).
    func form(_ record: Record?, replica: Replica, strings: WorkspaceStrings, language: WorkspaceLanguage, query: FormData) throws -> RecordForm
    /// The record the posted values describe (`old` edited, or a new one), checked as every
    /// writer checks it: throws the model's ``ValidationErrors`` or a ``ReplicaError``.
    func record(from values: FormData, old: Record?, replica: Replica) throws -> Record
    /// The record's page heading.
    func heading(_ record: Record) -> String
    /// Buttons under the form of a saved record (the product's "receive a dossier").
    func links(_ record: Record, words: [String: String]) -> [(href: String, label: String)]
    /// Tables under the form of a saved record (a lot's events, a product's lots).
    func sections(_ record: Record, replica: Replica, words: [String: String], language: WorkspaceLanguage) throws -> [RecordSection]
}

extension RecordKind {
    func links(_ record: Record, words: [String: String]) -> [(href: String, label: String)] { [] }
    func sections(_ record: Record, replica: Replica, words: [String: String], language: WorkspaceLanguage) throws -> [RecordSection] { [] }
}

/// A table shown under a record's form, with an optional button (for writers) to add to it.
struct RecordSection: Sendable {
    var id: String
    var title: String
    var columns: [String]
    var rows: [[String]]
    var empty: String
    var link: (href: String, label: String)?

    func object(canWrite: Bool) -> [String: Any] {
        var object: [String: Any] = ["id": id, "title": title, "columns": columns, "rows": rows.map { ["cells": $0] },
                                     "hasRows": !rows.isEmpty, "empty": empty]
        if canWrite, let link { object["link"] = ["href": link.href, "label": link.label] }
        return object
    }
}

/// A record as its list shows it.
struct ListedRecord: Sendable {
    struct Cell: Sendable {
        var text: String
        var link: String?
    }
    var id: UUID
    /// What the list is sorted by, in Vietnamese order.
    var sortName: String
    /// The texts a search looks in (without regard to tone marks or case).
    var searched: [String?]
    var cells: [Cell]
}

/// The list, the new-record form and each record's form for one ``RecordKind``.
struct RecordPages<Kind: RecordKind> {
    let workspace: Workspace
    let kind: Kind

    func register(on router: Router<WorkspaceContext>) {
        router.get("\(kind.path)") { request, context in try await list(request, context: context, csv: false) }
        router.get("\(kind.path).csv") { request, context in try await list(request, context: context, csv: true) }
        router.get("\(kind.path)/new") { request, context in
            guard context.account?.role.canWrite == true else { return workspace.forbidden(context) }
            let query = FormData(parsing: request.uri.query ?? "")
            let form = try await workspace.onReplica { [kind, strings = workspace.strings, language = context.language] replica in
                try kind.form(nil, replica: replica, strings: strings, language: language, query: query)
            }
            return editor(form, record: nil, history: [], context: context)
        }
        router.post("\(kind.path)/new") { _, context in try await save(nil, context: context) }
        router.get("\(kind.path)/:id") { _, context in
            guard let record = try await record(context) else { return workspace.notFound(context) }
            let words = workspace.strings.words(context.language)
            let (form, history, refusal, sections) = try await workspace.onReplica { [kind, strings = workspace.strings, language = context.language] replica in
                (try kind.form(record, replica: replica, strings: strings, language: language, query: FormData()),
                 try replica.workspaceWrites(of: Kind.Record.databaseTableName, key: record.id),
                 try replica.parkedRejections().first { $0.table == Kind.Record.databaseTableName && $0.key.displayText == record.id.uuidString.lowercased() }?.reason,
                 try kind.sections(record, replica: replica, words: words, language: language))
            }
            return editor(form, record: record, history: history, refusal: refusal, sections: sections, context: context)
        }
        router.post("\(kind.path)/:id") { _, context in
            guard let record = try await record(context) else { return workspace.notFound(context) }
            return try await save(record, context: context)
        }
    }

    /// The layout's menu entry: the path without its slash and dashes (`materialareas`).
    private var nav: String { kind.path.dropFirst().replacingOccurrences(of: "-", with: "") }

    private func record(_ context: WorkspaceContext) async throws -> Kind.Record? {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { return nil }
        return try await workspace.onReplica { try $0.fetch(Kind.Record.self, id: id) }
    }

    private func list(_ request: Request, context: WorkspaceContext, csv: Bool) async throws -> Response {
        let listing = ListPage(request)
        let words = workspace.strings.words(context.language)
        let rows = try await workspace.onReplica { [kind, language = context.language] replica in
            try kind.listing(replica, words: words, language: language)
        }
        let found = VietnameseCollation.sorted(rows.filter { listing.matches($0.searched) }, by: \.sortName)
        if csv {
            let ids = found.map(\.id)
            let text = try await workspace.onReplica { [kind] replica in try kind.csv(replica, ids: ids) }
            return ListPage.csv(text, name: "\(kind.path.dropFirst()).csv")
        }
        return listing.render(found, path: kind.path, heading: words[kind.listKey] ?? "", newLabel: words[kind.newKey] ?? "",
                              columns: kind.columns(words), nav: nav, workspace: workspace, context: context)
    }

    private func editor(_ form: RecordForm, record: Kind.Record?, history: [WorkspaceWrite], refusal: String? = nil,
                        sections: [RecordSection] = [], context: WorkspaceContext, status: HTTPResponse.Status = .ok) -> Response {
        let words = workspace.strings.words(context.language)
        let heading = record.map(kind.heading) ?? words[kind.newKey] ?? ""
        let action = record.map { "\(kind.path)/\($0.id.uuidString.lowercased())" } ?? "\(kind.path)/new"
        var object: [String: Any] = ["heading": heading, "form": form.object, "action": action, "back": kind.path,
                                     "history": history.map { HistoryLine($0, words: words).object }, "hasHistory": !history.isEmpty]
        if let refusal { object["refusal"] = refusal + " " + (words["refusedFix"] ?? "") }
        let canWrite = context.account?.role.canWrite == true
        if let record, canWrite {
            object["links"] = kind.links(record, words: words).map { ["href": $0.href, "label": $0.label] }
        }
        object["sections"] = sections.map { $0.object(canWrite: canWrite) }
        return workspace.page("record-form", title: heading, nav: nav, object: object, context: context, status: status)
    }

    private func save(_ old: Kind.Record?, context: WorkspaceContext) async throws -> Response {
        guard let account = context.account, account.role.canWrite else { return workspace.forbidden(context) }
        let values = context.form
        var form = try await workspace.onReplica { [kind, strings = workspace.strings, language = context.language] replica in
            try kind.form(old, replica: replica, strings: strings, language: language, query: FormData())
        }
        form.fill(from: values)
        form.checkInput { workspace.strings.text($0, context.language) }
        if !form.isInvalid {
            do {
                let saved = try await workspace.onReplica { [kind] replica in
                    let record = try kind.record(from: values, old: old, replica: replica)
                    let fields = old.map { changedColumns($0, record) } ?? []
                    if old == nil || !fields.isEmpty {
                        try replica.save(record, by: account.name, action: old == nil ? "created" : "updated", fields: fields)
                    }
                    return record
                }
                return Workspace.seeOther("\(kind.path)/\(saved.id.uuidString.lowercased())")
            } catch let errors as ValidationErrors {
                form.mark(errors)
            } catch let error as ReplicaError {
                form.problems.append(error.message)
            }
        }
        var history: [WorkspaceWrite] = []
        if let old { history = try await workspace.onReplica { try $0.workspaceWrites(of: Kind.Record.databaseTableName, key: old.id) } }
        return editor(form, record: old, history: history, context: context, status: .unprocessableContent)
    }
}

/// A number as an officer types it: `1.5` or `1,5`; nil when blank.
func typedNumber(_ text: String?, field: String, record: String) throws -> Double? {
    guard let text = text?.trimmedNFCOrNil() else { return nil }
    guard let value = Double(text.replacingOccurrences(of: ",", with: ".")), value.isFinite else {
        throw ValidationErrors([ValidationError(record: record, field: field, reason: "\"\(text)\" is not a number")])
    }
    return value
}
