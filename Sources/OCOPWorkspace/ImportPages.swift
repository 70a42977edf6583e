import Foundation
import Hummingbird
import OCOPModel
import OCOPReplica

/// CSV import of producers, products or lots: upload, a preview of what would be added or every
/// problem row by row (line, column, reason), then one click imports all of it or nothing.
///
/// The file is read by `CSVImport`, as `ocop import` reads it, and read again when the officer
/// confirms, against the replica as it is then (another officer may have added a tax code in
/// between).
struct ImportPages {
    let workspace: Workspace
    let pending = PendingImports()

    /// What can be imported, with the columns of its file.
    enum Kind: String, CaseIterable, Sendable {
        case producers, products, lots
        var columns: [String] {
            switch self {
            case .producers: CSVImport.producerColumns
            case .products: CSVImport.productColumns
            case .lots: CSVImport.lotColumns
            }
        }
    }

    /// Rows shown in a preview; the count says how many there are in all.
    static let previewRows = 50

    func register(on router: Router<WorkspaceContext>) {
        router.get("/import") { _, context in
            guard context.account?.role.canWrite == true else { return workspace.forbidden(context) }
            return page(context: context)
        }
        router.get("/import/template/:file") { _, context in
            guard let file = context.parameters.get("file"), file.hasSuffix(".csv"),
                  let kind = Kind(rawValue: String(file.dropLast(4))) else { return workspace.notFound(context) }
            return ListPage.csv(CSVExport.template(columns: kind.columns), name: "\(kind.rawValue).csv")
        }
        router.post("/import") { _, context in try await preview(context: context) }
        router.post("/import/confirm") { _, context in try await confirm(context: context) }
    }

    private func page(context: WorkspaceContext, status: HTTPResponse.Status = .ok, extra: [String: Any] = [:], notice: String? = nil) -> Response {
        let words = workspace.strings.words(context.language)
        let chosen = extra["kind"] as? String
        var object: [String: Any] = [
            "kinds": Kind.allCases.map { kind -> [String: Any] in
                ["value": kind.rawValue, "label": words[kind.rawValue] ?? kind.rawValue, "columns": kind.columns.joined(separator: ", "),
                 "template": "/import/template/\(kind.rawValue).csv", "selected": kind.rawValue == chosen]
            },
            "maximumMB": FormData.maximumUploadBytes >> 20,
        ]
        object.merge(extra) { $1 }
        return workspace.page("import", title: words["importCSV"] ?? "", nav: "import", object: object, context: context, status: status,
                              notice: notice)
    }

    /// Reads the file with what the replica holds now: the records it would add, or every problem.
    private func read(_ bytes: [UInt8], kind: Kind, tenantID: UUID) async throws -> Result<[any SyncedRecord], CSVImportFailure> {
        let data = Data(bytes)
        return try await workspace.onReplica { replica in
            let importer = CSVImport(tenantID: tenantID)
            let producers = try replica.fetchAll(Producer.self).filter { $0.tenantID == tenantID }
            do {
                switch kind {
                case .producers:
                    return .success(try importer.producers(from: data, existing: producers))
                case .products:
                    let areas = try replica.fetchAll(MaterialArea.self).filter { $0.tenantID == tenantID }
                    let existing = try replica.fetchAll(Product.self).filter { $0.tenantID == tenantID }
                    return .success(try importer.products(from: data, producers: producers, materialAreas: areas, existing: existing))
                case .lots:
                    let products = try replica.fetchAll(Product.self).filter { $0.tenantID == tenantID }
                    let areas = try replica.fetchAll(MaterialArea.self).filter { $0.tenantID == tenantID }
                    return .success(try importer.lots(from: data, products: products, materialAreas: areas,
                                                      growingAreaCodes: try replica.fetchAll(GrowingAreaCode.self),
                                                      existing: try replica.fetchAll(Batch.self), today: LocalDate(Date())))
                }
            } catch let failure as CSVImportFailure {
                return .failure(failure)
            }
        }
    }

    private func preview(context: WorkspaceContext) async throws -> Response {
        guard let account = context.account, account.role.canWrite else { return workspace.forbidden(context) }
        let words = workspace.strings.words(context.language)
        guard let tenantID = workspace.replica.tenantID else { return workspace.forbidden(context) }
        guard let kind = context.form["kind"].flatMap(Kind.init(rawValue:)) else {
            return page(context: context, status: .unprocessableContent, extra: ["problem": words["importChooseKind"] ?? ""])
        }
        guard let file = context.form.files["file"], !file.bytes.isEmpty else {
            return page(context: context, status: .unprocessableContent, extra: ["problem": words["importChooseFile"] ?? "", "kind": kind.rawValue])
        }
        let name = file.filename.isEmpty ? "\(kind.rawValue).csv" : file.filename
        switch try await read(file.bytes, kind: kind, tenantID: tenantID) {
        case .failure(let failure):
            let lines = Set(failure.errors.map(\.line)).count
            return page(context: context, status: .unprocessableContent, extra: [
                "file": name, "kind": kind.rawValue,
                "errorSummary": workspace.strings.text("importErrors", context.language,
                                                       ["file": name, "count": "\(failure.errors.count)", "lines": "\(lines)"]),
                "errors": failure.errors.map { error -> [String: Any] in
                    ["line": error.line, "column": error.column ?? "", "reason": error.reason]
                },
            ])
        case .success(let records):
            let token = await pending.keep(PendingImports.Upload(user: account.name, kind: kind, filename: name, bytes: file.bytes))
            return page(context: context, extra: [
                "file": name, "kind": kind.rawValue, "token": token, "count": records.count,
                "previewSummary": workspace.strings.text("importPreview", context.language,
                                                         ["file": name, "count": "\(records.count)", "what": words["noun_\(kind.rawValue)"] ?? ""]),
                "previewColumns": Self.previewColumns(kind, words),
                "previewRows": records.prefix(Self.previewRows).map { ["cells": Self.previewCells($0)] },
                "more": records.count > Self.previewRows
                    ? workspace.strings.text("importMore", context.language, ["count": "\(records.count - Self.previewRows)"]) : "",
            ])
        }
    }

