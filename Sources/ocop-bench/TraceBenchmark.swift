import Crypto
import Foundation
import GRDB
import OCOPModel
import OCOPStore
import OCOPSync

/// Public trace pages on a national-scale dataset: lots (100,000 by default,
/// `OCOP_BENCH_TRACE_LOTS` for more; 10,000 with `--quick`) of 34 provinces' products, ten lots a
/// product, five events a lot (every tenth lot a blend of the two before it), a signed
/// inspection and a certificate a product.
///
/// The release `ocop-syncd` beside this benchmark serves the store; `wrk` (Debian's) asks for
/// random lots' pages, first over one connection, then over 32, with `Accept-Encoding: gzip`
/// as a phone sends it. The baseline, measured in the same run the same way, is the daemon's
/// cheapest route (`/healthz`): the HTTP stack's own floor on this machine.
///
/// `OCOP_BENCH_TRACE_STORE=DIR` keeps the dataset in DIR and reuses it next time (writing a
/// million lots takes a while).
enum TraceBenchmark {
    static let clients = 32

    static func run(quick: Bool) async throws -> [Figure] {
        let lots = Int(ProcessInfo.processInfo.environment["OCOP_BENCH_TRACE_LOTS"] ?? "") ?? (quick ? 10_000 : 100_000)
        let kept = ProcessInfo.processInfo.environment["OCOP_BENCH_TRACE_STORE"]
        let directory = try kept.map { try ScratchDirectory(existing: $0) } ?? ScratchDirectory("trace")
        defer { if kept == nil { directory.remove() } }
        var figures: [Figure] = []
        let marker = directory.path("lots")
        if (try? String(contentsOfFile: marker, encoding: .utf8)) != String(lots) {
            try? FileManager.default.removeItem(atPath: directory.path("national.sqlite"))
            let store = try SQLiteNationalStore.open(at: directory.path("national.sqlite"))
            let seeding = try Measure.seconds { try seed(store, at: directory.path("national.sqlite"), lots: lots, withoutLots: directory.path("without-lots.sqlite")) }
            try String(lots).write(toFile: marker, atomically: true, encoding: .utf8)
            figures.append(Figure(name: "trace_seed_s", value: seeding,
                                  note: "writing \(lots) lots, \(lots * 5) events, \(lots / 10) products with certificates and signed inspections, stamped as a merge leaves them"))
        }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/wrk") else {
            throw BenchmarkError("the trace benchmark measures with wrk: apt-get install wrk")
        }
        let daemon = try DaemonRunner(dataDirectory: directory.url.path, http: true)
        defer { daemon.stop() }
        let base = "http://127.0.0.1:\(daemon.httpPort)"

        // Random lots' GS1 Digital Links, read by the wrk script.
        var random = SplitMix(state: 7)
        let paths = (0..<50_000).map { _ in link(lot: Int(random.next() % UInt64(lots))) }
        try (paths.joined(separator: "\n") + "\n").write(toFile: directory.path("paths.txt"), atomically: true, encoding: .utf8)
        try script.write(toFile: directory.path("trace.lua"), atomically: true, encoding: .utf8)
        let environment = ["OCOP_TRACE_PATHS": directory.path("paths.txt")]
        let seconds = quick ? 5 : 20

