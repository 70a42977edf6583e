import Foundation
import OCOPModel
import OCOPPostgres
import OCOPReplica
import OCOPStore
import OCOPSync
import OCOPTestSupport
import Testing

/// A backend the conformance suite runs against: how to open a new, empty national store.
///
/// The suite speaks only the store protocols (``NationalBackend``), so every backend is held to
/// the same behaviour; a new one (PostgreSQL) joins with one line in ``all``.
struct StoreBackendFactory: Sendable, CustomTestStringConvertible {
    let name: String
    /// Opens a new store; `scratch` is an empty directory the test gives it for files.
    let open: @Sendable (_ scratch: URL) async throws -> any NationalBackend

    var testDescription: String { name }

    static let all: [StoreBackendFactory] = [
        StoreBackendFactory(name: "SQLite file") { try SQLiteNationalStore.open(at: $0.appendingPathComponent("national.sqlite").path) },
        StoreBackendFactory(name: "SQLite in memory") { _ in try SQLiteNationalStore.open(at: ":memory:") },
    ] + (TestPostgres.server == nil ? [] : [
        StoreBackendFactory(name: "PostgreSQL") { _ in try await TestPostgres.newStore() },
    ])
}

/// A national store with a central account and provinces, each province with a replica (in
/// memory) that syncs with the store in process.
struct Country {
    let store: any NationalBackend
    let scratch: URL
    var provinces: [(code: String, tenant: UUID, replica: Replica)] = []

    init(_ factory: StoreBackendFactory, provinces: [(String, String)] = [("01", "Hà Nội"), ("46", "Huế")]) async throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-conformance-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        store = try await factory.open(scratch)
        try await store.addCentralAccount(verifier: conformanceVerifier)
        for (code, name) in provinces {
            let tenant = try await store.addProvince(code: code, name: name, verifier: conformanceVerifier)
            self.provinces.append((code, tenant, try Replica.create(at: ":memory:", role: .province, tenantID: tenant)))
        }
    }

    func principal(_ index: Int, replica: Replica? = nil) -> Principal {
        Principal(replica: (replica ?? provinces[index].replica).replicaID, role: .province, tenantID: provinces[index].tenant)
    }

    func account(_ index: Int?) async throws -> Account {
        try #require(try await store.account(user: index.map { provinces[$0].tenant.uuidString.lowercased() } ?? "central"))
    }

    /// Pushes and pulls province `index` (or `replica`, another machine of it) until nothing is left.
    @discardableResult
    func sync(_ index: Int, replica: Replica? = nil) async throws -> SyncReport {
        let machine = replica ?? provinces[index].replica
        let account = try await account(index)
        _ = try await store.openSession(replica: machine.replicaID, account: account)
        return try await machine.sync(over: InProcessChannel(store: store, principal: Principal(replica: machine.replicaID, account: account)))
    }

    /// A central-office machine syncing as the central account.
    func syncCentral(_ replica: Replica) async throws {
        _ = try await store.openSession(replica: replica.replicaID, account: try await account(nil))
        let principal = Principal(replica: replica.replicaID, role: .central, tenantID: nil)
        _ = try await replica.sync(over: InProcessChannel(store: store, principal: principal))
    }

    /// A producer and `count` products of province `index`, saved on its replica (not synced).
    @discardableResult
    func seedProducts(_ index: Int, count: Int, named prefix: String = "Sản phẩm") throws -> (producer: Producer, products: [Product]) {
        let tenant = provinces[index].tenant
        let producer = Producer(tenantID: tenant, name: "HTX \(provinces[index].code)", type: .cooperative)
        try provinces[index].replica.save(producer)
        let products = (1...count).map {
            Product(tenantID: tenant, producerID: producer.id, classificationCode: "1.3.c", nameVi: "\(prefix) \(provinces[index].code)-\($0)")
        }
        try provinces[index].replica.saveAll(products)
        return (producer, products)
    }
}

let conformanceVerifier = CredentialVerifier(
    salt: [1, 2, 3], iterations: 4096, storedKey: Array(repeating: 7, count: 32), serverKey: Array(repeating: 9, count: 32))

private func uuid(_ key: SyncValue) -> UUID? {
    guard case .blob(let bytes) = key, bytes.count == 16 else { return nil }
    return bytes.withUnsafeBytes { UUID(uuid: $0.load(as: uuid_t.self)) }
}

