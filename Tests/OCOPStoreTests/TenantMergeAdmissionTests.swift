import Foundation
import GRDB
import OCOPModel
import OCOPStore
import Testing

/// Tenant merges follow the 2025 reference table: the pair and the last day must be the
/// table's, unless a later reform is named; dates out of order are refused whatever is named;
/// a refused merge changes nothing.
@Suite("National store: tenant merges follow the reference table")
struct TenantMergeAdmissionTests {
    static let before = LocalDate("2024-01-01")!
    static let lastDay = LocalDate("2025-06-30")!

    static func tenant(_ code: String, _ name: String, from: LocalDate? = before) -> Tenant {
        Tenant(code: code, name: name, kind: .province, validFrom: from)
    }

    static func refusal(_ retired: Tenant, _ survivor: Tenant, _ lastDay: LocalDate, reform: String? = nil) -> TenantMergeAdmissionError? {
        do { _ = try TenantMergeAdmission.check(retired: retired, survivor: survivor, lastDay: lastDay, reform: reform); return nil } catch { return error }
    }

    @Test("the table's pairs on the table's last day are accepted")
    func mergersOfTheTableAreAccepted() throws {
        let laoCai = try TenantMergeAdmission.check(retired: Self.tenant("10", "Lào Cai"), survivor: Self.tenant("15", "Yên Bái"),
                                                    lastDay: Self.lastDay, reform: nil)
        #expect(laoCai?.newName == "Lào Cai")
        let haGiang = try TenantMergeAdmission.check(retired: Self.tenant("02", "Hà Giang"), survivor: Self.tenant("08", "Tuyên Quang"),
                                                     lastDay: Self.lastDay, reform: nil)
        #expect(haGiang?.oldCode == "02" && haGiang?.newCode == "08")
    }

    @Test("a pair the table does not contain is refused, naming both codes and the date")
    func pairsOutsideTheTableAreRefused() throws {
        let canTho = try #require(Self.refusal(Self.tenant("92", "Cần Thơ"), Self.tenant("15", "Lào Cai"), Self.lastDay))
        #expect(canTho.field == .into)
        for part in ["no merger of 92 (Cần Thơ) into 15 (Lào Cai)", "2025-06-30", "92 (Cần Thơ) continues as 92 (Cần Thơ)", "--reform"] {
            #expect(canTho.message.contains(part), "\(canTho)")
        }
        let future = try #require(Self.refusal(Self.tenant("10", "Lào Cai"), Self.tenant("01", "Hà Nội"), LocalDate("2031-06-30")!))
        #expect(future.field == .into)
        for part in ["no merger of 10 (Lào Cai) into 01 (Hà Nội)", "2031-06-30", "10 (Lào Cai) became 15 (Lào Cai) after 2025-06-30"] {
            #expect(future.message.contains(part), "\(future)")
        }
        // A unit that was not merged (Huế) merges into nothing.
        #expect(Self.refusal(Self.tenant("46", "Huế"), Self.tenant("01", "Hà Nội"), Self.lastDay)?.field == .into)
        // A code the table never had.
        let unknown = try #require(Self.refusal(Self.tenant("99", "Nowhere"), Self.tenant("01", "Hà Nội"), Self.lastDay))
        #expect(unknown.message.contains("99 is not a code of the table"), "\(unknown)")
    }

    @Test("the table's pair on another day is refused, naming the day the table gives")
    func theLastDayMustBeTheTables() throws {
        let wrong = try #require(Self.refusal(Self.tenant("10", "Lào Cai"), Self.tenant("15", "Yên Bái"), LocalDate("2031-06-30")!))
        #expect(wrong.field == .lastDay)
        #expect(wrong.message.contains("2031-06-30 is not the last day of 10 (Lào Cai)") && wrong.message.contains("gives 2025-06-30"), "\(wrong)")
    }

