import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
import Logging
import OCOPModel
import OCOPNetwork
import OCOPReplica
import OCOPStore
import OCOPWorkspace
import ServiceLifecycle

/// The province workspace (`ocop serve`) over a province of 3,000 products and 600 producers:
/// the product list filtered by a search and sorted in Vietnamese order, one page of it, over
/// real HTTP on loopback with a logged-in session (target: median ≤ 100 ms); against the same
/// rows read, filtered and sorted in-process without HTTP or templates.
///
/// Then the same page while the province's replica syncs with a release `ocop-syncd` (pushing
/// its rows, pulling the central office's records of the province): a page must never wait
/// for the sync (`workspace_page_during_sync_vs_idle_ratio`, the median during the sync over
/// the idle median, and the slowest page during it).
enum WorkspaceBenchmark {
    static func run(quick: Bool) async throws -> [Figure] {
        let directory = try ScratchDirectory("workspace")
        defer { directory.remove() }
        // The national store, holding records of the province its replica has not pulled yet.
        let dataDirectory = directory.path("daemon")
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let secret = "bí-mật-benchmark-0123456789"
        let pulledCount = quick ? 4_000 : 20_000
        let tenant: UUID
        do {
            let store = try SQLiteNationalStore.open(at: dataDirectory + "/national.sqlite")
            tenant = try await store.addProvince(code: "01", name: "Hà Nội", verifier: ScramVerifier.make(secret: secret))
            let rows = SampleProducts.make(count: pulledCount, tenant: tenant, seed: 77)
            try store.replica.write { db in
                try SampleProducts.insertProvince(rows, producers: SampleProducts.producers(count: pulledCount, seed: 77), tenant: tenant, into: db)
            }
            try store.replica.stamp()
        }
        let replica = try Replica.create(at: directory.path("province.ocop"), role: .province, tenantID: tenant)
        let (producerCount, productCount) = quick ? (120, 600) : (600, 3_000)
        let kinds = ["Mật ong", "Chè", "Nước mắm", "Gạo", "Rượu", "Cà phê", "Tương ớt", "Miến dong", "Bánh đa", "Mắm tôm", "Ổi", "Ớt"]
        let places = ["Mèo Vạc", "Suối Giàng", "Phú Quốc", "Tân Cương", "Bảo Lộc", "Đồng Tháp", "Hà Giang", "Sóc Trăng", "Ông Đề", "Ân Thi"]
        let producers = (0..<producerCount).map { index in
            Producer(tenantID: tenant, name: "Hợp tác xã \(places[index % places.count]) số \(index + 1)", type: .cooperative)
        }
        try replica.saveAll(producers)
        let products = (0..<productCount).map { index in
            Product(tenantID: tenant, producerID: producers[index % producerCount].id, classificationCode: "1.2.b",
                    nameVi: "\(kinds[index % kinds.count]) \(places[(index / kinds.count) % places.count]) loại \(index + 1)")
        }
        try replica.saveAll(products)
        let password = "mật-khẩu-benchmark"
        try WorkspaceServer.addAccount(to: replica, name: "bench", displayName: "Benchmark", role: .viewer, password: password)

        var logger = Logger(label: "bench.workspace")
        logger.logLevel = .critical
        let server = try await WorkspaceServer(replica: replica, configuration: WorkspaceConfiguration(host: "127.0.0.1", port: 0), logger: logger)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let application = try server.application { channel in
            continuation.yield(channel.localAddress?.port ?? 0)
            continuation.finish()
        }
        let group = ServiceGroup(services: [application], gracefulShutdownSignals: [], cancellationSignals: [], logger: logger)
        let serving = Task { try await group.run() }
        defer { serving.cancel() }
        var port = 0
        for await bound in ports { port = bound }
        let client = try await SessionClient.logIn(port: port, name: "bench", password: password)

        // "mat ong" (no tone marks) finds a twelfth of the products; page 2 of them, in Vietnamese order.
        let filtered = "/products?q=mat+ong&page=2"
        // A page whose own work does not grow with what the sync pulls in: one producer's form.
        let record = "/producers/\(producers[7].id.uuidString.lowercased())"
        let whole = "/products?page=\(productCount / 100)"
        let words = ["mat", "ong"]
        func inProcess() throws {
            let all = try replica.fetchAll(Product.self)
            let names = Dictionary(uniqueKeysWithValues: try replica.fetchAll(Producer.self).map { ($0.id, $0.name) })
            let found = all.filter { product in
                let haystack = [product.nameVi, names[product.producerID] ?? ""].map { VietnameseFolding.fold($0) }.joined(separator: "\n")
                return words.allSatisfy { haystack.contains($0) }
            }
            _ = VietnameseCollation.sorted(found, by: \.nameVi).dropFirst(50).prefix(50)
        }
        let rounds = quick ? 9 : 31
        for _ in 0..<3 { try await client.get(filtered) }
        var pageTimes: [Double] = []
        var wholeTimes: [Double] = []
        var baseTimes: [Double] = []
        var recordTimes: [Double] = []
        for round in 0..<rounds {
            recordTimes.append(try await HTTPBenchmark.seconds { try await client.get(record) })
            if round % 2 == 0 { baseTimes.append(try Measure.seconds(inProcess)) }
            pageTimes.append(try await HTTPBenchmark.seconds { try await client.get(filtered) })
            wholeTimes.append(try await HTTPBenchmark.seconds { try await client.get(whole) })
            if round % 2 == 1 { baseTimes.append(try Measure.seconds(inProcess)) }
        }
        let page = Measure.median(pageTimes) * 1000
        let base = Measure.median(baseTimes) * 1000

        // The same page, again and again, while the replica syncs with the daemon.
        let daemon = try DaemonRunner(dataDirectory: dataDirectory)
        defer { daemon.stop() }
        let configuration = SyncClientConfiguration(host: "127.0.0.1", port: daemon.port, user: tenant.uuidString.lowercased(), secret: secret)
        let finished = Flag()
        let syncing = Task {
            defer { finished.set() }
            let start = ContinuousClock.now
            let summary = try await SyncClient.sync(replica, configuration: configuration, logger: logger)
            return (summary.report, ContinuousClock.now - start)
        }
        var duringTimes: [Double] = []
        var listDuringTimes: [Double] = []
        repeat {
            duringTimes.append(try await HTTPBenchmark.seconds { try await client.get(record) })
            listDuringTimes.append(try await HTTPBenchmark.seconds { try await client.get(filtered) })
        } while !finished.isSet
        let (report, syncDuration) = try await syncing.value
        let idleRecord = Measure.median(recordTimes) * 1000
        let during = Measure.median(duringTimes) * 1000
        let slowest = (duringTimes.max() ?? 0) * 1000
        let syncSeconds = Double(syncDuration.components.seconds) + Double(syncDuration.components.attoseconds) / 1e18
        return [
            Figure(name: "workspace_product_list_ms", value: page,
                   note: "median of \(rounds): GET \(filtered) from a logged-in session, \(productCount) products of \(producerCount) producers, filtered without tone marks, sorted in Vietnamese order, page 2 of 50 rows (target ≤ 100 ms)"),
            Figure(name: "workspace_product_list_unfiltered_ms", value: Measure.median(wholeTimes) * 1000,
                   note: "median of \(rounds): GET \(whole), every product sorted, one page of 50"),
            Figure(name: "workspace_inprocess_list_ms", value: base,
                   note: "the same rows read from the replica, filtered and sorted in-process, no HTTP or templates"),
            Figure(name: "workspace_http_vs_inprocess_ratio", value: page / base,
                   note: "the page over the in-process work: what the session, the template and HTTP add"),
            Figure(name: "workspace_record_page_idle_ms", value: idleRecord,
                   note: "median of \(rounds): GET \(record), one producer's page (its form, history and any refusal)"),
            Figure(name: "workspace_record_page_during_sync_ms", value: during,
                   note: "median of \(duringTimes.count) GETs of the same page while the replica synced with ocop-syncd (pushed \(report.changesPushed), pulled \(report.changesPulled) changes in \(String(format: "%.1f", syncSeconds)) s)"),
            Figure(name: "workspace_record_page_during_sync_slowest_ms", value: slowest, note: "the slowest of those pages"),
            Figure(name: "workspace_record_page_during_sync_vs_idle_ratio", value: during / idleRecord,
                   note: "median record page during the sync over its idle median: near 1 means pages do not wait for the sync"),
            Figure(name: "workspace_list_during_sync_ms", value: Measure.median(listDuringTimes) * 1000,
                   note: "median GET \(filtered) during the same sync (its work grows as the pull adds products: \(productCount) before, \(productCount + pulledCount) after)"),
        ]
    }
}

