import Foundation
import GRDB
import OCOPNetwork
import OCOPReplica
import OCOPStore
import Testing

/// Against a real daemon: rows the server refuses, then deleted by the province, leave the
/// parked list; `ocop rejected` and `ocop pending` agree, and sync exits 0 again.
@Suite("refused rows deleted by the province", .serialized)
struct ParkedDeleteSyncTests {
    func ocop(_ arguments: [String], environment: [String: String]) async throws -> OCOPRun {
        try await runOCOP(arguments, environment: environment)
    }

    @Test func anotherProvincesTenantAProvinceFiveStarCertificateAndATwoByteId() async throws {
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        try await daemon.start()
        let secret = "hanoi-secret-0123456789"
        let store = try daemon.store()
        let tenant = try await store.addProvince(code: "01", name: "Hà Nội", verifier: ScramVerifier.make(secret: secret))
        let hue = try await store.addProvince(code: "46", name: "Huế", verifier: ScramVerifier.make(secret: "hue-secret-0123456789"))
        let replicaPath = daemon.dataDirectory.appendingPathComponent("hanoi.ocop").path
        let secretFile = daemon.dataDirectory.appendingPathComponent("secret").path
        try secret.write(toFile: secretFile, atomically: true, encoding: .utf8)
        let replica = try Replica.create(at: replicaPath, role: .province, tenantID: tenant)
        let insertProduct = """
            INSERT INTO products(id, tenant_id, producer_id, classification_code, classification_version, name_vi, status)
            VALUES (?, ?, ?, '1.2.b', 'QD148-2023', ?, 'registered')
            """
        let tinyKey = Data([0x01, 0x02])
        try replica.write { db in
            try db.execute(sql: "INSERT INTO producers(id, tenant_id, name, type) VALUES (?, ?, 'HTX Mật ong', 'cooperative')",
                           arguments: [productKey(90), tenant])
            try db.execute(sql: insertProduct, arguments: [productKey(1), tenant, productKey(90), "Mật ong"])
            try db.execute(sql: insertProduct, arguments: [productKey(2), hue, productKey(90), "Trà của Huế"])
            try db.execute(sql: insertProduct, arguments: [tinyKey, tenant, productKey(90), "Id hai byte"])
            try db.execute(sql: """
                INSERT INTO certificates(id, tenant_id, product_id, number, stars, issuer, issued_on, expires_on, status)
                VALUES (?, ?, ?, '5/QĐ', 5, 'province', '2025-08-01', '2028-08-01', 'active')
                """, arguments: [productKey(3), tenant, productKey(1)])
        }
        let environment = ["OCOP_REPLICA": replicaPath, "OCOP_SERVER": "127.0.0.1:\(daemon.port)", "OCOP_SECRET_FILE": secretFile]

        let refused = try await ocop(["sync"], environment: environment)
        #expect(refused.status == 6, "\(refused.output) \(refused.errors)")
        #expect(try replica.parkedRejections().count == 3)

        try replica.write { db in
            try db.execute(sql: "DELETE FROM certificates WHERE id = ?", arguments: [productKey(3)])
            try db.execute(sql: "DELETE FROM products WHERE id IN (?, ?)", arguments: [productKey(2), tinyKey])
        }
        let synced = try await ocop(["sync"], environment: environment)
        #expect(synced.status == 0, "\(synced.output) \(synced.errors)")
        let rejected = try await ocop(["rejected"], environment: environment)
        #expect(rejected.output.contains("No rejected changes."), "\(rejected.output)")
        let pending = try await ocop(["pending"], environment: environment)
        #expect(pending.output.contains("Nothing pending"), "\(pending.output)")
        let again = try await ocop(["sync"], environment: environment)
        #expect(again.status == 0, "\(again.output) \(again.errors)")
    }
}
