import Foundation
import GRDB
import Logging
import OCOPModel
import OCOPNetwork
import OCOPReplica
import OCOPStore
import OCOPSync
import Testing

/// "Đồng bộ ngay" against a real sync server on loopback (the daemon's own `SyncServer` over a
/// national store in a scratch directory): the page runs the sync, says what it did, and lists
/// what the server refused.
@Suite("Province workspace: sync from the page")
struct WorkspaceSyncTests {
    @Test("a producer added in the workspace reaches the national store; a change the server refuses is listed with its reason")
    func syncNow() async throws {
        let daemon = try await LocalDaemon.start("sync")
        defer { daemon.stop() }
        let (scratch, store) = (daemon.scratch, daemon.store)
        let secret = "bí-mật-của-Hà-Nội-0123456789"
        let tenant = try await store.addProvince(code: "01", name: "Hà Nội", verifier: ScramVerifier.make(secret: secret))

        let replicaPath = scratch.appendingPathComponent("province.ocop").path
        let replica = try Replica.create(at: replicaPath, role: .province, tenantID: tenant)
        let sync = daemon.client(tenant.uuidString.lowercased(), secret)
        let workspace = try await WorkspaceHarness.start(sync: sync, replica: (replica, scratch))
        defer { Task { await workspace.stop() } }
        let officer = workspace.browser()
        try await officer.setUp()

        let before = try await officer.get("/sync")
        #expect(before.body.contains("Đồng bộ ngay") && before.body.contains("Chưa bao giờ"))
        let saved = try await officer.post("/producers/new", [
            ("name", "Hợp tác xã Nông nghiệp Sơn Tây"), ("type", "cooperative"), ("tax_code", ""), ("commune", "Phường Sơn Tây"),
            ("representative", ""), ("national_id", ""), ("phone", ""), ("address", ""),
        ])
        #expect(saved.status == 303)
        // A row another tool wrote that the server will refuse: a product of a producer no one has.
        let orphan = Product(tenantID: tenant, producerID: UUID(), classificationCode: "1.2.b", nameVi: "Mật ong không chủ")
        try replica.write { db in try orphan.insert(db) }
        #expect(try await officer.get("/sync").body.contains("<dt>Thay đổi chưa gửi</dt><dd>2</dd>"))

        let started = try await officer.post("/sync", [])
        #expect(started.status == 303 && started.location == "/sync")
        await workspace.server.waitForSync()
        let after = try await officer.get("/sync")
        #expect(after.body.contains("Đồng bộ xong") && after.body.contains("đã gửi 2"), "\(after.body)")
        #expect(after.body.contains("<dt>Thay đổi chưa gửi</dt><dd>0</dd>"))
        #expect(after.body.contains("Thay đổi bị máy chủ từ chối (1)"))
        #expect(after.body.contains("href=\"/products/\(orphan.id.uuidString.lowercased())\""), "the refused change links to its record")
        #expect(try store.replica.fetchAll(Producer.self).map(\.name) == ["Hợp tác xã Nông nghiệp Sơn Tây"])
        // The overview counts what the officer must act on.
        #expect(try await officer.get("/").body.contains("tile attention"))

        // The record says why it was refused; fixed through its form, the next sync sends it again.
        let page = try await officer.get("/products/\(orphan.id.uuidString.lowercased())")
        #expect(page.body.contains("id=\"refusal\"") && page.body.contains("Máy chủ đã từ chối thay đổi của bản ghi này"), "\(page.body.prefix(3000))")
        let producer = try #require(try replica.fetchAll(Producer.self).first)
        let fixed = try await officer.post("/products/\(orphan.id.uuidString.lowercased())", [
            ("name_vi", "Mật ong hoa nhãn Sơn Tây"), ("name_en", ""), ("producer_id", producer.id.uuidString.lowercased()),
            ("classification_code", "1.2.b"), ("gtin", ""), ("status", "registered"), ("description_vi", ""), ("description_en", ""),
        ])
        #expect(fixed.status == 303, "\(fixed.body.prefix(3000))")
        _ = try await officer.post("/sync", [])
        await workspace.server.waitForSync()
        let again = try await officer.get("/sync")
        #expect(again.body.contains("Thay đổi bị máy chủ từ chối (0)"), "\(again.body)")
        #expect(try store.replica.fetchAll(Product.self).map(\.nameVi) == ["Mật ong hoa nhãn Sơn Tây"])
        #expect(try await officer.get("/products/\(orphan.id.uuidString.lowercased())").body.contains("id=\"refusal\"") == false)
    }

