import Foundation
import GRDB
import OCOPModel
import OCOPStore
import Testing

@Suite("National store: administration")
struct AdministrationTests {
    let august2025 = try! LocalDate(year: 2025, month: 8, day: 1)

    func refusal(_ code: String, _ name: String?, on date: LocalDate? = nil) -> ProvinceAdmissionError? {
        do { _ = try ProvinceAdmission.check(code: code, name: name, on: date ?? august2025); return nil } catch { return error }
    }

    @Test("tenant add: codes and names are checked against the table in force on the day")
    func provincesAreCheckedAgainstTheTable() throws {
        #expect(try ProvinceAdmission.check(code: "01", name: "Hà Nội", on: august2025).name == "Hà Nội")
        #expect(try ProvinceAdmission.check(code: "46", name: nil, on: august2025).name == "Huế")
        #expect(try ProvinceAdmission.check(code: "79", name: "TP Hồ Chí Minh", on: august2025).name == "Thành phố Hồ Chí Minh")
        #expect(try ProvinceAdmission.check(code: " 68 ", name: "lâm  đồng", on: august2025).code == "68")

        let unknown = try #require(refusal("99", "Hà Nội"))
        #expect(unknown.field == .code)
        #expect(unknown.message.contains("99 is not a province code"), "\(unknown)")
        let short = try #require(refusal("1", "Hà Nội"))
        #expect(short.field == .code)
        #expect(short.message.contains("did you mean 01 (Hà Nội)?"), "\(short)")
        let retired = try #require(refusal("10", "Lào Cai"))
        #expect(retired.field == .code)
        #expect(retired.message.contains("10 (Lào Cai) is a retired code"), "\(retired)")
        #expect(retired.message.contains("15 (Lào Cai)"), "\(retired)")
        let letters = try #require(refusal("HN", nil))
        #expect(letters.field == .code)
        let mismatch = try #require(refusal("01", "Huế"))
        #expect(mismatch.field == .name)
        #expect(mismatch.message.contains("which is Hà Nội"), "\(mismatch)")
        #expect(mismatch.message.contains("Huế is code 46"), "\(mismatch)")
        #expect(refusal("01", "  ")?.field == .name)
        // Before the merger, "10" was Lào Cai and "02" Hà Giang: the date decides.
        let june2025 = try LocalDate(year: 2025, month: 6, day: 30)
        #expect(refusal("10", "Lào Cai", on: june2025) == nil)
        #expect(refusal("15", "Lào Cai", on: june2025)?.field == .name)
    }

    @Test("a checked province stores the table's name and today's date (Vietnam)")
    func checkedProvinceIsStored() throws {
        let store = try SQLiteNationalStore.open(at: ":memory:")
        let tenant = try store.addCheckedProvince(code: "79", name: "tp hồ chí minh", verifier: testVerifier, on: august2025)
        let account = try #require(try store.accounts().first { $0.tenantID == tenant })
        #expect(account.name == "Thành phố Hồ Chí Minh")
        #expect(account.code == "79")
        let from = try store.replica.read { db in try String.fetchOne(db, sql: "SELECT valid_from FROM tenants WHERE id = ?", arguments: [tenant]) }
        #expect(from == "2025-08-01")
        #expect(throws: ProvinceAdmissionError.self) { try store.addCheckedProvince(code: "99", name: nil, verifier: testVerifier) }
    }

    @Test("replica status names the province by code and name, not only its account UUID")
    func statusNamesProvinces() async throws {
        let federation = try Federation(provinceNames: [("46", "Huế")])
        try await federation.sync(0)
        let status = try #require(try await federation.store.replicaStatuses().first)
        #expect(status.code == "46")
        #expect(status.name == "Huế")
    }

    @Test("a restore's credential changes: revocations are found and can be reapplied to the restored copy")
    func credentialChangesSinceABackup() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-credentials-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let live = directory.appendingPathComponent("national.sqlite").path
        let backup = directory.appendingPathComponent("backup.sqlite").path
        let store = try SQLiteNationalStore.open(at: live)
        let hanoi = try store.addProvince(code: "01", name: "Hà Nội", verifier: testVerifier)
        let hue = try store.addProvince(code: "46", name: "Huế", verifier: testVerifier)
        let (_, leaked) = try store.issueAPIToken(name: "Nguyễn Văn A", scope: .review)
        let (_, kept) = try store.issueAPIToken(name: "Trần Thị B", scope: .read)
        try store.backup(to: backup)

        // After the backup: a leaked token revoked, a secret rotated, an account disabled,
        // a token issued and a province added.
        try store.revokeAPIToken(id: leaked.id)
        let rotated = CredentialVerifier(salt: [9, 9], iterations: 4096, storedKey: Array(repeating: 1, count: 32), serverKey: Array(repeating: 2, count: 32))
        try store.rotateSecret(user: hanoi.uuidString.lowercased(), verifier: rotated)
        try store.setEnabled(user: hue.uuidString.lowercased(), false)
        let (_, issued) = try store.issueAPIToken(name: "Lê Văn C", scope: .read)
        let lamDong = try store.addProvince(code: "68", name: "Lâm Đồng", verifier: testVerifier)

        let changes = try CredentialChanges.between(current: live, restored: backup)
        let kinds = Dictionary(grouping: changes, by: \.kind).mapValues { $0.map(\.subject) }
        #expect(kinds[.tokenRevoked] == [leaked.id])
        #expect(kinds[.secretRotated] == [hanoi.uuidString.lowercased()])
        #expect(kinds[.accountDisabled] == [hue.uuidString.lowercased()])
        #expect(kinds[.tokenIssued] == [issued.id])
        #expect(kinds[.accountAdded] == [lamDong.uuidString.lowercased()])
        #expect(!changes.contains { $0.subject == kept.id })
        #expect(changes.first { $0.kind == .secretRotated }?.description.contains("01 Hà Nội") == true)

        #expect(try CredentialChanges.reapplyRevocations(changes, current: live, restored: backup) == 3)
        let restored = try SQLiteNationalStore.open(at: backup)
        #expect(try restored.apiTokens().first { $0.id == leaked.id }?.revokedAt != nil)
        #expect(try restored.apiTokens().first { $0.id == kept.id }?.revokedAt == nil)
        #expect(try restored.account(user: hanoi.uuidString.lowercased())?.verifier == rotated)
        #expect(try restored.account(user: hue.uuidString.lowercased())?.isEnabled == false)
        // Only the lost additions remain.
        #expect(try CredentialChanges.between(current: live, restored: backup).allSatisfy { !$0.isRevocation })
    }
}
