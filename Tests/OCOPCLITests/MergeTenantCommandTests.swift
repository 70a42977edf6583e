import Foundation
import OCOPModel
import OCOPReplica
import OCOPStore
import Testing

/// `ocop admin merge-tenant` merges only what the 2025 reference table contains (exit 1 and
/// nothing changed otherwise), unless a later reform is named with `--reform`, which is noted
/// on stderr.
@Suite struct MergeTenantCommandTests {
    static let verifier = CredentialVerifier(salt: [1], iterations: 4096, storedKey: Array(repeating: 1, count: 32), serverKey: Array(repeating: 2, count: 32))

    @Test func mergesOutsideTheTableAreRefusedAndChangeNothing() async throws {
        let workspace = try Workspace()
        let path = workspace.path("national.sqlite")
        let store = try SQLiteNationalStore.open(at: path)
        let earlier = LocalDate("2024-01-01")!
        var tenants: [String: UUID] = [:]
        for (code, name) in [("01", "Hà Nội"), ("10", "Lào Cai"), ("15", "Yên Bái"), ("92", "Cần Thơ"), ("08", "Tuyên Quang")] {
            tenants[code] = try store.addProvince(code: code, name: name, verifier: Self.verifier, validFrom: earlier)
        }
        // Hà Giang added only in 2026, as `tenant add` once allowed: its last day would precede its first.
        tenants["02"] = try store.addProvince(code: "02", name: "Hà Giang", verifier: Self.verifier, validFrom: LocalDate("2026-01-10")!)
        try store.replica.save(Producer(tenantID: tenants["92"]!, name: "Hợp tác xã Gạo Cờ Đỏ", type: .cooperative))
        let before = try store.replica.contentDigest()

        func merge(_ arguments: [String]) async throws -> CLIResult {
            try await workspace.run(["admin", "merge-tenant", "--national", path] + arguments)
        }
        let refusals: [([String], [String])] = [
            (["--retired", "92", "--into", "15", "--last-day", "2025-06-30"],
             ["error: --into: the 2025 reference table has no merger of 92 (Cần Thơ) into 15 (Yên Bái) with last day 2025-06-30"]),
            (["--retired", "10", "--into", "01", "--last-day", "2031-06-30"],
             ["error: --into:", "10 (Lào Cai) into 01 (Hà Nội) with last day 2031-06-30", "10 (Lào Cai) became 15 (Lào Cai)"]),
            (["--retired", "10", "--into", "15", "--last-day", "2031-06-30"],
             ["error: --last-day: 2031-06-30 is not the last day of 10 (Lào Cai)", "gives 2025-06-30"]),
            (["--retired", "02", "--into", "08", "--last-day", "2025-06-30"],
             ["error: --last-day: 2025-06-30 is before the valid_from of 02 (Hà Giang, tenants row \(tenants["02"]!.uuidString.lowercased())), 2026-01-10"]),
            (["--retired", "92", "--into", "15", "--last-day", "2031-06-30", "--reform", " "], ["error: --reform: empty"]),
        ]
        for (arguments, messages) in refusals {
            let result = try await merge(arguments)
            #expect(result.status == 1, "\(arguments): \(result)")
            for message in messages { #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)") }
            #expect(!result.stderr.contains("notice:"), "a refused override is no override")
        }
        #expect(try store.replica.contentDigest() == before, "a refused merge changed the national dataset")

        let reform = try await merge(["--retired", "92", "--into", "15", "--last-day", "2031-06-30", "--reform", "Nghị quyết 999/2031/QH16"])
        #expect(reform.status == 0, "\(reform)")
        #expect(reform.stderr.contains("notice: merged outside the 2025 reference table: retired=92 into=15 last_day=2031-06-30 reform=\"Nghị quyết 999/2031/QH16\""),
                "\(reform.stderr)")
        #expect(reform.stdout.contains("moved 1 producers"), "\(reform.stdout)")
        let table = try await merge(["--retired", "10", "--into", "15", "--last-day", "2025-06-30"])
        #expect(table.status == 0 && !table.stderr.contains("notice:"), "\(table)")
        // The store's notices are for the daemon's log: a command that did what it was asked
        // says so on stdout and leaves stderr empty.
        #expect(table.stderr.isEmpty, "\(table.stderr)")
        #expect(!reform.stderr.contains("ocop.store"), "\(reform.stderr)")
    }
}
