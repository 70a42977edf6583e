import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import OCOPReplica

/// Every request passes here after the session is loaded: the language, the officer logged in,
/// and for a form post the checks that it came from one of our pages (its origin and its CSRF
/// token). Pages other than login, first-account setup, language and the stylesheet need a
/// login. Every answer carries headers that keep it from being framed or sniffed.
struct WorkspaceGate: RouterMiddleware {
    typealias Context = WorkspaceContext
    let workspace: Workspace

    static let languageCookie = "ocop_lang"

    func handle(_ request: Request, context: WorkspaceContext, next: (Request, WorkspaceContext) async throws -> Response) async throws -> Response {
        var context = context
        let path = request.uri.path
        if let code = request.cookies[Self.languageCookie]?.value, let language = WorkspaceLanguage(rawValue: code) {
            context.language = language
        }
        let isStatic = path.hasPrefix("/static/")
        if !isStatic {
            if context.sessions.session == nil {
                context.sessions.createSession(WorkspaceSession(user: nil, csrf: Self.newToken()))
            }
            let session = context.sessions.session
            context.csrf = session?.csrf ?? ""
            if let user = session?.user { context.account = try await workspace.account(named: user) }
        }
        if request.method == .post {
            if let refusal = await checkPost(request, context: &context) { return secured(refusal) }
        }
        let isPublic = isStatic || path == "/login" || path == "/setup" || path.hasPrefix("/language/")
        if !isPublic, context.account == nil {
            let target = try await workspace.hasAccounts() ? "/login" : "/setup"
            return secured(Response.redirect(to: target, type: .found))
        }
        return secured(try await next(request, context))
    }

    /// A post from another site, without our token, or not a form: refused before any route.
    private func checkPost(_ request: Request, context: inout WorkspaceContext) async -> Response? {
        // A browser says where a post comes from; ours come from our own pages.
        if let origin = request.headers[.origin], let host = request.head.authority {
            let expected = ["http://\(host)", "https://\(host)"]
            guard expected.contains(origin) else {
                return workspace.message(status: .forbidden, heading: workspace.strings.text("forbidden", context.language),
                                         message: workspace.strings.text("csrf", context.language), context: context)
            }
        }
        let isUpload = request.headers[.contentType]?.lowercased().hasPrefix("multipart/form-data") == true
        if let length = request.headers[.contentLength].flatMap(Int.init),
           length > (isUpload ? FormData.maximumUploadBytes : FormData.maximumBytes) {
            return workspace.message(status: .contentTooLarge, heading: workspace.strings.text("badRequest", context.language),
                                     message: workspace.strings.text("formTooLarge", context.language), context: context)
        }
        guard let form = await FormData.read(request) else {
            return workspace.message(status: .badRequest, heading: workspace.strings.text("badRequest", context.language),
                                     message: workspace.strings.text("badRequest", context.language), context: context)
        }
        guard let token = form["_csrf"], !context.csrf.isEmpty,
              token.utf8.count == context.csrf.utf8.count,
              Self.constantTimeEqual(Array(token.utf8), Array(context.csrf.utf8)) else {
            return workspace.message(status: .forbidden, heading: workspace.strings.text("forbidden", context.language),
                                     message: workspace.strings.text("csrf", context.language), context: context)
        }
        context.form = form
        return nil
    }

    private func secured(_ response: Response) -> Response {
        var response = response
        response.headers[.contentSecurityPolicy] = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }

    static func newToken() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}
