import Foundation
import Hummingbird
import OCOPQuery
import OCOPStore

/// `/api/v1/conflicts`: review conflicts with both sides, and resolve them (scope `review`).
struct ConflictRoutes {
    let store: any NationalBackend

    enum Status: String, CaseIterable { case pending, resolved, all }

    /// The body of `POST /api/v1/conflicts/{id}/resolution`: exactly one of `take` and `value`.
    struct ResolutionRequest: Decodable {
        var take: String?
        var value: String?
    }

    /// Request bodies are small JSON objects; anything larger is refused before it is read.
    static let maxBodyBytes = 64 * 1024

    func register(on routes: RouteRegistrar) {
        let store = self.store
        let review = ConflictReview(store: store)
        let lookups = CentralLookups(store: store)
        routes.get("/conflicts") { request, _ in
            let query = try QueryParameters(request, allowed: ["status", "table", "province", "limit", "offset"])
            let status = try query.choice("status", as: Status.self) ?? .pending
            let table = try query.string("table")
            let province = try query.string("province")
            let limit = try query.int("limit", default: 50, in: LookupRoutes.pageLimit)
            let offset = try query.int("offset", default: 0, in: 0...Int(Int32.max))
            var items = try await review.items()
            switch status {
            case .pending: items = items.filter { $0.resolution == nil }
            case .resolved: items = items.filter { $0.resolution != nil }
            case .all: break
            }
            if let table { items = items.filter { $0.table == table } }
            if let province {
                let tenant = try await LookupRoutes.filtering { try await lookups.province(code: province) }
                items = items.filter { $0.tenantID == tenant }
            }
            let page = LookupPage(slicing: items, limit: limit, offset: offset)
            return try Representation.json(page).response(to: request)
        }
        routes.get("/conflicts/{id}") { request, context in
            _ = try QueryParameters(request, allowed: [])
            let id = context.parameters.get("id") ?? ""
            let item = try ConflictReview.find(id, in: try await review.items())
            return try Representation.json(item).response(to: request)
        }
        routes.post("/conflicts/{id}/resolution") { request, context in
            try context.require(.review)
            _ = try QueryParameters(request, allowed: [])
            let id = context.parameters.get("id") ?? ""
            let choice = try await Self.choice(from: request, context: context)
            let resolved = try await ConflictReview.resolve(id, choice: choice, on: store)
            context.logger.notice("conflict resolved", metadata: ["conflict": "\(resolved.id)", "choice": "\(resolved.resolution?.choice ?? "?")"])
            return JSONBody.response(resolved)
        }
    }

    static func choice(from request: Request, context: APIContext) async throws -> ConflictChoice {
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: maxBodyBytes)
        } catch {
            throw APIError(.contentTooLarge, "body_too_large", "the request body is larger than \(maxBodyBytes) bytes")
        }
        let parsed: ResolutionRequest
        do {
            parsed = try JSONDecoder().decode(ResolutionRequest.self, from: Data(body.readableBytesView))
        } catch {
            throw APIError(.badRequest, "bad_body", #"the body must be a JSON object: {"take": "winner"|"loser"} or {"value": "new value"}"#)
        }
        switch (parsed.take, parsed.value) {
        case ("winner"?, nil): return .winner
        case ("loser"?, nil): return .loser
        case (nil, let value?): return .value(value)
        case (let take?, nil):
            throw APIError(.badRequest, "bad_body", "take: \"\(take)\" is not winner or loser")
        default:
            throw APIError(.badRequest, "bad_body", "give exactly one of take and value")
        }
    }
}