@Suite("Store conformance: every backend behaves the same through the store protocols")
struct StoreConformanceTests {
    @Test("accounts and sessions", arguments: StoreBackendFactory.all)
    func accountsAndSessions(_ factory: StoreBackendFactory) async throws {
        let country = try await Country(factory, provinces: [("01", "Hà Nội")])
        let store = country.store
        let tenant = country.provinces[0].tenant
        let province = try await country.account(0)
        #expect(province.role == .province && province.tenantID == tenant && province.isEnabled && province.label == "01")
        let central = try await country.account(nil)
        #expect(central.role == .central && central.tenantID == nil)
        #expect(try await store.account(user: "nobody") == nil)

        let machine = ReplicaID(uuid: UUID())
        #expect(try await store.openSession(replica: machine, account: province) == SessionState(acknowledgedThrough: 0, pulledCursor: 0))
        await #expect(throws: StoreError.self, "a replica belongs to one account") {
            try await store.openSession(replica: machine, account: central)
        }
        await #expect(throws: StoreError.self) { try await store.addProvince(code: "01", name: "Hà Nội", verifier: conformanceVerifier) }
        await #expect(throws: StoreError.self) { try await store.addCentralAccount(verifier: conformanceVerifier) }

        let rotated = CredentialVerifier(salt: [9], iterations: 4096, storedKey: Array(repeating: 1, count: 32), serverKey: Array(repeating: 2, count: 32))
        try await store.rotateSecret(user: province.user, verifier: rotated)
        #expect(try await country.account(0).verifier == rotated)
        try await store.setEnabled(user: province.user, false)
        #expect(try await country.account(0).isEnabled == false)
        await #expect(throws: StoreError.self) { try await store.setEnabled(user: "nobody", false) }
        let accounts = try await store.accounts()
        #expect(accounts.map(\.user).sorted() == ["central", province.user].sorted())
        #expect(accounts.first { $0.role == .province }?.code == "01")
    }

    @Test("a push is idempotent and its acknowledgement never moves backwards", arguments: StoreBackendFactory.all)
    func pushIsIdempotent(_ factory: StoreBackendFactory) async throws {
        let country = try await Country(factory, provinces: [("01", "Hà Nội")])
        let replica = country.provinces[0].replica
        _ = try await country.store.openSession(replica: replica.replicaID, account: try await country.account(0))
        try country.seedProducts(0, count: 3)
        let outgoing = try #require(try replica.outgoingBatch())
        let batch = PushBatch(schemaVersion: OCOPSchema.version, firstCounter: outgoing.firstCounter, lastCounter: outgoing.lastCounter,
                              changes: outgoing.changes, conflicts: [])
        let first = try await country.store.push(batch, from: country.principal(0))
        #expect(first.applied == 4 && first.refused.isEmpty && first.acknowledgedThrough == outgoing.lastCounter)
        let again = try await country.store.push(batch, from: country.principal(0))
        #expect(again.applied == 0 && again.alreadySeen == 4 && again.acknowledgedThrough == outgoing.lastCounter)

        let stale = PushBatch(schemaVersion: OCOPSchema.version, firstCounter: 1, lastCounter: 1, changes: [], conflicts: [])
        #expect(try await country.store.push(stale, from: country.principal(0)).acknowledgedThrough == outgoing.lastCounter)
        let session = try await country.store.openSession(replica: replica.replicaID, account: try await country.account(0))
        #expect(session.acknowledgedThrough == outgoing.lastCounter)

        let future = PushBatch(schemaVersion: SchemaCompatibility.current + 1, firstCounter: 1, lastCounter: 1, changes: [], conflicts: [])
        await #expect(throws: StoreError.self) { try await country.store.push(future, from: country.principal(0)) }
    }

    @Test("a refused row is never half-applied and does not stop the rest of the push", arguments: StoreBackendFactory.all)
    func refusalsAreWhole(_ factory: StoreBackendFactory) async throws {
        let country = try await Country(factory)
        let (_, products) = try country.seedProducts(0, count: 2)
        // A product claiming another province, written past the replica's own checks.
        let intruder = UUID()
        try country.provinces[0].replica.write { db in
            try db.execute(sql: """
                INSERT INTO products(id, tenant_id, producer_id, classification_code, classification_version, name_vi, status)
                VALUES (?, ?, ?, '1.3.c', 'QD148-2023', 'Sai tỉnh', 'registered')
                """, arguments: [intruder, country.provinces[1].tenant, products[0].producerID])
        }
        let report = try await country.sync(0)
        #expect(report.changesRefused == 1)
        let parked = try country.provinces[0].replica.parkedRejections()
        #expect(parked.map(\.code) == [RejectionCode.forbiddenTenant.rawValue])
        #expect(try await country.store.productRecord(id: intruder) == nil)
        for product in products { #expect(try await country.store.productRecord(id: product.id)?.nameVi == product.nameVi) }
    }

    @Test("pulls page by cursor and a province never sees another province's rows", arguments: StoreBackendFactory.all)
    func pullPagesAndTenancy(_ factory: StoreBackendFactory) async throws {
        let country = try await Country(factory)
        let hanoi = try country.seedProducts(0, count: 5).products
        let hue = try country.seedProducts(1, count: 4).products
        try await country.sync(0)
        try await country.sync(1)

        // Hà Nội's second machine pulls everything, three rows a page.
        let machine = try Replica.create(at: ":memory:", role: .province, tenantID: country.provinces[0].tenant)
        _ = try await country.store.openSession(replica: machine.replicaID, account: try await country.account(0))
        var cursor: UInt64 = 0
        var seen: [UUID] = []
        var pages = 0
        while true {
            let page = try await country.store.pull(after: cursor, limit: 3, for: country.principal(0, replica: machine))
            #expect(page.changes.count <= 3)
            #expect(page.nextCursor >= cursor, "the cursor never moves backwards")
            seen += page.changes.compactMap { uuid($0.key) }
            cursor = page.nextCursor
            pages += 1
            if !page.hasMore { break }
        }
        #expect(pages > 1)
        #expect(Set(hanoi.map(\.id)).isSubset(of: Set(seen)))
        #expect(Set(hue.map(\.id)).isDisjoint(with: Set(seen)))
        #expect(seen.contains(country.provinces[1].tenant), "reference data (the tenants list) reaches every province")
        #expect(try await country.store.pull(after: cursor, limit: 3, for: country.principal(0, replica: machine)).changes.isEmpty)

        // The cursor a replica says it applied is recorded.
        let status = try #require(try await country.store.replicaStatuses().first { $0.replica == machine.replicaID.description })
        #expect(status.pulledCursor == cursor)
        #expect(try await country.store.openSession(replica: machine.replicaID, account: try await country.account(0)).pulledCursor == cursor)

        // The central office sees every province.
        let central = try Replica.create(at: ":memory:", role: .central, tenantID: nil)
        try await country.syncCentral(central)
        #expect(try central.fetchAll(Product.self).count == hanoi.count + hue.count)
    }

    @Test("API tokens: issued once, checked in constant form, revoked at once", arguments: StoreBackendFactory.all)
    func apiTokens(_ factory: StoreBackendFactory) async throws {
        let store = try await Country(factory, provinces: []).store
        let (token, record) = try await store.issueAPIToken(name: "Nguyễn Thị B", scope: .review)
        #expect(try await store.authenticateAPIToken(token) == record)
        #expect(try await store.authenticateAPIToken(String(token.dropLast()) + (token.hasSuffix("0") ? "1" : "0")) == nil)
        #expect(try await store.authenticateAPIToken("ocop_nonsense") == nil)
        #expect(try await store.apiTokens().map(\.id) == [record.id])
        try await store.revokeAPIToken(id: record.id)
        #expect(try await store.authenticateAPIToken(token) == nil)
        await #expect(throws: StoreError.self) { try await store.revokeAPIToken(id: record.id) }
        await #expect(throws: StoreError.self) { try await store.issueAPIToken(name: "  ", scope: .read) }
    }

    @Test("tenant administration: merge, forget, gc, backup", arguments: StoreBackendFactory.all)
    func tenantAdministration(_ factory: StoreBackendFactory) async throws {
        let country = try await Country(factory)
        let (hanoi, hue) = (country.provinces[0].tenant, country.provinces[1].tenant)
        try country.seedProducts(1, count: 2)
        try await country.sync(1)
        #expect(try await country.store.currentTenants(code: "01") == [hanoi])

        // Both provinces were added today: the retired one's last day cannot be before its first.
        // Huế edits a product and adds one more, offline, before the merger is recorded.
        var edited = try #require(try country.provinces[1].replica.fetchAll(Product.self).first)
        edited.nameEn = "Edited before the merger"
        try country.provinces[1].replica.save(edited)
        let late = Product(tenantID: hue, producerID: edited.producerID, classificationCode: "1.3.c", nameVi: "Sản phẩm cuối cùng của Huế")
        try country.provinces[1].replica.save(late)
        let merge = try await country.store.mergeTenant(hue, into: hanoi, lastDay: LocalDate(Date()))
        #expect(merge.movedRows["products"] == 2 && merge.movedRows["producers"] == 1)
        #expect(try await country.store.currentTenants(code: "46").isEmpty)
        // The retired province's replica still delivers what it had not synced, into the
        // survivor, and is then told to start again under the survivor.
        #expect(try await country.account(1).isEnabled, "the retired province can still push its last edits")
        await #expect {
            try await country.sync(1)
        } throws: { error in
            "\(error)".contains("was merged into tenant \(hanoi.uuidString.lowercased())") && "\(error)".contains("ocop init --tenant")
        }
        #expect(try country.provinces[1].replica.outgoingBatch() == nil, "its last edits were acknowledged")
        let landed = try #require(try await country.store.productRecord(id: late.id))
        #expect(landed.tenantID == hanoi, "a row created for the retired province lands in the survivor")
        #expect(try await country.store.productRecord(id: edited.id)?.nameEn == "Edited before the merger")
        let moved = try await country.store.products(matching: ProductFilter(date: LocalDate("2026-01-01")!))
        #expect(moved.count == 3 && moved.allSatisfy { $0.provinceCode == "01" })
        // The survivor receives the rows on its next sync, the late ones too.
        try await country.sync(0)
        #expect(try country.provinces[0].replica.fetchAll(Product.self).count == 3)

        await #expect(throws: StoreError.self) { try await country.store.forgetReplica(ReplicaID(uuid: UUID())) }
        try await country.store.forgetReplica(country.provinces[1].replica.replicaID)
        #expect(try await country.store.collectTombstones() >= 0)

        let copy = country.scratch.appendingPathComponent("backup.sqlite").path
        if country.store is PostgresNationalStore {
            // PostgreSQL is backed up with its own tools; the refusal says which.
            await #expect { try await country.store.backup(to: copy) } throws: { ($0 as? StoreError)?.message.contains("pg_dump") == true }
            return
        }
        try await country.store.backup(to: copy)
        #expect(FileManager.default.fileExists(atPath: copy))
        await #expect(throws: StoreError.self, "a backup never overwrites") { try await country.store.backup(to: copy) }
    }

    @Test("central writes are stamped like any change and reach the owning province", arguments: StoreBackendFactory.all)
    func centralWritesReachTheProvince(_ factory: StoreBackendFactory) async throws {
        let country = try await Country(factory)
        let product = try country.seedProducts(0, count: 1).products[0]
        let evaluation = Evaluation(tenantID: product.tenantID, productID: product.id, criteriaSet: "QD148-2023",
                                    evaluatedOn: LocalDate("2026-01-05")!, council: .province, partA: 38, partB: 24, partC: 33,
                                    bonus: 0, total: 95, stars: 5)
        try country.provinces[0].replica.save(evaluation)
        try await country.sync(0)
        #expect(try await country.store.fiveStarCandidates().map(\.productID) == [product.id])
        let before = try await country.store.feedPosition()

        let issued = LocalDate("2026-02-01")!
        let certificate = Certificate(tenantID: product.tenantID, productID: product.id, evaluationID: evaluation.id, number: "TW-001",
                                      stars: 5, issuer: .central, issuedOn: issued, expiresOn: try issued.adding(months: 36))
        func behind() async throws -> Int64? {
            try await country.store.provinceSyncStatuses(now: Date()).first { $0.provinceCode == "01" }?.feedBehind
        }
        #expect(try await behind() == 0)
        try await country.store.saveCertificateDecision(CertificateLedger.Decision(certificates: [certificate], events: [], expectedStatuses: [:]), reference: .standard)
        #expect(try await country.store.feedPosition() > before, "a central write is numbered in the feed")
        #expect(try await behind() == 1, "the province has one change to pull: the certificate")
        #expect(try await country.store.fiveStarCandidates().isEmpty)
        #expect(try await country.store.certificate(numbered: "TW-001")?.id == certificate.id)

        try await country.sync(0)
        #expect(try country.provinces[0].replica.fetch(Certificate.self, id: certificate.id)?.issuer == .central)
        #expect(try await behind() == 0)
        try await country.sync(1)
        #expect(try country.provinces[1].replica.fetch(Certificate.self, id: certificate.id) == nil, "another province never receives it")
    }

    @Test("a conflict is reviewed and resolved as a central write the province pulls", arguments: StoreBackendFactory.all)
    func conflictsAreResolvedCentrally(_ factory: StoreBackendFactory) async throws {
        let country = try await Country(factory, provinces: [("01", "Hà Nội")])
        let product = try country.seedProducts(0, count: 1, named: "Chè").products[0]
        try await country.sync(0)
        let central = try Replica.create(at: ":memory:", role: .central, tenantID: nil)
        try await country.syncCentral(central)

        // Both edit the name before either syncs: the later clock wins, the other is recorded.
        var provinceEdit = product
        provinceEdit.nameVi = "Chè tỉnh"
        try country.provinces[0].replica.save(provinceEdit)
        var centralEdit = product
        centralEdit.nameVi = "Chè trung ương"
        try central.save(centralEdit)
        try await country.syncCentral(central)
        try await country.sync(0)

        let conflict = try #require(try await country.store.conflicts().first { $0.column == "name_vi" })
        #expect(conflict.resolution == nil && conflict.key == .blob(withUnsafeBytes(of: product.id.uuid) { Array($0) }))
        let winner = try #require(conflict.winningValue)
        let resolved = try await country.store.resolveConflict(conflict, choice: .loser, writing: conflict.losingValue,
                                                             reference: .standard, at: Date())
        #expect(resolved.resolution?.choice == "loser")
        #expect(try await country.store.conflicts().first { $0.id == conflict.id }?.resolution?.value == conflict.losingValue)
        await #expect(throws: CentralError.self, "a conflict is resolved once") {
            try await country.store.resolveConflict(conflict, choice: .winner, writing: nil, reference: .standard, at: Date())
        }

        try await country.sync(0)
        let name = try #require(try country.provinces[0].replica.fetch(Product.self, id: product.id)?.nameVi)
        #expect(SyncValue.text(name) == conflict.losingValue && SyncValue.text(name) != winner)
    }

    @Test("reads: reports, lookups, feeds and ad hoc queries agree on one dataset", arguments: StoreBackendFactory.all)
    func readsAgree(_ factory: StoreBackendFactory) async throws {
        let country = try await Country(factory)
        let (producer, products) = try country.seedProducts(0, count: 3, named: "Mật ong")
        try country.seedProducts(1, count: 2, named: "Mè xửng")
        let issued = LocalDate("2026-01-10")!
        let certificate = Certificate(tenantID: producer.tenantID, productID: products[0].id, evaluationID: nil, number: "HN-4S",
                                      stars: 4, issuer: .province, issuedOn: issued, expiresOn: try issued.adding(months: 36))
        try country.provinces[0].replica.save(certificate)
        try await country.sync(0)
        try await country.sync(1)
        let day = LocalDate("2026-06-01")!
        let store = country.store

        #expect(try await store.certifiedProducts(on: day).map(\.stars) == [4])
        #expect(try await store.certifiedProducts(on: LocalDate("2025-01-01")!).isEmpty)
        #expect(try await store.certificatesDue(through: try certificate.expiresOn.adding(days: 1)).map(\.number) == ["HN-4S"])
        #expect(try await store.certificatesDue(through: day).isEmpty)

        var filter = ProductFilter(date: day)
        filter.provinceCode = "01"
        let hanoi = try await store.products(matching: filter)
        #expect(hanoi.map(\.id) == products.map(\.id).sorted { $0.uuidString < $1.uuidString } || Set(hanoi.map(\.id)) == Set(products.map(\.id)))
        #expect(hanoi.first { $0.id == products[0].id }?.certificate?.number == "HN-4S")
        filter = ProductFilter(date: day)
        filter.text = "mat ong"
        #expect(try await store.products(matching: filter).count == 3, "search ignores tones and marks")
        let detail = try #require(try await store.product(id: products[0].id, date: day))
        #expect(detail.certificates.map(\.number) == ["HN-4S"] && detail.product.provinceCode == "01")
        #expect(try await store.product(id: UUID(), date: day) == nil)
        #expect(try await store.producers(matching: ProducerFilter(date: day)).count == 2)
        #expect(try await store.producer(id: producer.id, date: day)?.certifiedProducts == 1)
        #expect(try await store.tenantID(provinceCode: "46") == country.provinces[1].tenant)
        #expect(try await store.tenantID(provinceCode: "99") == nil)
        #expect(try await store.certificates(ofProduct: products[0].id).map(\.id) == [certificate.id])
        #expect(try await store.productRecord(id: products[1].id) == products[1])

        let statuses = try await store.provinceSyncStatuses(now: Date())
        #expect(statuses.compactMap(\.provinceCode) == ["01", "46"])
        #expect(statuses.allSatisfy { $0.feedBehind == 0 && $0.lastSyncAt != nil })

        let position = try await store.feedPosition()
        let (published, changes) = try await store.readFeed(since: nil) { source in
            (source.products.count, source.changes)
        }
        #expect(published == 5 && changes == nil)
        let nothingNew = try await store.readFeed(since: position) { $0.changes }
        #expect(nothingNew == FeedChanges())
        #expect(try await store.query("SELECT count(*) FROM products").rows == [[.integer(5)]])
        await #expect(throws: QueryError.self) { try await store.query("DELETE FROM products") }
    }
}
