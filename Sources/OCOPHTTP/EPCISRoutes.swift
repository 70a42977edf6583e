import Foundation
import Hummingbird
import OCOPFeeds
import OCOPModel
import OCOPStore

/// `/api/v1/epcis/...`: lots' events and the state's inspections as GS1 EPCIS 2.0 JSON-LD
/// (``EPCISDocument``), for partners' traceability systems; behind the API token.
struct EPCISRoutes {
    let store: any NationalBackend

    func register(on routes: RouteRegistrar) {
        let store = self.store
        routes.get("/epcis/lots/{id}") { request, context in
            _ = try QueryParameters(request, allowed: [])
            let id = try context.parameters.uuid("id", what: "lot")
            guard let trace = try await store.lotTrace(.id(id)) else {
                throw APIError.notFound("no lot \(id.uuidString.lowercased()) in the national dataset")
            }
            let document = Self.document(trace)
            return Representation(data: Data(document.serialized(pretty: true).utf8), contentType: "application/ld+json; charset=utf-8")
                .response(to: request)
        }
    }

    /// The trace's events and inspections. Created at the latest time the data names, so the
    /// same data always gives the same bytes (and entity tag).
    static func document(_ trace: LotTrace) -> FeedJSON {
        let catalogue = EPCISDocument.Catalogue(lots: [trace.lot] + trace.upstreamLots, products: [trace.product] + trace.upstreamProducts,
                                                keys: trace.inspectionKeys)
        let latest = (trace.events.compactMap(\.eventDate) + trace.inspections.compactMap { Self.midnight($0.inspectedOn) }
            + [Self.midnight(trace.lot.producedOn)].compactMap { $0 }).max() ?? Date(timeIntervalSince1970: 0)
        return EPCISDocument.document(events: trace.events, inspections: trace.inspections, catalogue: catalogue,
                                      creationDate: Self.vietnamISO8601(latest))
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