    @Test("a later reform named with --reform overrides the table, never the order of dates")
    func aReformOverridesTheTableOnly() throws {
        #expect(try TenantMergeAdmission.check(retired: Self.tenant("92", "Cần Thơ"), survivor: Self.tenant("15", "Lào Cai"),
                                               lastDay: LocalDate("2031-06-30")!, reform: "Nghị quyết 999/2031/QH16") == nil)
        #expect(Self.refusal(Self.tenant("92", "Cần Thơ"), Self.tenant("15", "Lào Cai"), Self.lastDay, reform: "  ")?.field == .reform)
        // Added in 2026 (a retired code only a data migration could add), merged with a last day in 2025.
        let late = Self.tenant("02", "Hà Giang", from: LocalDate("2026-01-10")!)
        for reform in [nil, "Nghị quyết 999/2031/QH16"] {
            let refusal = try #require(Self.refusal(late, Self.tenant("08", "Tuyên Quang"), Self.lastDay, reform: reform))
            #expect(refusal.field == .lastDay)
            #expect(refusal.message.contains("before the valid_from of 02 (Hà Giang, tenants row \(late.id.uuidString.lowercased())), 2026-01-10"), "\(refusal)")
        }
    }

    @Test("merging into itself, twice, or into a merged province is refused")
    func mergedTenantsAreRefused() throws {
        let haGiang = Self.tenant("02", "Hà Giang"), tuyenQuang = Self.tenant("08", "Tuyên Quang")
        #expect(Self.refusal(haGiang, haGiang, Self.lastDay)?.field == .into)
        var merged = haGiang
        merged.mergedInto = tuyenQuang.id
        merged.validUntil = Self.lastDay
        let twice = try #require(Self.refusal(merged, tuyenQuang, Self.lastDay, reform: "any"))
        #expect(twice.field == .retired && twice.message.contains("merged_into is \(tuyenQuang.id.uuidString.lowercased())"), "\(twice)")
        var gone = tuyenQuang
        gone.mergedInto = UUID()
        #expect(Self.refusal(haGiang, gone, Self.lastDay)?.field == .into)
    }

    @Test("through the store: a refused merge changes nothing; the table's merge moves the rows")
    func throughTheStore() async throws {
        let store = try SQLiteNationalStore.open(at: ":memory:")
        let verifier = CredentialVerifier(salt: [1], iterations: 4096, storedKey: Array(repeating: 1, count: 32), serverKey: Array(repeating: 2, count: 32))
        let laoCaiOld = try store.addProvince(code: "10", name: "Lào Cai", verifier: verifier, validFrom: Self.before)
        let yenBai = try store.addProvince(code: "15", name: "Yên Bái", verifier: verifier, validFrom: Self.before)
        let canTho = try store.addProvince(code: "92", name: "Cần Thơ", verifier: verifier, validFrom: Self.before)
        let producer = Producer(tenantID: canTho, name: "Hợp tác xã Gạo Cờ Đỏ", type: .cooperative)
        try store.replica.save(producer)
        let before = try store.replica.contentDigest()

        await #expect(throws: TenantMergeAdmissionError.self) {
            try await store.mergeTenantFollowingReference(canTho, into: yenBai, lastDay: Self.lastDay, reform: nil)
        }
        await #expect(throws: TenantMergeAdmissionError.self) {
            try await store.mergeTenantFollowingReference(UUID(), into: yenBai, lastDay: Self.lastDay, reform: nil)
        }
        #expect(try store.replica.contentDigest() == before, "a refused merge wrote something")
        #expect(try await store.accounts().allSatisfy(\.isEnabled))

        let merged = try await store.mergeTenantFollowingReference(laoCaiOld, into: yenBai, lastDay: Self.lastDay, reform: nil)
        #expect(merged.survivor == yenBai)
        let retired = try #require(try store.replica.fetch(Tenant.self, id: laoCaiOld))
        #expect(retired.mergedInto == yenBai && retired.validUntil == Self.lastDay)
    }
}
