import Foundation
import HTTPTypes
import Hummingbird
import OCOPFeeds
import OCOPQuery
import OCOPStore

/// An error the API answers with: a status and a JSON body
/// `{"error": {"code": "bad_parameter", "message": "limit: \"x\" is not a whole number"}}`.
///
/// The code is stable for programs; the message names the parameter, field or path and says
/// what to do, for people.
public struct APIError: Error, HTTPResponseError, CustomStringConvertible, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    static func badParameter(_ message: String) -> APIError { APIError(.badRequest, "bad_parameter", message) }
    static func notFound(_ message: String) -> APIError { APIError(.notFound, "not_found", message) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = JSONBody.response(ErrorBody(error: .init(code: code, message: message)), status: status)
        response.headers.append(contentsOf: headers)
        return response
    }

    struct ErrorBody: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
        }
        var error: Detail
    }

    /// The API's answer to an error thrown by a handler or by the libraries it calls.
    static func from(_ error: any Error, request: Request) -> APIError? {
        switch error {
        case let error as APIError:
            return error
        case let error as HTTPError:
            switch error.status {
            case .notFound:
                return APIError(.notFound, "not_found", "no route \(request.method) \(request.uri.path); the API is described at /api/v1/openapi.yaml")
            case .methodNotAllowed:
                return APIError(.methodNotAllowed, "method_not_allowed", "\(request.method) is not allowed on \(request.uri.path)")
            default:
                let code = error.status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_")
                return APIError(error.status, code, error.body ?? error.status.reasonPhrase)
            }
        case let error as QueryError:
            switch error.code {
            case .notFound: return APIError(.serviceUnavailable, "no_dataset", error.message)
            case .writeRefused, .invalidSQL: return APIError(.badRequest, "bad_query", error.message)
            }
        case let error as CentralError:
            switch error.code {
            case .notFound: return APIError(.notFound, "not_found", error.message)
            case .badData: return APIError(.unprocessableContent, "invalid", error.message)
            }
        case let error as FeedError:
            switch error {
            case .invalidCursor: return APIError(.badRequest, "bad_cursor", error.description)
            case .invalidDate: return APIError(.badRequest, "bad_date", error.description)
            case .cursorExpired: return APIError(.gone, "cursor_expired", error.description)
            default: return nil
            }
        case let error as StoreError where error.code == .invalidArgument:
            return APIError(.unprocessableContent, "invalid", error.message)
        default:
            return nil
        }
    }
}

/// Turns every error into a JSON error response: known errors keep their status; anything else
/// is logged and answered 500 with a request id, never a stack trace or an empty body.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            if let answer = APIError.from(error, request: request) {
                return try answer.response(from: request, context: context)
            }
            context.logger.error("request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return try APIError(.internalServerError, "internal", "the server failed to answer (request \(context.id)); the log has the details")
                .response(from: request, context: context)
        }
    }
}
