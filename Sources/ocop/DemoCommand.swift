import ArgumentParser
import Foundation
import GRDB
import Logging
import OCOPFeeds
import OCOPModel
import OCOPNetwork
import OCOPReplica
import OCOPStore
import OCOPWorkspace
import ServiceLifecycle
import OCOPSync

/// `ocop demo`: provinces and the central office sync into a national dataset, on this machine.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a demonstration: a sync daemon on loopback, four provinces and the central office.",
        discussion: """
            Everything lives in a temporary directory (kept with --keep DIR): the national dataset \
            (SQLite), each province's replica and the central office's. The provinces record \
            producers, products, evaluations and certificates; Cà Mau takes an application dossier \
            through the cycle (received incomplete, returned, checked, scored by five council \
            members, certified); they work offline (one edit conflicts with the central office) \
            and sync; the demo prints each step and a national summary.
            """
    )

    @Option(help: ArgumentHelp("Keep the files in this directory instead of a temporary one.", valueName: "dir"))
    var keep: String?

    @Flag(help: "At the end, open Hà Nội's province workspace (ocop serve) on 127.0.0.1:8470 with a demo account, the daemon still running, until Ctrl+C.")
    var serve = false

    func run() async throws {
        let directory = keep.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("ocop-demo-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { if keep == nil { try? FileManager.default.removeItem(at: directory) } }
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        for name in ["national.sqlite", "central.ocop"] where FileManager.default.fileExists(atPath: path(name)) {
            throw CLIError.usage("\(path(name)) exists: give --keep an empty directory")
        }

        // The central office sets up the national dataset and the accounts.
        section("1. The central office starts the sync daemon")
        let store = try SQLiteNationalStore.open(at: path("national.sqlite"))
        let centralSecret = DaemonFiles.newAccountSecret()
        try await store.addCentralAccount(verifier: ScramVerifier.make(secret: centralSecret))
        var logger = Logger(label: "ocop.demo")
        logger.logLevel = .error
        var configuration = ServerConfiguration()
        configuration.listen = .init(host: "127.0.0.1", port: 0)
        configuration.metrics = nil
        let files = FileReceiver(registry: store, directory: NationalFileDirectory(path: path("national.sqlite") + ".files"),
                                 quotaBytes: Int64(configuration.limits.attachmentMegabytesPerProvince) * 1_000_000)
        let server = SyncServer(configuration: configuration, store: store, fakeSaltKey: Array(centralSecret.utf8), logger: logger, files: files)
        let listener = try await server.bind()
        let port = listener.localAddress.port ?? 0
        let serving = Task { try await server.serve(listener) }
        defer { serving.cancel() }
        // A temporary directory is gone when the demo ends: name only files that will still exist.
        say("daemon listening on 127.0.0.1:\(port), national dataset \(keep == nil ? "in a temporary directory" : path("national.sqlite"))")

        var provinces: [DemoProvince] = []
        for (code, name) in [("01", "Hà Nội"), ("46", "Huế"), ("68", "Lâm Đồng"), ("96", "Cà Mau")] {
            let secret = DaemonFiles.newAccountSecret()
            let tenant = try await store.addProvince(code: code, name: name, verifier: ScramVerifier.make(secret: secret))
            let replica = try Replica.create(at: path("province-\(code).ocop"), role: .province, tenantID: tenant)
            provinces.append(DemoProvince(code: code, name: name, tenant: tenant, replica: replica, secret: secret))
            say("province \(code) \(name): tenant \(tenant.uuidString.lowercased())")
        }
        let central = try Replica.create(at: path("central.ocop"), role: .central, tenantID: nil)

        section("2. Provinces record producers, products, evaluations and certificates (offline)")
        let today = LocalDate(Date())
        var flagship: [String: Product] = [:]
        for province in provinces {
            let catalogue = DemoCatalogue.entries[province.code] ?? []
            for (index, entry) in catalogue.enumerated() {
                let producer = Producer(tenantID: province.tenant, name: entry.producer, type: entry.type, commune: entry.commune,
                                        representative: entry.type == .household ? entry.representative : nil,
                                        phone: entry.type == .household ? "0912345678" : nil)
                let product = Product(tenantID: province.tenant, producerID: producer.id, classificationCode: entry.classification,
                                      nameVi: entry.nameVi, nameEn: entry.nameEn, descriptionVi: entry.descriptionVi)
                try province.replica.save(producer)
                try province.replica.save(product)
                let evaluation = try Evaluation(tenantID: province.tenant, productID: product.id, evaluatedOn: today, council: .province,
                                                sheet: DemoCatalogue.sheet(total: entry.score))
                try province.replica.save(evaluation)
                if (3...4).contains(evaluation.stars) {
                    let issuance = try CertificationPolicy.standard.issue(
                        number: "\(province.code)-\(today.year)-\(String(format: "%03d", index + 1))", for: evaluation,
                        issuer: .province, issuedOn: today)
                    try province.replica.save(issuance.certificate)
                }
                if index == 0 { flagship[province.code] = product }
                say("\(province.name): \(entry.nameVi) — \(String(format: "%.0f", evaluation.total)) points, \(evaluation.stars)★\(evaluation.stars == 5 ? " (5★ candidate: proposed to the central office)" : "")")
            }
        }

        let hanoi = provinces[0]
        var photographed: Product?
        if let product = flagship[hanoi.code],
           let certificate = try hanoi.replica.fetchAll(Certificate.self).first(where: { $0.productID == product.id }) {
            let replicaPath = path("province-\(hanoi.code).ocop")
            let photo = try DemoFiles.attach(try DemoFiles.photo(), to: "products", id: product.id, tenant: hanoi.tenant, role: .photo,
                                             title: "Hộp quà 500 g", replica: hanoi.replica, replicaPath: replicaPath, on: today)
            let scan = try DemoFiles.attach(DemoFiles.certificateScan(number: certificate.number, product: "Hang Duong salted apricots"),
                                            to: "certificates", id: certificate.id, tenant: hanoi.tenant, role: .certificateScan,
                                            title: "Quyết định \(certificate.number)", replica: hanoi.replica, replicaPath: replicaPath, on: today)
            try hanoi.replica.save(ProductOffer(product: product, priceVND: 185_000, availability: .inStock, netQuantity: 500, netUnit: .gram,
                                                recordedOn: today))
            photographed = product
            say("Hà Nội photographs \(product.nameVi) (\(photo.byteCount) bytes), scans certificate \(certificate.number) (\(scan.byteCount) bytes) and sets its price: 185.000 ₫ for 500 g")
        }

        section("3. Cà Mau takes an application dossier through the cycle (offline)")
        try DemoDossier.run(on: provinces[3].replica, tenant: provinces[3].tenant, code: provinces[3].code, today: today, say: say)

        section("4. First nightly sync (rows first, then files)")
        for province in provinces {
            try await sync(province.replica, user: province.tenant.uuidString.lowercased(), secret: province.secret, port: port, label: province.name,
                           files: AttachmentFiles.beside(replicaAt: path("province-\(province.code).ocop")))
        }
        try await sync(central, user: "central", secret: centralSecret, port: port, label: "central office")

        section("5. A day offline: edits on both sides, one of them conflicting")
        if let product = flagship[hanoi.code] {
            try hanoi.replica.write { try $0.execute(sql: "UPDATE products SET name_en = ? WHERE id = ?", arguments: ["Hang Duong apricot candy", product.id]) }
            try central.write { try $0.execute(sql: "UPDATE products SET name_en = ? WHERE id = ?", arguments: ["Hanoi salted apricots (O mai)", product.id]) }
            say("Hà Nội renames \(product.nameVi) in English; the central office renames it too, differently")
        }
        let lamDong = provinces[2]
        if let candidate = try lamDong.replica.read({ db in
            try Evaluation.filter(Column("stars") == 5).fetchOne(db)
        }) {
            let issuance = try CertificationPolicy.standard.issue(number: "TW-\(today.year)-001", for: candidate, issuer: .central, issuedOn: today)
            try central.save(issuance.certificate)
            say("the central office certifies Lâm Đồng's 5★ candidate (certificate \(issuance.certificate.number))")
        }
        let hue = provinces[1]
        if let product = flagship[hue.code] {
            try hue.replica.write { try $0.execute(sql: "UPDATE products SET description_vi = description_vi || ' Đóng hộp quà tặng.' WHERE id = ?", arguments: [product.id]) }
            say("Huế adds a line to a description (no conflict: nobody else touched it)")
        }

        section("6. Next nightly sync, in a different order")
        try await sync(central, user: "central", secret: centralSecret, port: port, label: "central office")
        for province in provinces.reversed() { try await sync(province.replica, user: province.tenant.uuidString.lowercased(), secret: province.secret, port: port, label: province.name) }
        try await sync(central, user: "central", secret: centralSecret, port: port, label: "central office")
        try await sync(hanoi.replica, user: hanoi.tenant.uuidString.lowercased(), secret: hanoi.secret, port: port, label: hanoi.name)

        section("7. What happened")
        for conflict in try store.replica.conflicts() {
            let winner = try store.replica.read { db in
                try String.fetchOne(db, sql: "SELECT \(conflict.column) FROM \(conflict.table) WHERE id = ?", arguments: [conflict.key.databaseValue])
            } ?? "?"
            say("conflict on \(conflict.table).\(conflict.column): kept '\(winner)'; the losing value \(conflict.losingValue) from \(conflict.origin == central.replicaID ? "the central office" : "Hà Nội") is kept for review")
        }
        if let dossier = try store.replica.fetchAll(Dossier.self).first(where: { $0.reference == DemoDossier.reference(today) }),
           let certificate = try dossier.certificateID.flatMap({ try store.replica.fetch(Certificate.self, id: $0) }) {
            say("the national dataset holds Cà Mau's dossier \(dossier.reference): \(dossier.stage.rawValue) \(dossier.outcome?.rawValue ?? "") on \(dossier.decidedOn.map(\.description) ?? "?"), certificate \(certificate.number) (\(certificate.stars)★), with its \(try store.replica.fetchAll(CouncilScoreSheet.self).filter { $0.dossierID == dossier.id }.count) council sheets")
        }
        if let product = photographed {
            let links = FeedLinks(base: "http://127.0.0.1:8468")
            let feed = try await FeedSnapshot.read(store: store, profile: .asean, since: nil, asOf: today, links: links)
            for case .upsert(let item) in feed.entries where item.id == product.id {
                say("the ASEAN feed lists \(item.nameVi) with its photo \(item.imageURLs.first ?? "-"), its scanned certificate, price \(item.offer?.priceVND.map { ProductOffer.groupedThousands($0) + " ₫" } ?? "-") and page \(item.pageURL ?? "-")")
            }
            let kept = try AttachmentFiles.beside(replicaAt: path("national.sqlite")).hashes().count
            say("the national store holds \(kept) attached file(s), served at /files/{sha256} by `ocop-syncd serve --http`")
        }
        let fiveStars = try lamDong.replica.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM certificates WHERE stars = 5") } ?? 0
        say("Lâm Đồng's replica now holds \(fiveStars) 5★ certificate(s) from the central office")
        let converged = try provinces.allSatisfy { province in
            try rows(province.replica.database, tenant: province.tenant) == rows(store.replica.database, tenant: province.tenant)
        } && rows(central.database, tenant: nil) == rows(store.replica.database, tenant: nil)
        say(converged ? "every replica holds exactly what the national dataset holds for it" : "WARNING: replicas differ from the national dataset")

        section("8. National summary: certified products by province and stars")
        let summary = try store.replica.read { db in
            try Row.fetchAll(db, sql: """
                SELECT t.code, t.name, c.stars, count(*) AS products
                FROM certificates c JOIN tenants t ON t.id = c.tenant_id
                WHERE c.status = 'active' GROUP BY t.code, t.name, c.stars ORDER BY t.code, c.stars
                """)
        }
        print("code".padding(toLength: 6, withPad: " ", startingAt: 0) + "province".padding(toLength: 16, withPad: " ", startingAt: 0)
              + "stars".padding(toLength: 6, withPad: " ", startingAt: 0) + "products")
        for row in summary {
            let code: String = row["code"]
            let name: String = row["name"]
            let stars: Int = row["stars"]
            let count: Int = row["products"]
            print("\(code.padding(toLength: 6, withPad: " ", startingAt: 0))\(name.padding(toLength: 16, withPad: " ", startingAt: 0))\((String(stars) + "★").padding(toLength: 6, withPad: " ", startingAt: 0))\(count)")
        }
        if !converged { throw CLIError(.internalError, lines: ["error: the demo's replicas did not converge"]) }
        print("")
        if serve {
            section("9. Hà Nội's province workspace")
            try await openWorkspace(provinces[0], daemonPort: port)
            return
        }
        say("the province workspace: `ocop demo --serve` opens Hà Nội's at http://127.0.0.1:8470/ when the demo ends")
        if keep != nil {
            say("files kept in \(directory.path)")
            print("next: ocop report stars --national \(path("national.sqlite"))   (or: ocop product list --replica \(path("province-01.ocop")))")
        } else {
            print("next: the demo's files were removed; run `ocop demo --keep DIR` to keep them and explore them with `ocop report` and `ocop product list`")
        }
    }

    /// Serves `province`'s workspace, syncing with the demo's daemon, until Ctrl+C.
    private func openWorkspace(_ province: DemoProvince, daemonPort: Int) async throws {
        let password = "ocop-demo-" + DaemonFiles.newAccountSecret().prefix(8)
        try WorkspaceServer.addAccount(to: province.replica, name: "demo", displayName: "Cán bộ OCOP \(province.name)", role: .approver,
                                       password: String(password))
        var sync = SyncClientConfiguration(host: "127.0.0.1", port: daemonPort, user: province.tenant.uuidString.lowercased(), secret: province.secret)
        sync.files = AttachmentFiles.beside(replicaAt: province.replica.path)
        var logger = Logger(label: "ocop.demo.workspace")
        logger.logLevel = .error
        let workspace = try await WorkspaceServer(replica: province.replica, configuration: WorkspaceConfiguration(sync: sync), logger: logger)
        let application = try workspace.application { channel in
            say("open http://127.0.0.1:\(channel.localAddress?.port ?? 8470)/ and log in as demo, password \(password)")
            say("press Ctrl+C to stop the workspace and the daemon")
            fflush(nil)
        }
        let group = ServiceGroup(services: [application], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
    }

    private func sync(_ replica: Replica, user: String, secret: String, port: Int, label: String, files: AttachmentFiles? = nil) async throws {
        var logger = Logger(label: "ocop.demo.sync")
        logger.logLevel = .error
        var configuration = SyncClientConfiguration(host: "127.0.0.1", port: port, user: user, secret: secret)
        configuration.files = files
        let summary = try await SyncClient.sync(replica, configuration: configuration, logger: logger)
        let report = summary.report
        let sentFiles = summary.files.map { $0.sent > 0 ? ", \($0.sent) file(s) (\($0.bytesSent) bytes)" : "" } ?? ""
        say("sync \(label): sent \(report.changesPushed)\(sentFiles), received \(report.changesPulled), conflicts \(report.conflictsRecorded), \(summary.bytesSent + summary.bytesReceived) bytes")
    }

    private func rows(_ database: any DatabaseReader, tenant: UUID?) throws -> [String] {
        try database.read { db in
            var result: [String] = []
            for table in ["producers", "products", "evaluations", "certificates", "dossiers", "council_scores"] {
                // The schema's columns: the national store keeps each row's feed position beside them.
                let columns = (["id"] + (OCOPSchema.table(named: table)?.columnNames ?? [])).map { "\"\($0)\"" }.joined(separator: ", ")
                let sql = "SELECT \(columns) FROM \(table)" + (tenant == nil ? " ORDER BY id" : " WHERE tenant_id = ? ORDER BY id")
                result += try Row.fetchAll(db, sql: sql, arguments: tenant.map { [$0] } ?? []).map(\.description)
            }
            return result
        }
    }

    private func section(_ title: String) { print("\n== \(title)") }
    private func say(_ line: String) { print("   \(line)") }
}

struct DemoProvince {
    let code: String
    let name: String
    let tenant: UUID
    let replica: Replica
    let secret: String
}

