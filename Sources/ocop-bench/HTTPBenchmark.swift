import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GRDB
import OCOPFeeds
import OCOPHTTP
import OCOPModel
import OCOPQuery
import OCOPStore
import ServiceLifecycle
import Logging

/// The central office's HTTP server on a national dataset: 34 provinces × 3,000 products (a
/// third more than the programme has certified so far), 60% with a certificate in force.
/// Each figure is an HTTP request against the same work done in-process, in the same run.
enum HTTPBenchmark {
    static func run(quick: Bool) async throws -> [Figure] {
        let perProvince = quick ? 300 : 3_000
        let directory = try ScratchDirectory("http")
        // OCOP_BENCH_KEEP=1 keeps the national store for looking into it afterwards.
        defer { if ProcessInfo.processInfo.environment["OCOP_BENCH_KEEP"] == nil { directory.remove() } else { print("# kept \(directory.url.path)") } }
        let store = try SQLiteNationalStore.open(at: directory.path("national.sqlite"))
        try seed(store, provinces: 34, productsPerProvince: perProvince)
        let token = try await store.issueAPIToken(name: "bench", scope: .read).token
        let (port, group, task) = try await startServer(store, label: "bench.http")
        defer { task.cancel() }
        let client = BenchClient(port: port, token: token)

        let reports = CentralReports(store: store)
        let lookups = CentralLookups(store: store)
        let today = LocalDate(Date())
        let rounds = quick ? 5 : 9
        var figures: [Figure] = []
        let total = 34 * perProvince

        // Stars report, all three dimensions.
        let stars = try await compare(rounds: rounds) {
            _ = try JSONEncoder.report.encode(try await reports.stars(on: today, by: [.province, .sector, .producerType]))
        } candidate: {
            try await client.get("/api/v1/reports/stars")
        }
        figures.append(Figure(name: "http_stars_report_ms", value: stars.candidate * 1000,
                              note: "GET /api/v1/reports/stars (all dimensions) over loopback, \(total) products, median of \(rounds)"))
        figures.append(Figure(name: "http_vs_inprocess_stars_ratio", value: stars.candidate / stars.baseline,
                              note: "that request over computing and encoding the same report in-process"))

        // A page of a province's products, and a tone-insensitive search across the country.
        var filter = ProductFilter(date: today)
        filter.provinceCode = "01"
        let page = try await compare(rounds: rounds) {
            _ = try JSONEncoder.report.encode(try await lookups.products(filter, limit: 50, offset: 0))
        } candidate: {
            try await client.get("/api/v1/products?province=01&limit=50")
        }
        figures.append(Figure(name: "http_products_page_ms", value: page.candidate * 1000,
                              note: "GET /api/v1/products?province=01&limit=50 (\(perProvince) products in the province)"))
        figures.append(Figure(name: "http_vs_inprocess_products_ratio", value: page.candidate / page.baseline,
                              note: "that request over the same lookup and encoding in-process"))
        let search = try await compare(rounds: rounds) {} candidate: {
            try await client.get("/api/v1/products?q=mat+ong+rung&limit=50")
        }
        figures.append(Figure(name: "http_products_search_ms", value: search.candidate * 1000,
                              note: "GET /api/v1/products?q=mat+ong+rung (all \(total) products searched, tones ignored)"))

        // The partner feed: first request renders the whole export; later ones are served from the kept rendering.
        let feedPath = "/feeds/asean/jsonld/page-00001.jsonld"
        let render = try await seconds { try await client.get(feedPath) }
        let cached = try await compare(rounds: rounds) {} candidate: { try await client.get(feedPath) }
        figures.append(Figure(name: "http_feed_render_ms", value: render * 1000,
                              note: "first GET of an ASEAN feed page: the whole export read in one transaction, rendered and signed"))
        figures.append(Figure(name: "http_feed_cached_ms", value: cached.candidate * 1000, note: "the same page again (kept rendering, ETag)"))
        figures.append(Figure(name: "feed_cache_speedup", value: render / cached.candidate, note: "render time over cached time"))

        // Throughput: 16 clients at once on the cached page and the report.
        let requests = quick ? 400 : 2_000
        let elapsed = try await seconds {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<16 {
                    group.addTask {
                        for index in 0..<(requests / 16) {
                            try await client.get((worker + index) % 2 == 0 ? feedPath : "/api/v1/reports/sync")
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        figures.append(Figure(name: "http_requests_per_s", value: Double(requests) / elapsed,
                              note: "\(requests) requests from 16 concurrent clients: half cached feed pages, half sync reports"))
        await group.triggerGracefulShutdown()
        _ = await task.result
        return figures
    }

    /// The central office's HTTP server over `store` on an ephemeral loopback port, running in a
    /// service group (stop it with `group.triggerGracefulShutdown()`).
    static func startServer(_ store: SQLiteNationalStore, label: String) async throws
        -> (port: Int, group: ServiceGroup, task: Task<Void, any Error>) {
        let server = try CentralHTTPServer(
            store: store, configuration: CentralHTTPConfiguration(port: 0, feedSigningKey: Curve25519.Signing.PrivateKey()),
            logger: { var logger = Logger(label: label); logger.logLevel = .warning; return logger }())
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let group = ServiceGroup(
            services: [server.application { channel in continuation.yield(channel.localAddress?.port ?? 0) }],
            gracefulShutdownSignals: [], cancellationSignals: [], logger: Logger(label: label))
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            task.cancel()
            throw BenchmarkError("the HTTP server did not start")
        }
        return (port, group, task)
    }

    /// Producers, products and certificates written straight into the national store.
    static func seed(_ store: SQLiteNationalStore, provinces: Int, productsPerProvince: Int) throws {
        let verifier = CredentialVerifier(salt: [1], iterations: 4096, storedKey: [], serverKey: [])
        let today = LocalDate(Date())
        for index in 0..<provinces {
            let tenant = try store.addProvince(code: String(format: "%02d", index + 1), name: "Tỉnh \(index + 1)", verifier: verifier)
            let rows = SampleProducts.make(count: productsPerProvince, tenant: tenant, seed: UInt64(index + 1))
            try store.replica.write { db in
                var producers = Set<UUID>()
                for (number, row) in rows.enumerated() {
                    if producers.insert(row.producer).inserted {
                        let type = ["cooperative", "enterprise", "household", "cooperative_group"][producers.count % 4]
                        try db.execute(sql: "INSERT INTO producers(id, tenant_id, name, type) VALUES (?, ?, ?, ?)",
                                       arguments: [row.producer, tenant, "Cơ sở \(row.nameVI)", type])
                    }
                    try db.execute(sql: """
                        INSERT INTO products(id, tenant_id, producer_id, classification_code, classification_version, name_vi, name_en,
                          description_vi, description_en, gtin, status) VALUES (?, ?, ?, ?, 'QD148-2023', ?, ?, ?, ?, ?, 'registered')
                        """, arguments: [row.id, tenant, row.producer, row.classification, row.nameVI, row.nameEN,
                                         row.descriptionVI, row.descriptionEN, row.gtin])
                    guard number % 5 < 3 else { continue }
                    let issued = try today.adding(days: -(number * 7 % 1_000))
                    try db.execute(sql: """
                        INSERT INTO certificates(id, tenant_id, product_id, number, stars, issuer, issued_on, expires_on, status)
                        VALUES (?, ?, ?, ?, ?, 'province', ?, ?, 'active')
                        """, arguments: [UUID(), tenant, row.id, "\(index + 1)-\(number)/QĐ", 3 + number % 2,
                                         issued.description, try issued.adding(months: 36).description])
                }
            }
        }
        // Stamp the captured writes now, as a nightly merge leaves them: otherwise the first
        // feed request would pay for stamping 200,000 writes made behind the library's back.
        try store.replica.stamp()
    }

    static func seconds(_ body: () async throws -> Void) async rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try await body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// Alternating rounds, medians (as ``Measure/compare(rounds:baseline:candidate:)``, async).
    static func compare(rounds: Int, baseline: () async throws -> Void, candidate: () async throws -> Void) async throws
        -> (baseline: Double, candidate: Double) {
        var base: [Double] = []
        var cand: [Double] = []
        for round in 0..<rounds {
            if round % 2 == 0 {
                base.append(try await seconds(baseline))
                cand.append(try await seconds(candidate))
            } else {
                cand.append(try await seconds(candidate))
                base.append(try await seconds(baseline))
            }
        }
        return (Measure.median(base), Measure.median(cand))
    }
}

/// GET requests with a bearer token; a non-2xx answer is an error.
struct BenchClient: Sendable {
    let port: Int
    let token: String
    let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.httpMaximumConnectionsPerHost = 16
        return URLSession(configuration: configuration)
    }()

    func get(_ path: String) async throws {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let (_, response) = try await session.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else { throw BenchmarkError("GET \(path): HTTP \(status)") }
    }
}

struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
