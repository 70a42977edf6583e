import Foundation
import OCOPModel
import OCOPPostgres
import OCOPReplica
import OCOPStore
import OCOPSync
import OCOPTestSupport
import Testing

/// Moving a central office from SQLite to PostgreSQL (`ocop-syncd store copy`): everything
/// arrives, the digests agree, and the provinces go on syncing without re-initialising.
@Suite("Copying a national store from SQLite to PostgreSQL", .serialized,
       .enabled(if: TestPostgres.server != nil, "needs OCOP_TEST_POSTGRES (.ci/start-postgres)"))
struct StoreCopyTests {
    static let verifier = CredentialVerifier(
        salt: [1, 2, 3], iterations: 4096, storedKey: Array(repeating: 7, count: 32), serverKey: Array(repeating: 9, count: 32))

    static func sync(_ replica: Replica, _ store: any NationalBackend, tenant: UUID?) async throws -> SyncReport {
        let account = try #require(try await store.account(user: tenant?.uuidString.lowercased() ?? "central"))
        _ = try await store.openSession(replica: replica.replicaID, account: account)
        let principal = Principal(replica: replica.replicaID, role: tenant == nil ? .central : .province, tenantID: tenant)
        return try await replica.sync(over: InProcessChannel(store: store, principal: principal))
    }

    @Test("a lived-in SQLite store arrives whole, and provinces and the central office carry on from their cursors")
    func copyAndCarryOn() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-copy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let sqlite = try SQLiteNationalStore.open(at: scratch.appendingPathComponent("national.sqlite").path)
        try await sqlite.addCentralAccount(verifier: Self.verifier)
        var provinces: [(tenant: UUID, replica: Replica, products: [Product])] = []
        for (code, name) in [("01", "Hà Nội"), ("46", "Huế")] {
            let tenant = try await sqlite.addProvince(code: code, name: name, verifier: Self.verifier)
            let replica = try Replica.create(at: ":memory:", role: .province, tenantID: tenant)
            let producer = Producer(tenantID: tenant, name: "Hợp tác xã Trà \(name)", type: .cooperative)
            try replica.save(producer)
            let products = (1...30).map { Product(tenantID: tenant, producerID: producer.id, classificationCode: "1.3.c", nameVi: "Trà \(name) \($0)") }
            try replica.saveAll(products)
            _ = try await Self.sync(replica, sqlite, tenant: tenant)
            provinces.append((tenant, replica, products))
        }
        // A central office machine, a conflict with Hà Nội, a resolution, deletions, a token.
        let central = try Replica.create(at: ":memory:", role: .central, tenantID: nil)
        _ = try await Self.sync(central, sqlite, tenant: nil)
        var provinceEdit = provinces[0].products[0]
        provinceEdit.nameVi = "Trà tỉnh"
        try provinces[0].replica.save(provinceEdit)
        var centralEdit = provinces[0].products[0]
        centralEdit.nameVi = "Trà trung ương"
        try central.save(centralEdit)
        _ = try await Self.sync(central, sqlite, tenant: nil)
        _ = try await Self.sync(provinces[0].replica, sqlite, tenant: provinces[0].tenant)
        let conflict = try #require(try await sqlite.conflicts().first)
        _ = try await sqlite.resolveConflict(conflict, choice: .loser, writing: conflict.losingValue, reference: .standard, at: Date())
        for product in provinces[1].products.prefix(3) { _ = try provinces[1].replica.delete(Product.self, id: product.id) }
        _ = try await Self.sync(provinces[1].replica, sqlite, tenant: provinces[1].tenant)
        _ = try await sqlite.issueAPIToken(name: "Nguyễn Thị Hoa", scope: .review)
        // Everyone up to date before the move, so anything pulled after it is new.
        _ = try await Self.sync(central, sqlite, tenant: nil)
        _ = try await Self.sync(provinces[0].replica, sqlite, tenant: provinces[0].tenant)
        _ = try await Self.sync(provinces[1].replica, sqlite, tenant: provinces[1].tenant)