    @Test("conflicts with the central office are shown side by side, then settled: one kept, one taken back and synced")
    func conflictShown() async throws {
        let daemon = try await LocalDaemon.start("conflict")
        defer { daemon.stop() }
        let store = daemon.store
        let quiet = LocalDaemon.quiet
        let setting = try await daemon.provinceWithConflict(alsoName: true)
        let (replica, central, provinceSync, centralSync, producer) =
            (setting.replica, setting.central, setting.provinceSync, setting.centralSync, setting.producer)
        let scratch = daemon.scratch

        let workspace = try await WorkspaceHarness.start(sync: provinceSync, replica: (replica, scratch))
        defer { Task { await workspace.stop() } }
        let officer = workspace.browser()
        try await officer.setUp()
        _ = try await officer.post("/sync", [])
        await workspace.server.waitForSync()
        let page = try await officer.get("/sync")
        #expect(page.body.contains("Xung đột (2)"), "\(page.body)")
        let current = try #require(try replica.fetch(Producer.self, id: producer.id)?.commune)
        let other = current == "Phường Thuận Hòa" ? "Phường Phú Nhuận" : "Phường Thuận Hòa"
        #expect(page.body.contains("<td>commune</td><td>\(current)</td><td>\(other)</td>"), "\(page.body)")
        #expect(page.body.contains("sửa đồng thời"))

        // The name: keep what the row holds. The commune: take the other value back.
        let conflicts = try replica.conflictsToReview()
        let name = try #require(conflicts.first { $0.column == "name" })
        let commune = try #require(conflicts.first { $0.column == "commune" })
        let currentName = try #require(try replica.fetch(Producer.self, id: producer.id)?.name)
        #expect(try await officer.post("/sync/conflict", [("conflict", name.reviewKey), ("choice", "keep")], csrf: page.csrf).status == 303)
        #expect(try await officer.post("/sync/conflict", [("conflict", commune.reviewKey), ("choice", "take")], csrf: page.csrf).status == 303)
        let settled = try await officer.get("/sync")
        #expect(settled.body.contains("Xung đột (0)"), "\(settled.body)")
        let row = try #require(try replica.fetch(Producer.self, id: producer.id))
        #expect(row.commune == other && row.name == currentName)
        #expect(try replica.workspaceWrites(of: "producers", key: producer.id).map(\.action) == ["conflictTookOther", "conflictKept"])
        // Settled twice, or a conflict that does not exist: said plainly.
        let twice = try await officer.post("/sync/conflict", [("conflict", commune.reviewKey), ("choice", "take")], csrf: page.csrf)
        #expect(twice.status == 422 && twice.body.contains("đã được xử lý"))
        #expect(try await officer.post("/sync/conflict", [("conflict", commune.reviewKey), ("choice", "burn")], csrf: page.csrf).status == 422)

        // The value taken back is a local change: the next sync sends it, and the central office gets it.
        _ = try await officer.post("/sync", [])
        await workspace.server.waitForSync()
        #expect(try store.replica.fetch(Producer.self, id: producer.id)?.commune == other)
        _ = try await SyncClient.sync(central, configuration: centralSync, logger: quiet)
        #expect(try central.fetch(Producer.self, id: producer.id)?.commune == other)
    }

    @Test("taking back a value the row can no longer hold is refused with the model's reason, nothing written")
    func takingBackAnInvalidValueIsRefused() async throws {
        let workspace = try await WorkspaceHarness.start()
        defer { Task { await workspace.stop() } }
        let producer = Producer(tenantID: workspace.tenant, name: "Hộ kinh doanh Lò Văn Páo", type: .household, representative: "Lò Văn Páo")
        try workspace.replica.save(producer)
        // A conflict whose losing value would leave a household without its head.
        let conflict = ConflictRecord(table: "producers", key: .blob(withUnsafeBytes(of: producer.id.uuid) { Array($0) }),
                                      column: "representative", kind: .concurrentUpdate, losingValue: .null,
                                      losingStamp: Stamp(hlc: HLC(millis: 1_700_000_000_000, logical: 0),
                                                         dot: Dot(replica: ReplicaID(uuid: UUID()), counter: 7)))
        #expect(throws: ValidationErrors.self) { try workspace.replica.review(conflict, choice: .takeOther, by: "lan") }
        #expect(try workspace.replica.fetch(Producer.self, id: producer.id)?.representative == "Lò Văn Páo")
        #expect(try workspace.replica.workspaceWrites(of: "producers", key: producer.id).isEmpty)
    }
}

