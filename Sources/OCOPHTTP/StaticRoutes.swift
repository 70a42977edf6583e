import Foundation
import HTTPTypes
import Hummingbird

/// `/dashboard/` (the central office's page), `/healthz`, and `/` redirecting to the page.
struct StaticRoutes {
    let assets: StaticAssets

    /// The page loads only its own files and talks only to this origin.
    static let securityHeaders: HTTPFields = [
        .contentSecurityPolicy: "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        .xContentTypeOptions: "nosniff",
        .referrerPolicy: "no-referrer",
    ]

    func register(on routes: RouteRegistrar) {
        let assets = self.assets
        routes.get("/healthz") { _, _ in JSONBody.response(["status": "ok"]) }
        routes.get("/") { _, _ in Response(status: .found, headers: [.location: "/dashboard/"]) }
        // The router ignores a trailing slash; the page's relative links need it, so add it.
        routes.get("/dashboard/") { request, _ in
            guard request.uri.path.hasSuffix("/") else {
                return Response(status: .movedPermanently, headers: [.location: "/dashboard/"])
            }
            return try Self.file("index.html", assets: assets, request: request)
        }
        routes.get("/dashboard/{file}") { request, context in
            try Self.file(context.parameters.get("file") ?? "", assets: assets, request: request)
        }
    }

    static func file(_ name: String, assets: StaticAssets, request: Request) throws -> Response {
        guard let data = assets.dashboard[name], let type = StaticAssets.mediaType(of: name) else {
            throw APIError.notFound("no dashboard file \"\(name)\"")
        }
        return Representation(data: data, contentType: type, headers: securityHeaders).response(to: request)
    }
}

extension HTTPField.Name {
    static let referrerPolicy = Self("Referrer-Policy")!
}
