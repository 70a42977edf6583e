import Foundation
import Hummingbird
import OCOPModel
import OCOPQuery
import OCOPStore

/// `/api/v1/reports/...`: the reports of `ocop report`, as JSON with the same keys.
struct ReportRoutes {
    let store: any NationalBackend

    private var reports: CentralReports { CentralReports(store: store) }

    struct StarsReport: Encodable {
        var date: String
        var by: [String]
        var total_products: Int
        var rows: [StarsRow]
    }

    struct ExpiringReport: Encodable {
        var date: String
        var days: Int
        var expiring_count: Int
        var expired_count: Int
        var certificates: [ExpiringCertificate]
    }

    struct CandidatesReport: Encodable { var candidates: [FiveStarCandidate] }

    struct SyncReport: Encodable {
        var generated_at: String
        var provinces: [ProvinceSyncStatus]
    }

    func register(on routes: RouteRegistrar) {
        let reports = self.reports
        routes.get("/reports/stars") { request, _ in
            let query = try QueryParameters(request, allowed: ["by", "date"])
            var dimensions: [StarsDimension] = []
            for part in (try query.string("by") ?? "province,sector,producer-type").split(separator: ",") {
                let name = part.trimmingCharacters(in: .whitespaces).lowercased()
                guard let dimension = StarsDimension(rawValue: name) else {
                    throw APIError.badParameter("by: unknown dimension \"\(name)\" (expected province, sector, producer-type)")
                }
                if !dimensions.contains(dimension) { dimensions.append(dimension) }
            }
            let date = try query.date("date") ?? LocalDate(Date())
            let chosen = Set(dimensions)
            let rows = try await reports.stars(on: date, by: chosen)
            let report = StarsReport(date: date.description, by: dimensions.map(\.rawValue),
                                     total_products: rows.reduce(0) { $0 + $1.products }, rows: rows)
            return try Representation.json(report).response(to: request)
        }
        routes.get("/reports/expiring") { request, _ in
            let query = try QueryParameters(request, allowed: ["days", "date"])
            let days = try query.int("days", default: 30, in: 0...3650)
            let date = try query.date("date") ?? LocalDate(Date())
            let rows = try await reports.expiring(on: date, withinDays: days)
            let expiring = rows.filter { $0.state == .expiring }.count
            let report = ExpiringReport(date: date.description, days: days, expiring_count: expiring,
                                        expired_count: rows.count - expiring, certificates: rows)
            return try Representation.json(report).response(to: request)
        }
        routes.get("/reports/candidates") { request, _ in
            _ = try QueryParameters(request, allowed: [])
            let rows = try await reports.fiveStarCandidates()
            return try Representation.json(CandidatesReport(candidates: rows)).response(to: request)
        }
        routes.get("/reports/sync") { request, _ in
            _ = try QueryParameters(request, allowed: [])
            let now = Date()
            let rows = try await reports.sync(now: now)
            let report = SyncReport(generated_at: ISO8601DateFormatter().string(from: now), provinces: rows)
            return try Representation.json(report).response(to: request)
        }
    }
}
