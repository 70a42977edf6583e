import Foundation
import Hummingbird
import OCOPModel
import OCOPReplica

/// The stylesheet and scripts, the language switch and the overview.
struct StaticPages {
    let workspace: Workspace

    func register(on router: Router<WorkspaceContext>) {
        // The stylesheet and the two small scripts, read once from the resources.
        for (name, type) in [("workspace.css", "text/css"), ("workspace.js", "text/javascript"), ("score-sheet.js", "text/javascript")] {
            let file = name.split(separator: ".")
            let bytes = Bundle.module.url(forResource: String(file[0]), withExtension: String(file[1]), subdirectory: "Resources")
                .flatMap { try? Data(contentsOf: $0) } ?? Data()
            router.get("/static/\(name)") { _, _ in
                Response(status: .ok, headers: [.contentType: "\(type); charset=utf-8", .cacheControl: "max-age=3600"],
                         body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
            }
        }
        router.get("/language/:code") { request, context in
            let code = context.parameters.get("code") ?? ""
            guard let language = WorkspaceLanguage(rawValue: code) else { return workspace.notFound(context) }
            // Back to the page the user was on, only ever a path of this site.
            let back = request.uri.queryParameters.get("back").flatMap { $0.hasPrefix("/") && !$0.hasPrefix("//") ? $0 : nil }
                ?? request.headers[.referer].flatMap { URL(string: $0)?.path }.flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "/"
            var response = Response.redirect(to: back, type: .found)
            response.setCookie(Cookie(name: WorkspaceGate.languageCookie, value: language.rawValue, maxAge: 365 * 24 * 3600, path: "/",
                                      httpOnly: true, sameSite: .lax))
            return response
        }
        router.get("/") { _, context in
            let counts = try await workspace.onReplica { replica in
                (producers: try replica.fetchAll(Producer.self).count, products: try replica.fetchAll(Product.self).count,
                 pending: try replica.syncPosition().pendingWrites, refused: try replica.parkedRejections().count,
                 conflicts: try replica.conflicts().count)
            }
            let last = await workspace.sync.last
            let object: [String: Any] = [
                "producerCount": counts.producers, "productCount": counts.products, "pendingWrites": counts.pending,
                "refusedCount": counts.refused, "conflictCount": counts.conflicts,
                "refusedAttention": counts.refused > 0, "conflictAttention": counts.conflicts > 0,
                "lastSync": last.map { Workspace.vietnamTime($0.finished) } ?? workspace.strings.text("never", context.language),
            ]
            return workspace.page("home", title: workspace.strings.text("home", context.language), nav: "home", object: object, context: context)
        }
    }
}