        let original = try await sqlite.contents()
        #expect(original.rows["products"]?.count == 60 && original.conflicts.count == 1)
        let database = try await TestPostgres.newDatabase()
        let postgres = try await PostgresNationalStore.open(database)
        try await postgres.load(original)
        await postgres.close()
        let moved = try await PostgresNationalStore.open(database)
        let copied = try await moved.contents()
        #expect(copied.digest == original.digest)
        #expect(copied.summary == original.summary)

        // And back to a new SQLite file: the same digest again.
        let back = scratch.appendingPathComponent("back.sqlite").path
        try await SQLiteNationalStore.open(at: back).load(copied)
        let returned = try SQLiteNationalStore.open(at: back)
        #expect(try await returned.contents().digest == original.digest)
        // Its next central decision gets a counter after every one the store made before.
        let day = LocalDate("2026-10-01")!
        try await returned.saveCertificateDecision(CertificateLedger.Decision(certificates: [Certificate(
            tenantID: provinces[1].tenant, productID: provinces[1].products[20].id, evaluationID: nil, number: "HUE-3S",
            stars: 3, issuer: .province, issuedOn: day, expiresOn: try day.adding(months: 36))], events: [], expectedStatuses: [:]), reference: .standard)
        #expect(try await returned.contents().centralCounter == original.centralCounter + 1)

        // Loading again into a store that is no longer empty is refused and changes nothing.
        await #expect(throws: StoreError.self) { try await moved.load(original) }
        #expect(try await moved.contents().digest == original.digest)

        // Everyone carries on against PostgreSQL: nothing re-sent, nothing re-pulled.
        var edit = try #require(try provinces[1].replica.fetch(Product.self, id: provinces[1].products[10].id))
        edit.nameEn = "Hue tea"
        try provinces[1].replica.save(edit)
        let huế = try await Self.sync(provinces[1].replica, moved, tenant: provinces[1].tenant)
        #expect(huế.changesPushed == 1 && huế.changesPulled == 0, "\(huế)")
        let hanoi = try await Self.sync(provinces[0].replica, moved, tenant: provinces[0].tenant)
        #expect(hanoi.changesPushed == 0 && hanoi.changesPulled == 0, "\(hanoi)")
        let centre = try await Self.sync(central, moved, tenant: nil)
        #expect(centre.changesPulled == 1, "the central office receives Huế's edit and nothing it already had")
        #expect(try central.fetch(Product.self, id: edit.id)?.nameEn == "Hue tea")
        // The store's own next decision is stamped after every one it made on SQLite.
        let issued = LocalDate("2026-11-01")!
        let certificate = Certificate(tenantID: provinces[0].tenant, productID: provinces[0].products[1].id, evaluationID: nil,
                                      number: "HN-4S", stars: 4, issuer: .province, issuedOn: issued, expiresOn: try issued.adding(months: 36))
        try await moved.saveCertificateDecision(CertificateLedger.Decision(certificates: [certificate], events: [], expectedStatuses: [:]), reference: .standard)
        let after = try await moved.contents()
        #expect(after.storeReplica == original.storeReplica && after.centralCounter > original.centralCounter)
        _ = try await Self.sync(provinces[0].replica, moved, tenant: provinces[0].tenant)
        #expect(try provinces[0].replica.fetch(Certificate.self, id: certificate.id)?.stars == 4)
        await moved.close()
    }

    @Test("a store written by the November 2026 release copies whole")
    func releaseFixtureCopies() async throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/release-2026-11/national.sqlite")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-copy-\(UUID().uuidString).sqlite")
        try FileManager.default.copyItem(at: fixture, to: scratch)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let sqlite = try SQLiteNationalStore.open(at: scratch.path)
        let original = try await sqlite.contents()
        #expect(original.rows.values.reduce(0) { $0 + $1.count } > 0)
        let database = try await TestPostgres.newDatabase()
        let postgres = try await PostgresNationalStore.open(database)
        try await postgres.load(original)
        let copied = try await postgres.contents()
        #expect(copied.digest == original.digest)
        let difference = zip(copied.canonicalLines, original.canonicalLines).first { $0 != $1 }
        #expect(difference == nil, "first difference: \(String(describing: difference))")
        #expect(try await postgres.accounts().map(\.user).sorted() == (try await sqlite.accounts()).map(\.user).sorted())
        await postgres.close()
    }
}
