import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GRDB
import OCOPModel
import OCOPStore
import ServiceLifecycle

/// Public trace pages on a national-scale dataset: lots (100,000 by default,
/// `OCOP_BENCH_TRACE_LOTS` for more; 10,000 with `--quick`) of 34 provinces' products, ten lots a
/// product, five events a lot (every tenth lot a blend of the two before it), a signed
/// inspection and a certificate a product. Pages are requested over loopback by 32 concurrent
/// in-process clients (URLSession), each request timed on its own: the median and the 99th
/// percentile are the figures.
enum TraceBenchmark {
    static let clients = 32

    static func run(quick: Bool) async throws -> [Figure] {
        let lots = Int(ProcessInfo.processInfo.environment["OCOP_BENCH_TRACE_LOTS"] ?? "") ?? (quick ? 10_000 : 100_000)
        let directory = try ScratchDirectory("trace")
        defer { if ProcessInfo.processInfo.environment["OCOP_BENCH_KEEP"] == nil { directory.remove() } else { print("# kept \(directory.url.path)") } }
        let store = try SQLiteNationalStore.open(at: directory.path("national.sqlite"))
        let seeding = try await HTTPBenchmark.seconds { try seed(store, lots: lots) }
        var figures = [Figure(name: "trace_seed_s", value: seeding,
                              note: "writing \(lots) lots, \(lots * 5) events, \(lots / 10) products with certificates and signed inspections, and stamping them")]

        let (port, group, task) = try await HTTPBenchmark.startServer(store, label: "bench.trace")
        defer { task.cancel() }
        let session: URLSession = {
            let configuration = URLSessionConfiguration.ephemeral
            configuration.urlCache = nil
            configuration.httpMaximumConnectionsPerHost = clients
            return URLSession(configuration: configuration)
        }()

        /// A random lot's GS1 Digital Link (every lot's product has a GTIN).
        @Sendable func link(_ random: inout SplitMix) -> String {
            let lot = Int(random.next() % UInt64(lots))
            return "/01/0\(gtin(product: lot / 10))/10/L-\(lot)"
        }
        @Sendable func get(_ path: String) async throws -> Double {
            let request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
            let start = DispatchTime.now().uptimeNanoseconds
            let (data, response) = try await session.data(for: request)
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            guard (response as? HTTPURLResponse)?.statusCode == 200, data.count > 1_000 else {
                throw BenchmarkError("GET \(path): HTTP \((response as? HTTPURLResponse)?.statusCode ?? 0)")
            }
            return elapsed
        }

        var warm = SplitMix(state: 7)
        var single: [Double] = []
        for _ in 0..<(quick ? 100 : 300) { single.append(try await get(link(&warm))) }
        figures.append(Figure(name: "trace_page_single_client_median_ms", value: Measure.median(single) * 1000,
                              note: "GET /01/{gtin}/10/{lot} of a random lot, one client, median of \(single.count)"))

        let perClient = quick ? 50 : 200
        var latencies: [Double] = []
        let elapsed = try await HTTPBenchmark.seconds {
            latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
                for client in 0..<clients {
                    group.addTask {
                        var random = SplitMix(state: UInt64(client + 100))
                        var times: [Double] = []
                        for _ in 0..<perClient { times.append(try await get(link(&random))) }
                        return times
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
        }
        latencies.sort()
        let p99 = latencies[min(latencies.count - 1, Int((Double(latencies.count) * 0.99).rounded(.up)) - 1)]
        figures.append(Figure(name: "trace_page_32_clients_median_ms", value: Measure.median(latencies) * 1000,
                              note: "the same, \(clients) concurrent clients × \(perClient) requests, median latency (\(lots) lots, \(lots * 5) events)"))
        figures.append(Figure(name: "trace_page_32_clients_p99_ms", value: p99 * 1000, note: "99th percentile of those requests"))
        figures.append(Figure(name: "trace_pages_per_s", value: Double(latencies.count) / elapsed, note: "pages served per second under that load"))
        await group.triggerGracefulShutdown()
        _ = await task.result
        return figures
    }

    /// The GTIN-13 of product number `index`.
    static func gtin(product index: Int) -> String { SampleProducts.gtin13(prefix: "89\(String(format: "%010d", index))") }

    /// Everything written straight into the national store, then stamped as a night's merge
    /// leaves it.
    static func seed(_ store: SQLiteNationalStore, lots: Int) throws {
        let verifier = CredentialVerifier(salt: [1], iterations: 4096, storedKey: [], serverKey: [])
        let provinces = 34
        var tenants: [UUID] = []
        for index in 0..<provinces {
            tenants.append(try store.addProvince(code: String(format: "%02d", index + 1), name: "Tỉnh \(index + 1)", verifier: verifier))
        }
        let officeKey = Curve25519.Signing.PrivateKey()
        let key = InspectionKey(office: "Chi cục QLCL", tenantCode: nil, publicKey: officeKey.publicKey.rawRepresentation.base64EncodedString(),
                                validFrom: LocalDate("2026-01-01")!)
        let today = LocalDate(Date())
        let issued = try today.adding(months: -6)
        let products = (lots + 9) / 10
        try store.replica.write { db in
            try db.execute(sql: "INSERT INTO inspection_keys(id, office, tenant_code, public_key, valid_from) VALUES (?, ?, NULL, ?, ?)",
                           arguments: [key.id, key.office, key.publicKey, key.validFrom.description])
        }
        // A transaction per 1,000 products (10,000 lots), as a merge writes in batches.
        for start in stride(from: 0, to: products, by: 1_000) {
            try store.replica.write { db in
                for product in start..<min(start + 1_000, products) {
                    let tenant = tenants[product % provinces]
                    let producer = UUID(), productID = UUID(), area = UUID()
                    try db.execute(sql: "INSERT INTO producers(id, tenant_id, name, type, commune) VALUES (?, ?, ?, 'household', 'Xã Bản Liền')",
                                   arguments: [producer, tenant, "Hộ kinh doanh Nguyễn Văn \(product)"])
                    try db.execute(sql: "INSERT INTO material_areas(id, tenant_id, name, growing_area_code, commune) VALUES (?, ?, ?, ?, 'Xã Bản Liền')",
                                   arguments: [area, tenant, "Vùng chè \(product)", "VN-\(product)"])
                    try db.execute(sql: """
                        INSERT INTO products(id, tenant_id, producer_id, classification_code, classification_version, name_vi, gtin, material_area_id, status)
                        VALUES (?, ?, ?, '1.5.a', 'QD148-2023', ?, ?, ?, 'registered')
                        """, arguments: [productID, tenant, producer, "Chè Shan tuyết \(product)", gtin(product: product), area])
                    try db.execute(sql: """
                        INSERT INTO certificates(id, tenant_id, product_id, number, stars, issuer, issued_on, expires_on, status)
                        VALUES (?, ?, ?, ?, 4, 'province', ?, ?, 'active')
                        """, arguments: [UUID(), tenant, productID, "\(product)/QĐ", issued.description, try issued.adding(months: 36).description])
                    var lotIDs: [UUID] = []
                    for number in 0..<10 where product * 10 + number < lots {
                        let lot = UUID()
                        lotIDs.append(lot)
                        try db.execute(sql: """
                            INSERT INTO batches(id, tenant_id, product_id, material_area_id, lot_code, produced_on, quantity, unit)
                            VALUES (?, ?, ?, ?, ?, '2026-03-01', 100, 'kg')
                            """, arguments: [lot, tenant, productID, area, "L-\(product * 10 + number)"])
                        var steps = ["harvesting", "commissioning", "packing", "shipping", "receiving"]
                        if number == 9 { steps[1] = "transforming" }
                        for (offset, step) in steps.enumerated() {
                            let blend = step == "transforming"
                            try db.execute(sql: """
                                INSERT INTO lot_events(id, tenant_id, lot_id, event_type, biz_step, action, event_time, inputs, outputs,
                                  quantity, unit, measurements, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 100, 'kg', '{}', 'bench')
                                """, arguments: [UUID(), tenant, lot, blend ? "TransformationEvent" : "ObjectEvent", step, blend ? nil : "OBSERVE",
                                                 "2026-03-0\(offset + 1)T08:00:00+07:00",
                                                 blend ? LotEvent.encodeLots(Array(lotIDs.dropLast().suffix(2))) : "[]",
                                                 blend ? LotEvent.encodeLots([lot]) : "[]"])
                        }
                    }
                    guard let last = lotIDs.last else { continue }
                    let inspection = try Inspection(tenantID: tenant, productID: productID, lotID: last, keyID: key.id, kind: .labResult,
                                                    inspectedOn: LocalDate("2026-03-10")!, verdict: .pass, findings: "Đạt", inspector: "Bench")
                        .signed(with: officeKey)
                    try db.execute(sql: """
                        INSERT INTO inspections(id, tenant_id, product_id, lot_id, key_id, kind, inspected_on, verdict, findings, inspector, signature)
                        VALUES (?, ?, ?, ?, ?, 'lab_result', '2026-03-10', 'pass', 'Đạt', 'Bench', ?)
                        """, arguments: [inspection.id, tenant, productID, last, key.id, inspection.signature])
                }
            }
        }
        try store.replica.stamp()
    }
}
