import Foundation
import GRDB
import OCOPNetwork
import OCOPReplica
import OCOPStore
import Testing

/// `ocop sync` and `ocop demo` as a user (or cron) runs them.
@Suite("ocop sync and ocop demo", .serialized)
struct CommandLineSyncTests {
    typealias Result = OCOPRun

    func ocop(_ arguments: [String], environment: [String: String] = [:]) async throws -> Result {
        try await runOCOP(arguments, environment: environment)
    }

    @Test func demoRunsAndConverges() async throws {
        let result = try await ocop(["demo"])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.contains("every replica holds exactly what the national dataset holds for it"))
        #expect(result.output.contains("conflict on products.name_en"))
        #expect(result.output.contains("5★"))
        // A photo and a scanned certificate attached offline travel after the rows and reach the feed.
        #expect(result.output.contains("sync Hà Nội: sent 11, 2 file(s)"), "\(result.output)")
        #expect(result.output.contains("the ASEAN feed lists Ô mai mơ Hàng Đường with its photo http://127.0.0.1:8468/files/"), "\(result.output)")
        #expect(result.output.contains("the national store holds 2 attached file(s)"), "\(result.output)")
    }

    @Test func mergeTenantOnTheDemoDataset() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-merge-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try await ocop(["demo", "--keep", directory.path]).status == 0)
        let national = directory.appendingPathComponent("national.sqlite").path
        // Huế and Hà Nội were not merged in 2025: only a later reform, named, can merge them.
        let outsideTheTable = try await ocop(["admin", "merge-tenant", "--national", national, "--retired", "46", "--into", "01", "--last-day", "2031-06-30"])
        #expect(outsideTheTable.status == 1, "\(outsideTheTable.errors)")
        #expect(outsideTheTable.errors.contains("no merger of 46 (Huế) into 01 (Hà Nội)"), "\(outsideTheTable.errors)")
        let merged = try await ocop(["admin", "merge-tenant", "--national", national, "--retired", "46", "--into", "01", "--last-day", "2031-06-30",
                               "--reform", "Nghị quyết 999/2031/QH16"])
        #expect(merged.status == 0, "\(merged.errors)")
        #expect(merged.errors.contains("notice: merged outside the 2025 reference table"), "\(merged.errors)")
        #expect(merged.output.contains("moved 2 products"))
        // Reports answer for their date: until the reform's last day Huế's products are Huế's.
        let stars = try await ocop(["report", "stars", "--national", national, "--json", "--by", "province"])
        #expect(stars.status == 0 && stars.output.contains("Huế"), "the merger takes effect after 2031-06-30, not today")
        let again = try await ocop(["admin", "merge-tenant", "--national", national, "--retired", "46", "--into", "01", "--last-day", "2031-06-30",
                              "--reform", "Nghị quyết 999/2031/QH16"])
        #expect(again.status == 2, "the retired code no longer names a current province")
    }

    @Test func syncExitCodesAScriptCanTrust() async throws {
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        try await daemon.start()
        let secret = "hanoi-secret-0123456789"
        let tenant = try await daemon.store().addProvince(code: "01", name: "Hà Nội", verifier: ScramVerifier.make(secret: secret))
        try seedProducer(daemon.store(), tenant: tenant, name: "Hà Nội")
        let replicaPath = daemon.dataDirectory.appendingPathComponent("hanoi.ocop").path
        let secretFile = daemon.dataDirectory.appendingPathComponent("secret").path
        try secret.write(toFile: secretFile, atomically: true, encoding: .utf8)
        let replica = try Replica.create(at: replicaPath, role: .province, tenantID: tenant)
        try replica.write { db in
            try db.execute(sql: """
                INSERT INTO products(id, tenant_id, producer_id, classification_code, classification_version, name_vi, status)
                VALUES (?, ?, ?, '1.2.b', 'QD148-2023', 'Mật ong', 'registered')
                """, arguments: [productKey(1), tenant, producerKey(tenant: tenant)])
        }
        let environment = ["OCOP_REPLICA": replicaPath, "OCOP_SERVER": "127.0.0.1:\(daemon.port)", "OCOP_SECRET_FILE": secretFile]

        let synced = try await ocop(["sync", "--json"], environment: environment)
        #expect(synced.status == 0, "\(synced.errors)")
        let summary = try JSONSerialization.jsonObject(with: Data(synced.output.utf8)) as? [String: Any]
        #expect(summary?["changes_sent"] as? Int == 1)
        #expect((summary?["bytes_sent"] as? Int ?? 0) > 0)

        // Refused changes: synced, but exit 6 so the timer's log shows someone must act.
        try replica.write { try $0.execute(sql: "INSERT INTO tenants(id, code, name, kind) VALUES (?, '99', 'Giả', 'province')", arguments: [productKey(3)]) }
        let refused = try await ocop(["sync"], environment: environment)
        #expect(refused.status == 6, "\(refused.output) \(refused.errors)")
        #expect(refused.output.contains("ocop rejected"))

        let wrongSecretFile = daemon.dataDirectory.appendingPathComponent("wrong").path
        try "not-the-secret-at-all".write(toFile: wrongSecretFile, atomically: true, encoding: .utf8)
        let denied = try await ocop(["sync", "--secret-file", wrongSecretFile], environment: environment)
        #expect(denied.status == 4)
        #expect(denied.errors.contains("AUTHENTICATION_FAILED"))

        await daemon.stop()
        let unreachable = try await ocop(["sync"], environment: environment)
        #expect(unreachable.status == 3)
        #expect(unreachable.errors.contains("cannot reach"))
    }
}
