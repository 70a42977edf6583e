import Foundation
import OCOPTestSupport
import GRDB
import OCOPReplica
import OCOPSync

/// A fresh directory for one test, removed by the caller with `defer`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Fixed tenant ids for tests.
enum TestTenants {
    static let hanoi = UUID(uuidString: "01900000-0000-7000-8000-000000000001")!
    static let hue = UUID(uuidString: "01900000-0000-7000-8000-000000000046")!
}

/// A 16-byte key from a small number, so tests can name rows.
func rowKey(_ n: Int) -> Data {
    var bytes = [UInt8](repeating: 0, count: 16)
    bytes[15] = UInt8(n & 0xFF)
    bytes[14] = UInt8((n >> 8) & 0xFF)
    bytes[0] = 0x01
    return Data(bytes)
}

/// Inserts a product row with plain SQL, as any program could.
func insertProduct(_ db: Database, id: Data, tenant: UUID, name: String, status: String = "active") throws {
    try db.execute(
        sql: """
        INSERT INTO products(id, tenant_id, producer_id, classification_code, classification_version, name_vi, status)
        VALUES (?, ?, ?, '1.3.c', 'QD148-2023', ?, ?)
        """,
        arguments: [id, tenant, rowKey(9999), name, status]
    )
}

/// Runs the system `sqlite3` shell on a database file.
@discardableResult
func sqlite3Shell(_ path: String, _ sql: String) async throws -> String {
    let run = try await ChildProcess.run(URL(fileURLWithPath: "/usr/bin/sqlite3"), [path, sql])
    if run.status != 0 { throw ShellError(message: run.errors) }
    return run.output
}

struct ShellError: Error { var message: String }
