import Foundation
import Hummingbird
import Logging

/// One access-log line per request, once it is answered: method, path, status, the API token's
/// public id (never the secret, never headers) and the time taken, e.g.
/// `info ocop.http: duration_ms=3 method=GET path=/api/v1/products status=200 token=3f9a0c12 [OCOPHTTP] request`.
///
/// It is the outermost middleware, so it sees the status the client gets, also for errors
/// turned into JSON by ``JSONErrorMiddleware`` and for requests refused before a token was
/// checked (`token=-`).
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = APIContext
    var level: Logger.Level = .info

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            log(request, context, status: Int(response.status.code), since: start)
            return response
        } catch {
            // Nothing below should throw (JSONErrorMiddleware answers every error), but if
            // something does, the framework answers 500 and the line still gets written.
            log(request, context, status: (error as? any HTTPResponseError).map { Int($0.status.code) } ?? 500, since: start)
            throw error
        }
    }

    private func log(_ request: Request, _ context: APIContext, status: Int, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15
        context.logger.log(level: level, "request", metadata: [
            "method": .string(request.method.rawValue),
            "path": .string(request.uri.path),
            "status": .stringConvertible(status),
            "token": .string(context.requestLog.tokenID ?? "-"),
            "duration_ms": .string(String(format: "%.1f", milliseconds)),
        ])
    }
}

/// What inner middleware learns about a request that the access log needs afterwards.
///
/// Contexts are values: the copy ``BearerTokenMiddleware`` changes is not the one the access
/// log holds. This box is shared by every copy of one request's context.
final class RequestLog: @unchecked Sendable {
    // One request is handled by one task at a time; the lock only makes that explicit.
    private let lock = NSLock()
    private var _tokenID: String?

    var tokenID: String? {
        get { lock.withLock { _tokenID } }
        set { lock.withLock { _tokenID = newValue } }
    }
}