    private func confirm(context: WorkspaceContext) async throws -> Response {
        guard let account = context.account, account.role.canWrite else { return workspace.forbidden(context) }
        guard let tenantID = workspace.replica.tenantID else { return workspace.forbidden(context) }
        let words = workspace.strings.words(context.language)
        guard let token = context.form["token"], let upload = await pending.take(token, user: account.name) else {
            return page(context: context, status: .unprocessableContent, extra: ["problem": words["importExpired"] ?? ""])
        }
        switch try await read(upload.bytes, kind: upload.kind, tenantID: tenantID) {
        case .failure(let failure):
            // The replica changed since the preview (another officer's records): say what now fails.
            return page(context: context, status: .unprocessableContent, extra: [
                "file": upload.filename, "kind": upload.kind.rawValue,
                "errorSummary": workspace.strings.text("importErrors", context.language,
                                                       ["file": upload.filename, "count": "\(failure.errors.count)",
                                                        "lines": "\(Set(failure.errors.map(\.line)).count)"]),
                "errors": failure.errors.map { ["line": $0.line, "column": $0.column ?? "", "reason": $0.reason] as [String: Any] },
            ])
        case .success(let records):
            do {
                try await workspace.onReplica { try $0.saveTogether(records, audit: (account.name, "imported")) }
            } catch let errors as ValidationErrors {
                return page(context: context, status: .unprocessableContent, extra: ["problem": errors.description])
            } catch let error as ReplicaError {
                return page(context: context, status: .unprocessableContent, extra: ["problem": error.message])
            }
            let notice = workspace.strings.text("imported", context.language,
                                                ["count": "\(records.count)", "what": words["noun_\(upload.kind.rawValue)"] ?? "", "file": upload.filename])
            return page(context: context, extra: ["done": "/\(upload.kind.rawValue)"], notice: notice)
        }
    }

    private static func previewColumns(_ kind: Kind, _ words: [String: String]) -> [String] {
        switch kind {
        case .producers: [words["name"], words["type"], words["taxCode"], words["commune"]].map { $0 ?? "" }
        case .products: [words["nameVi"], words["classification"], words["gtin"], words["status"]].map { $0 ?? "" }
        case .lots: [words["lotCode"], words["producedOn"], words["quantity"], words["unit"]].map { $0 ?? "" }
        }
    }

    private static func previewCells(_ record: any SyncedRecord) -> [String] {
        if let producer = record as? Producer { return [producer.name, producer.type.rawValue, producer.taxCode ?? "", producer.commune ?? ""] }
        if let product = record as? Product { return [product.nameVi, product.classificationCode, product.gtin ?? "", product.status.rawValue] }
        if let lot = record as? Batch { return [lot.lotCode, "\(lot.producedOn)", lot.quantity.map { CriteriaSet.format($0) } ?? "", lot.unit ?? ""] }
        return []
    }
}

/// Files previewed and waiting for the officer's confirmation, each under a random token bound
/// to the officer who sent it; kept 30 minutes, at most 20 at once (the oldest goes first).
actor PendingImports {
    struct Upload: Sendable {
        var user: String
        var kind: ImportPages.Kind
        var filename: String
        var bytes: [UInt8]
        var at = Date()
    }

    private var uploads: [String: Upload] = [:]
    static let lifetime: TimeInterval = 30 * 60
    static let capacity = 20

    func keep(_ upload: Upload) -> String {
        let now = Date()
        uploads = uploads.filter { now.timeIntervalSince($0.value.at) < Self.lifetime }
        while uploads.count >= Self.capacity, let oldest = uploads.min(by: { $0.value.at < $1.value.at })?.key { uploads[oldest] = nil }
        let token = WorkspaceGate.newToken()
        uploads[token] = upload
        return token
    }

    /// The upload under `token` if `user` sent it and it has not expired; it is taken (one import).
    func take(_ token: String, user: String) -> Upload? {
        guard let upload = uploads[token], upload.user == user, Date().timeIntervalSince(upload.at) < Self.lifetime else { return nil }
        uploads[token] = nil
        return upload
    }
}
