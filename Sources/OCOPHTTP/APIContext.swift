import HTTPTypes
import Hummingbird
import OCOPStore

/// The request context of the central office's HTTP server: Hummingbird's core storage plus
/// the API token the caller presented, once ``BearerTokenMiddleware`` checked it.
public struct APIContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The caller's token on `/api/v1` routes; nil on public routes.
    public var token: APIToken?
    /// Shared by every copy of this request's context, for the access log.
    let requestLog = RequestLog()

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.token = nil
    }

    /// Throws 403 unless the caller's token allows `scope`.
    func require(_ scope: APIScope) throws {
        guard let token else { throw APIError(.unauthorized, "missing_token", "this route needs a bearer token") }
        guard token.scope.allows(scope) else {
            throw APIError(.forbidden, "insufficient_scope",
                           "token \(token.id) (\(token.name)) has scope \(token.scope.rawValue); this needs \(scope.rawValue) (issue one with `ocop-syncd token issue --scope \(scope.rawValue)`)")
        }
    }
}
