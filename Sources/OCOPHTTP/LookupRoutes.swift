import Foundation
import Hummingbird
import OCOPModel
import OCOPQuery
import OCOPStore

/// `/api/v1/products` and `/api/v1/producers`: lookups with filters and pagination.
struct LookupRoutes {
    let store: any NationalBackend

    static let pageLimit = 1...500

    func register(on routes: RouteRegistrar) {
        let lookups = CentralLookups(store: store)
        routes.get("/products") { request, _ in
            let query = try QueryParameters(request, allowed: [
                "province", "sector", "classification", "stars", "certified", "producer_type", "producer", "status", "q",
                "date", "limit", "offset",
            ])
            var filter = ProductFilter(date: try query.date("date") ?? LocalDate(Date()))
            filter.provinceCode = try query.string("province")
            filter.sector = try query.string("sector")
            filter.classificationCode = try query.string("classification")
            filter.stars = try query.optionalInt("stars", in: 3...5)
            filter.certified = try query.bool("certified")
            filter.producerType = try query.choice("producer_type", as: ProducerType.self)
            filter.producerID = try query.uuid("producer")
            filter.status = try query.choice("status", as: ProductStatus.self)
            filter.text = try query.string("q")
            let limit = try query.int("limit", default: 50, in: Self.pageLimit)
            let offset = try query.int("offset", default: 0, in: 0...Int(Int32.max))
            let page = try await Self.filtering { try await lookups.products(filter, limit: limit, offset: offset) }
            return try Representation.json(page).response(to: request)
        }
        routes.get("/products/{id}") { request, context in
            let query = try QueryParameters(request, allowed: ["date"])
            let id = try context.parameters.uuid("id", what: "product")
            let date = try query.date("date") ?? LocalDate(Date())
            guard let product = try await lookups.product(id: id, date: date) else {
                throw APIError.notFound("no product \(id.uuidString.lowercased()) in the national dataset")
            }
            return try Representation.json(product).response(to: request)
        }
        routes.get("/producers") { request, _ in
            let query = try QueryParameters(request, allowed: ["province", "type", "q", "date", "limit", "offset"])
            var filter = ProducerFilter(date: try query.date("date") ?? LocalDate(Date()))
            filter.provinceCode = try query.string("province")
            filter.type = try query.choice("type", as: ProducerType.self)
            filter.text = try query.string("q")
            let limit = try query.int("limit", default: 50, in: Self.pageLimit)
            let offset = try query.int("offset", default: 0, in: 0...Int(Int32.max))
            let page = try await Self.filtering { try await lookups.producers(filter, limit: limit, offset: offset) }
            return try Representation.json(page).response(to: request)
        }
        routes.get("/producers/{id}") { request, context in
            let query = try QueryParameters(request, allowed: ["date"])
            let id = try context.parameters.uuid("id", what: "producer")
            let date = try query.date("date") ?? LocalDate(Date())
            guard let producer = try await lookups.producer(id: id, date: date) else {
                throw APIError.notFound("no producer \(id.uuidString.lowercased()) in the national dataset")
            }
            return try Representation.json(producer).response(to: request)
        }
    }

    /// A lookup refuses a filter value (a sector not `VERSION:SECTOR`, an unknown province)
    /// with a ``CentralError``; for a query parameter that is a 400.
    static func filtering<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as CentralError where error.code == .badData {
            throw APIError.badParameter(error.message)
        }
    }
}