/// A national store in a scratch directory and the daemon's own `SyncServer` over it on loopback.
struct LocalDaemon {
    /// Huế's replica and a central office's, both synced, then both changing the same producer
    /// without seeing each other's change (its commune, and with `alsoName` its name); the
    /// central office has synced its side, the province not yet.
    struct ConflictSetting {
        var tenant: UUID
        var replica: Replica
        var central: Replica
        var provinceSync: SyncClientConfiguration
        var centralSync: SyncClientConfiguration
        var producer: Producer
    }

    func provinceWithConflict(alsoName: Bool = false) async throws -> ConflictSetting {
        let secret = "bí-mật-của-Huế-0123456789"
        let centralSecret = "bí-mật-trung-ương-0123456789"
        let tenant = try await store.addProvince(code: "46", name: "Huế", verifier: ScramVerifier.make(secret: secret))
        try await store.addCentralAccount(verifier: ScramVerifier.make(secret: centralSecret))
        let replica = try Replica.create(at: scratch.appendingPathComponent("hue.ocop").path, role: .province, tenantID: tenant)
        let central = try Replica.create(at: ":memory:", role: .central, tenantID: nil)
        let provinceSync = client(tenant.uuidString.lowercased(), secret)
        let centralSync = client("central", centralSecret)
        let producer = Producer(tenantID: tenant, name: "Hợp tác xã Nón lá Phú Cam", type: .cooperative, commune: "Phường Phú Cam")
        try replica.save(producer)
        _ = try await SyncClient.sync(replica, configuration: provinceSync, logger: Self.quiet)
        _ = try await SyncClient.sync(central, configuration: centralSync, logger: Self.quiet)
        var theirs = try #require(try central.fetch(Producer.self, id: producer.id))
        theirs.commune = "Phường Thuận Hòa"
        if alsoName { theirs.name = "HTX Nón lá Phú Cam" }
        try central.save(theirs)
        var ours = producer
        ours.commune = "Phường Phú Nhuận"
        if alsoName { ours.name = "Hợp tác xã Nón lá Phú Cam Huế" }
        try replica.save(ours)
        _ = try await SyncClient.sync(central, configuration: centralSync, logger: Self.quiet)
        return ConflictSetting(tenant: tenant, replica: replica, central: central, provinceSync: provinceSync, centralSync: centralSync,
                               producer: producer)
    }

    let scratch: URL
    let store: SQLiteNationalStore
    let port: Int
    let serving: Task<Void, any Error>
    static let quiet: Logger = {
        var logger = Logger(label: "test.workspace.daemon")
        logger.logLevel = .critical
        return logger
    }()

    static func start(_ name: String) async throws -> LocalDaemon {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-workspace-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let store = try SQLiteNationalStore.open(at: scratch.appendingPathComponent("national.sqlite").path)
        var configuration = ServerConfiguration()
        configuration.listen = .init(host: "127.0.0.1", port: 0)
        configuration.metrics = nil
        // A full suite on two cores can hold a login back for seconds; the deadline is not under test.
        configuration.limits.handshakeTimeoutSeconds = 120
        let server = SyncServer(configuration: configuration, store: store, fakeSaltKey: Array("salt-\(name)".utf8), logger: quiet)
        let listener = try await server.bind()
        let serving = Task { try await server.serve(listener) }
        return LocalDaemon(scratch: scratch, store: store, port: listener.localAddress.port ?? 0, serving: serving)
    }

    /// Where `user` syncs with `secret`.
    func client(_ user: String, _ secret: String) -> SyncClientConfiguration {
        var configuration = SyncClientConfiguration(host: "127.0.0.1", port: port, user: user, secret: secret)
        configuration.responseTimeoutSeconds = 600
        return configuration
    }

    func stop() {
        serving.cancel()
        try? FileManager.default.removeItem(at: scratch)
    }
}
