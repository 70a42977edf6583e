import HTTPTypes
import Hummingbird
import OCOPStore

/// Checks `Authorization: Bearer <token>` against the store's API tokens (RFC 6750). A missing,
/// malformed, unknown or revoked token is answered 401 with a `WWW-Authenticate` challenge.
struct BearerTokenMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let store: any NationalBackend

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw APIError(.unauthorized, "missing_token", "send the API token as `Authorization: Bearer <token>`",
                           headers: [.wwwAuthenticate: #"Bearer realm="ocop""#])
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIError(.unauthorized, "invalid_token", "the Authorization header must be `Bearer <token>`",
                           headers: [.wwwAuthenticate: #"Bearer realm="ocop", error="invalid_request""#])
        }
        let presented = String(parts[1]).trimmingCharacters(in: .whitespaces)
        guard let token = try await store.authenticateAPIToken(presented) else {
            throw APIError(.unauthorized, "invalid_token", "the token is unknown, revoked or malformed",
                           headers: [.wwwAuthenticate: #"Bearer realm="ocop", error="invalid_token""#])
        }
        var context = context
        context.token = token
        context.logger[metadataKey: "token"] = .string(token.id)
        context.requestLog.tokenID = token.id
        return try await next(request, context)
    }
}
