import Foundation
import Hummingbird
import OCOPModel

/// A list page's search and paging: `?q=` matched without regard to tone marks or case (as
/// `ocop` looks names up), rows in Vietnamese order, 50 a page.
struct ListPage {
    static let pageSize = 50
    let query: String
    let page: Int

    init(_ request: Request) {
        // Read as a form is encoded (a search box sends spaces as '+'), not as a URI's query.
        let parameters = FormData(parsing: request.uri.query ?? "")
        query = parameters["q"].map { String($0.prefix(200)).trimmedNFC() } ?? ""
        page = max(1, parameters["page"].flatMap { Int($0) } ?? 1)
    }

    /// Whether every word of the query appears, folded, in one of `texts` ("suoi giang che"
    /// finds "Hợp tác xã Chè Shan tuyết Suối Giàng").
    func matches(_ texts: [String?]) -> Bool {
        guard !words.isEmpty else { return true }
        let haystack = texts.compactMap { text -> String? in text.map { VietnameseFolding.fold($0) } }.joined(separator: "\n")
        return words.allSatisfy { haystack.contains($0) }
    }

    /// The query's words, folded.
    private var words: [String] { VietnameseFolding.fold(query).split(whereSeparator: \.isWhitespace).map(String.init) }

    /// The page's rows and the template's paging values.
    func slice<Row>(_ rows: [Row], path: String, words: WorkspaceStrings, language: WorkspaceLanguage) -> (rows: ArraySlice<Row>, object: [String: Any]) {
        let pages = max(1, (rows.count + Self.pageSize - 1) / Self.pageSize)
        let current = min(page, pages)
        let start = (current - 1) * Self.pageSize
        let shown = rows[start..<min(rows.count, start + Self.pageSize)]
        func link(_ page: Int) -> String { path + "?" + parameters(page: page) }
        var object: [String: Any] = [
            "path": path, "query": query, "hasRows": !shown.isEmpty,
            "shown": words.text("shown", language, ["count": "\(rows.count)"]),
            "pageLabel": words.text("pageOf", language, ["page": "\(current)", "pages": "\(pages)"]),
            "csvLink": path + ".csv" + (query.isEmpty ? "" : "?" + parameters(page: nil)),
        ]
        if current > 1 { object["previous"] = link(current - 1) }
        if current < pages { object["next"] = link(current + 1) }
        return (shown, object)
    }

    private func parameters(page: Int?) -> String {
        var items: [URLQueryItem] = []
        if !query.isEmpty { items.append(URLQueryItem(name: "q", value: query)) }
        if let page { items.append(URLQueryItem(name: "page", value: "\(page)")) }
        var components = URLComponents()
        components.queryItems = items
        return components.percentEncodedQuery ?? ""
    }

    /// The page of a list: `rows` already found and in order, this request's page of them, with
    /// the search box, the paging links, the CSV link and (for writers) the "add" button
    /// when `newLabel` is given.
    func render(_ rows: [ListedRecord], path: String, heading: String, newLabel: String?, columns: [String], nav: String,
                workspace: Workspace, context: WorkspaceContext) -> Response {
        let (shown, paging) = slice(rows, path: path, words: workspace.strings, language: context.language)
        var object = paging
        object["heading"] = heading
        object["columns"] = columns
        if let newLabel { object["newLabel"] = newLabel } else { object["noNew"] = true }
        object["rows"] = shown.map { row -> [String: Any] in
            ["cells": row.cells.map { cell -> [String: Any] in
                var object: [String: Any] = ["text": cell.text]
                if let link = cell.link { object["link"] = link }
                return object
            }]
        }
        return workspace.page("list", title: heading, nav: nav, object: object, context: context)
    }

    /// A CSV download: UTF-8 with a byte-order mark, as spreadsheets in Vietnam expect.
    static func csv(_ text: String, name: String) -> Response {
        let body = text.hasPrefix("\u{FEFF}") ? text : "\u{FEFF}" + text
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(name)\""],
                        body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