/// A flag one task sets and another reads.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}

/// A logged-in browser session: GET /login for its form token, POST the password, keep the cookie.
final class SessionClient: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    let port: Int
    private var cookie = ""
    private lazy var session = URLSession(configuration: {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.urlCache = nil
        return configuration
    }(), delegate: self, delegateQueue: nil)

    private init(port: Int) { self.port = port }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        completionHandler(nil)
    }

    static func logIn(port: Int, name: String, password: String) async throws -> SessionClient {
        let client = SessionClient(port: port)
        let (form, _) = try await client.send("GET", "/login")
        let html = String(decoding: form, as: UTF8.self)
        guard let start = html.range(of: "name=\"_csrf\" value=\"") else { throw BenchmarkError("no form token on /login") }
        let token = html[start.upperBound...].prefix { $0 != "\"" }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = "_csrf=\(token)&name=\(name)&password=\(password.addingPercentEncoding(withAllowedCharacters: allowed)!)"
        let (_, status) = try await client.send("POST", "/login", body: Data(body.utf8))
        guard status == 303 else { throw BenchmarkError("login: HTTP \(status)") }
        return client
    }

    func get(_ path: String) async throws {
        let (_, status) = try await send("GET", path)
        guard status == 200 else { throw BenchmarkError("GET \(path): HTTP \(status)") }
    }

    private func send(_ method: String, _ path: String, body: Data? = nil) async throws -> (Data, Int) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.httpBody = body
        if body != nil { request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type") }
        if !cookie.isEmpty { request.setValue(cookie, forHTTPHeaderField: "Cookie") }
        let (data, response) = try await session.data(for: request)
        let http = response as? HTTPURLResponse
        if let set = http?.value(forHTTPHeaderField: "Set-Cookie"), let pair = set.split(separator: ";").first {
            cookie = String(pair)
        }
        return (data, http?.statusCode ?? 0)
    }
}
