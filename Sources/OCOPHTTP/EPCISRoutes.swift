import Foundation
import HTTPTypes
import Hummingbird
import OCOPFeeds
import OCOPModel
import OCOPStore

/// `/api/v1/epcis...`: lots' events and the state's inspections as GS1 EPCIS 2.0 JSON-LD
/// (``EPCISDocument``), for partners' traceability systems; behind the API token.
///
///     GET /api/v1/epcis/lots/{id}           one lot's chain (upstream through transformations)
///     GET /api/v1/epcis?since=POSITION      everything written after a feed position, a page at a time
///
/// The incremental export answers with the position it reached in `OCOP-EPCIS-Cursor` (pass it
/// as `since` next time) and, while more follows, a `Link` to the next page.
struct EPCISRoutes {
    let store: any NationalBackend

    static let pageLimit = 1...10_000

    func register(on routes: RouteRegistrar) {
        let store = self.store
        routes.get("/epcis/lots/{id}") { request, context in
            _ = try QueryParameters(request, allowed: [])
            let id = try context.parameters.uuid("id", what: "lot")
            guard let trace = try await store.lotTrace(.id(id)) else {
                throw APIError.notFound("no lot \(id.uuidString.lowercased()) in the national dataset")
            }
            let catalogue = EPCISDocument.Catalogue(lots: [trace.lot] + trace.upstreamLots, products: [trace.product] + trace.upstreamProducts,
                                                    keys: trace.inspectionKeys)
            return Self.response(to: request, events: trace.events, inspections: trace.inspections, catalogue: catalogue,
                                 floor: trace.lot.producedOn)
        }
        routes.get("/epcis") { request, _ in
            let query = try QueryParameters(request, allowed: ["since", "limit"])
            let since = try query.int("since", default: 0, in: 0...Int(Int64.max))
            let limit = try query.int("limit", default: 1_000, in: Self.pageLimit)
            let changes = try await store.epcisChanges(since: UInt64(since), limit: limit)
            var headers: HTTPFields = [.epcisCursor: String(changes.through)]
            if !changes.isComplete { headers[.link] = "</api/v1/epcis?since=\(changes.through)&limit=\(limit)>; rel=\"next\"" }
            let catalogue = EPCISDocument.Catalogue(lots: changes.lots, products: changes.products, keys: changes.keys)
            return Self.response(to: request, events: changes.events, inspections: changes.inspections, catalogue: catalogue,
                                 floor: nil, headers: headers)
        }
    }

    /// The document, created at the latest time the data names (so the same data always gives
    /// the same bytes and entity tag).
    static func response(to request: Request, events: [LotEvent], inspections: [Inspection], catalogue: EPCISDocument.Catalogue,
                         floor: LocalDate?, headers: HTTPFields = [:]) -> Response {
        let latest = (events.compactMap(\.eventDate) + (inspections.map(\.inspectedOn) + [floor].compactMap { $0 }).compactMap(midnight)).max()
            ?? Date(timeIntervalSince1970: 0)
        let document = EPCISDocument.document(events: events, inspections: inspections, catalogue: catalogue, creationDate: vietnamISO8601(latest))
        return Representation(data: Data(document.serialized(pretty: true).utf8), contentType: "application/ld+json; charset=utf-8", headers: headers)
            .response(to: request)
    }

    static func midnight(_ date: LocalDate) -> Date? {
        ISO8601DateFormatter().date(from: date.description + "T00:00:00+07:00")
    }

    static func vietnamISO8601(_ date: Date) -> String {
        let format = ISO8601DateFormatter()
        format.timeZone = TimeZone(secondsFromGMT: 7 * 3600)
        format.formatOptions = [.withInternetDateTime]
        return format.string(from: date)
    }
}

extension HTTPField.Name {
    /// The feed position an incremental EPCIS page reaches: the next request's `since`.
    static let epcisCursor = Self("OCOP-EPCIS-Cursor")!
}
