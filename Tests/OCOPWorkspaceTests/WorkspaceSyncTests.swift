import Foundation
import GRDB
import Logging
import OCOPModel
import OCOPNetwork
import OCOPReplica
import OCOPStore
import Testing

/// "Đồng bộ ngay" against a real sync server on loopback (the daemon's own `SyncServer` over a
/// national store in a scratch directory): the page runs the sync, says what it did, and lists
/// what the server refused.
@Suite("Province workspace: sync from the page")
struct WorkspaceSyncTests {
    @Test("a producer added in the workspace reaches the national store; a change the server refuses is listed with its reason")
    func syncNow() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-workspace-sync-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let store = try SQLiteNationalStore.open(at: scratch.appendingPathComponent("national.sqlite").path)
        let secret = "bí-mật-của-Hà-Nội-0123456789"
        let tenant = try await store.addProvince(code: "01", name: "Hà Nội", verifier: ScramVerifier.make(secret: secret))
        var serverConfiguration = ServerConfiguration()
        serverConfiguration.listen = .init(host: "127.0.0.1", port: 0)
        serverConfiguration.metrics = nil
        var quiet = Logger(label: "test.workspace.daemon")
        quiet.logLevel = .critical
        let server = SyncServer(configuration: serverConfiguration, store: store, fakeSaltKey: Array(secret.utf8), logger: quiet)
        let listener = try await server.bind()
        let serving = Task { try await server.serve(listener) }
        defer { serving.cancel() }

        let replicaPath = scratch.appendingPathComponent("province.ocop").path
        let replica = try Replica.create(at: replicaPath, role: .province, tenantID: tenant)
        var sync = SyncClientConfiguration(host: "127.0.0.1", port: listener.localAddress.port ?? 0, user: tenant.uuidString.lowercased(), secret: secret)
        sync.responseTimeoutSeconds = 600
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
    }
}