        _ = try Wrk.run(url: base, script: directory.path("trace.lua"), threads: 1, connections: 1, seconds: 3, environment: environment) // warm-up
        let single = try Wrk.run(url: base, script: directory.path("trace.lua"), threads: 1, connections: 1, seconds: seconds, environment: environment)
        let floorSingle = try Wrk.run(url: base + "/healthz", threads: 1, connections: 1, seconds: seconds)
        // Under load, three rounds each, alternating with the baseline: this machine is shared
        // and one run can land on a noisy minute. The median round counts.
        var rounds: [Wrk] = [], floors: [Wrk] = []
        for _ in 0..<3 {
            rounds.append(try Wrk.run(url: base, script: directory.path("trace.lua"), threads: 2, connections: clients, seconds: seconds, environment: environment))
            floors.append(try Wrk.run(url: base + "/healthz", threads: 2, connections: clients, seconds: seconds))
        }
        let loaded = rounds.sorted { $0.median < $1.median }[1]
        let floorLoaded = floors.sorted { $0.median < $1.median }[1]
        let roundMedians = rounds.map { String(format: "%.1f", $0.median * 1000) }.joined(separator: ", ")
        let what = "\(lots) lots, \(lots * 5) events"
        figures += [
            Figure(name: "trace_page_single_client_median_ms", value: single.median * 1000,
                   note: "GET /01/{gtin}/10/{lot} of random lots, one connection, \(single.requests) requests in \(seconds) s (\(what)); wrk against the release ocop-syncd"),
            Figure(name: "trace_page_single_client_p99_ms", value: single.p99 * 1000, note: "99th percentile of those"),
            Figure(name: "trace_page_32_clients_median_ms", value: loaded.median * 1000,
                   note: "the same over \(clients) connections at once: median latency, the middle of three \(seconds) s rounds (\(roundMedians) ms; target ≤ 20)"),
            Figure(name: "trace_page_32_clients_p99_ms", value: loaded.p99 * 1000, note: "99th percentile of those (target ≤ 100)"),
            Figure(name: "trace_pages_per_s", value: loaded.requestsPerSecond, note: "pages served per second under that load"),
            Figure(name: "healthz_32_clients_median_ms", value: floorLoaded.median * 1000,
                   note: "baseline: GET /healthz over \(clients) connections, same daemon, same run (the HTTP stack's floor); \(Int(floorLoaded.requestsPerSecond)) requests/s"),
            Figure(name: "trace_vs_healthz_single_ratio", value: single.median / floorSingle.median,
                   note: "a trace page's median over /healthz's, one connection"),
            Figure(name: "trace_vs_healthz_32_clients_ratio", value: loaded.median / floorLoaded.median,
                   note: "the same under \(clients) connections"),
        ]
        daemon.stop()
        return figures + (try mergeWithAndWithoutLots(directory, quick: quick))
    }

    /// The GS1 Digital Link path of lot number `lot`.
    static func link(lot: Int) -> String { "/01/0\(gtin(product: lot / 10))/10/L-\(lot)" }

    /// Each wrk thread asks for random paths of the list, as a browser on a phone would.
    static let script = """
        local paths = {}
        for line in io.lines(os.getenv("OCOP_TRACE_PATHS")) do paths[#paths + 1] = line end
        local counter = 0
        function setup(thread)
          counter = counter + 1
          thread:set("seed", counter)
        end
        function init(args)
          math.randomseed(seed * 7919)
        end
        function request()
          return wrk.format("GET", paths[math.random(#paths)], { ["Accept"] = "text/html", ["Accept-Encoding"] = "gzip" })
        end
        """

    /// The GTIN-13 of product number `index`.
    static func gtin(product index: Int) -> String { SampleProducts.gtin13(prefix: "89\(String(format: "%010d", index))") }

    /// Everything written straight into the national store with prepared statements, stamped
    /// every 1,000 products as a night's merge leaves them (a bounded log per stamp). Products,
    /// producers, areas and certificates first; then a copy of the store as it is without any
    /// lot (`without-lots.sqlite`, for the merge comparison); then lots, events and inspections.
    static func seed(_ store: SQLiteNationalStore, at storePath: String, lots: Int, withoutLots: String) throws {
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
        var productIDs: [UUID] = [], areaIDs: [UUID] = []
        productIDs.reserveCapacity(products)
        areaIDs.reserveCapacity(products)
        // A transaction per 1,000 products, as a merge writes in batches.
        for start in stride(from: 0, to: products, by: 1_000) {
            try store.replica.write { db in
                for product in start..<min(start + 1_000, products) {
                    let tenant = tenants[product % provinces]
                    let producer = UUID(), productID = UUID(), area = UUID()
                    productIDs.append(productID)
                    areaIDs.append(area)
                    try db.cachedStatement(sql: "INSERT INTO producers(id, tenant_id, name, type, commune) VALUES (?, ?, ?, 'household', 'Xã Bản Liền')")
                        .execute(arguments: [producer, tenant, "Hộ kinh doanh Nguyễn Văn \(product)"])
                    try db.cachedStatement(sql: "INSERT INTO material_areas(id, tenant_id, name, growing_area_code, commune) VALUES (?, ?, ?, ?, 'Xã Bản Liền')")
                        .execute(arguments: [area, tenant, "Vùng chè \(product)", "VN-\(product)"])
                    try db.cachedStatement(sql: """
                        INSERT INTO products(id, tenant_id, producer_id, classification_code, classification_version, name_vi, gtin, material_area_id, status)
                        VALUES (?, ?, ?, '1.5.a', 'QD148-2023', ?, ?, ?, 'registered')
                        """).execute(arguments: [productID, tenant, producer, "Chè Shan tuyết \(product)", gtin(product: product), area])
                    try db.cachedStatement(sql: """
                        INSERT INTO certificates(id, tenant_id, product_id, number, stars, issuer, issued_on, expires_on, status)
                        VALUES (?, ?, ?, ?, 4, 'province', ?, ?, 'active')
                        """).execute(arguments: [UUID(), tenant, productID, "\(product)/QĐ", issued.description, try issued.adding(months: 36).description])
                }
            }
            try store.replica.stamp()
        }
        try? FileManager.default.removeItem(atPath: withoutLots)
        // VACUUM runs outside a transaction: a connection of its own, reading what is committed.
        try DatabaseQueue(path: storePath).inDatabase { db in try db.execute(sql: "VACUUM INTO ?", arguments: [withoutLots]) }

        for start in stride(from: 0, to: products, by: 1_000) {
            try store.replica.write { db in
                for product in start..<min(start + 1_000, products) {
                    let tenant = tenants[product % provinces]
                    let productID = productIDs[product], area = areaIDs[product]
                    var lotIDs: [UUID] = []
                    for number in 0..<10 where product * 10 + number < lots {
                        let lot = UUID()
                        lotIDs.append(lot)
                        try db.cachedStatement(sql: """
                            INSERT INTO batches(id, tenant_id, product_id, material_area_id, lot_code, produced_on, quantity, unit)
                            VALUES (?, ?, ?, ?, ?, '2026-03-01', 100, 'kg')
                            """).execute(arguments: [lot, tenant, productID, area, "L-\(product * 10 + number)"])
                        var steps = ["harvesting", "commissioning", "packing", "shipping", "receiving"]
                        if number == 9 { steps[1] = "transforming" }
                        for (offset, step) in steps.enumerated() {
                            let blend = step == "transforming"
                            try db.cachedStatement(sql: """
                                INSERT INTO lot_events(id, tenant_id, lot_id, event_type, biz_step, action, event_time, inputs, outputs,
                                  quantity, unit, measurements, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 100, 'kg', '{}', 'bench')
                                """).execute(arguments: [UUID(), tenant, lot, blend ? "TransformationEvent" : "ObjectEvent", step, blend ? nil : "OBSERVE",
                                                         "2026-03-0\(offset + 1)T08:00:00+07:00",
                                                         blend ? LotEvent.encodeLots(Array(lotIDs.dropLast().suffix(2))) : "[]",
                                                         blend ? LotEvent.encodeLots([lot]) : "[]"])
                        }
                    }
                    guard let last = lotIDs.last else { continue }
                    let inspection = try Inspection(tenantID: tenant, productID: productID, lotID: last, keyID: key.id, kind: .labResult,
                                                    inspectedOn: LocalDate("2026-03-10")!, verdict: .pass, findings: "Đạt", inspector: "Bench")
                        .signed(with: officeKey)
                    try db.cachedStatement(sql: """
                        INSERT INTO inspections(id, tenant_id, product_id, lot_id, key_id, kind, inspected_on, verdict, findings, inspector, signature)
                        VALUES (?, ?, ?, ?, ?, 'lab_result', '2026-03-10', 'pass', 'Đạt', 'Bench', ?)
                        """).execute(arguments: [inspection.id, tenant, productID, last, key.id, inspection.signature])
                }
            }
            try store.replica.stamp()
        }
    }

    /// Nightly merges of unrelated rows (provinces' products: a first load, then three nights
    /// of edits) into the store with the trace dataset and into the same store before any lot
    /// was written, the same batches into both, alternating which goes first.
    static func mergeWithAndWithoutLots(_ directory: ScratchDirectory, quick: Bool) throws -> [Figure] {
        let with = directory.path("merge-with.sqlite"), without = directory.path("merge-without.sqlite")
        for (source, target) in [("national.sqlite", with), ("without-lots.sqlite", without)] {
            for suffix in ["", "-wal", "-shm"] {
                try? FileManager.default.removeItem(atPath: target + suffix)
                if FileManager.default.fileExists(atPath: directory.path(source + suffix)) {
                    try FileManager.default.copyItem(atPath: directory.path(source + suffix), toPath: target + suffix)
                }
            }
        }
        defer { for path in [with, without] { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } } }
        let withLots = try SQLiteNationalStore.open(at: with)
        let withoutLots = try SQLiteNationalStore.open(at: without)
        let tenants = try withLots.replica.read { db in try UUID.fetchAll(db, sql: "SELECT id FROM tenants ORDER BY code") }
        let workload = try SyncWorkload(name: "trace-merge", store: withLots, tenants: tenants, productsPerProvince: quick ? 300 : 1_000)
        defer { workload.remove() }
        var seconds = (with: 0.0, without: 0.0)
        var changes = 0
        for night in 0...3 {
            if night > 0 { try workload.editNight() }
            for (index, province) in workload.provinces.enumerated() {
                guard let batch = try SyncWorkload.pendingBatch(province.replica) else { continue }
                let principal = workload.principal(province)
                var result: PushResult?
                var times = (with: 0.0, without: 0.0)
                func intoWithout() throws { times.without = try Measure.seconds { _ = try MergeBenchmark.push(batch, into: withoutLots, from: principal) } }
                func intoWith() throws { times.with = try Measure.seconds { result = try MergeBenchmark.push(batch, into: withLots, from: principal) } }
                // Alternate which store goes first, so cache warmth favours neither.
                if (index + night) % 2 == 0 { try intoWithout(); try intoWith() } else { try intoWith(); try intoWithout() }
                if night > 0 {
                    changes += batch.changes.count
                    seconds.with += times.with
                    seconds.without += times.without
                }
                try province.replica.acknowledge(batch, through: result?.acknowledgedThrough ?? 0, rejections: [])
            }
        }
        let lots = try withLots.replica.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM batches") ?? 0 }
        let events = try withLots.replica.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM lot_events") ?? 0 }
        return [
            Figure(name: "merge_with_trace_tables_changes_per_s", value: Double(changes) / seconds.with,
                   note: "\(changes) product changes of 34 provinces' nights merged durably into the store holding \(lots) lots and \(events) events"),
            Figure(name: "merge_without_trace_tables_changes_per_s", value: Double(changes) / seconds.without,
                   note: "the same batches into the same store before any lot or event was written"),
            Figure(name: "merge_with_vs_without_trace_tables_ratio", value: seconds.without / seconds.with,
                   note: "rate with the trace tables over the rate without (1.0 = not slowed)"),
        ]
    }
}
