import Foundation
import OCOPModel
import OCOPPostgres
import OCOPReplica
import OCOPStore
import OCOPSync
import OCOPTestSupport
import Testing

/// Several daemons over one PostgreSQL database: each test opens the same database several
/// times (one connection pool each, as separate `ocop-syncd` processes would) and drives them at
/// once.
@Suite("PostgreSQL: several daemons over one database", .enabled(if: TestPostgres.server != nil, "needs OCOP_TEST_POSTGRES (.ci/start-postgres)"))
struct PostgresConcurrencyTests {
    static let verifier = CredentialVerifier(
        salt: [1, 2, 3], iterations: 4096, storedKey: Array(repeating: 7, count: 32), serverKey: Array(repeating: 9, count: 32))

    /// Opens the same new database `count` times.
    static func daemons(_ count: Int) async throws -> [PostgresNationalStore] {
        let database = try await TestPostgres.newDatabase()
        var stores: [PostgresNationalStore] = []
        for _ in 0..<count { stores.append(try await PostgresNationalStore.open(database)) }
        return stores
    }

    static func sync(_ replica: Replica, tenant: UUID?, through store: PostgresNationalStore) async throws -> SyncReport {
        let account = try #require(try await store.account(user: tenant?.uuidString.lowercased() ?? "central"))
        _ = try await store.openSession(replica: replica.replicaID, account: account)
        let principal = Principal(replica: replica.replicaID, role: tenant == nil ? .central : .province, tenantID: tenant)
        return try await replica.sync(over: InProcessChannel(store: store, principal: principal, pageSize: 97))
    }

    @Test("provinces pushing to three daemons at once all merge, and a puller reading meanwhile misses no change")
    func concurrentPushesAndAPuller() async throws {
        let daemons = try await Self.daemons(3)
        try await daemons[0].addCentralAccount(verifier: Self.verifier)
        let codes = ["01", "04", "08", "11", "12", "14"]
        var provinces: [(tenant: UUID, replica: Replica, products: [Product])] = []
        for code in codes {
            let tenant = try await daemons[1].addProvince(code: code, name: "Tỉnh \(code)", verifier: Self.verifier)
            let replica = try Replica.create(at: ":memory:", role: .province, tenantID: tenant)
            let producer = Producer(tenantID: tenant, name: "Hợp tác xã Chè \(code)", type: .cooperative)
            try replica.save(producer)
            let products = (1...120).map {
                Product(tenantID: tenant, producerID: producer.id, classificationCode: "1.3.c", nameVi: "Chè búp \(code)-\($0)")
            }
            try replica.saveAll(products)
            provinces.append((tenant, replica, products))
        }

        // The central office's puller, on its own daemon, pulls page after page while the
        // provinces push: every change it is ever served goes into `seen`.
        let puller = daemons[2]
        let pullerID = ReplicaID(uuid: UUID())
        let central = try #require(try await puller.account(user: "central"))
        _ = try await puller.openSession(replica: pullerID, account: central)
        let principal = Principal(replica: pullerID, role: .central, tenantID: nil)
        let done = Flag()
        let pulling = Task { () throws -> (seen: [SyncValue: RowState], cursor: UInt64) in
            var seen: [SyncValue: RowState] = [:]
            var cursor: UInt64 = 0
            while true {
                let finished = done.isSet
                var page: PullResult
                repeat {
                    page = try await puller.pull(after: cursor, limit: 50, for: principal)
                    for change in page.changes where change.table == Product.schema.name { seen[change.key] = change.state }
                    cursor = page.nextCursor
                } while page.hasMore
                if finished { return (seen, cursor) }
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, province) in provinces.enumerated() {
                group.addTask {
                    let daemon = daemons[index % daemons.count]
                    _ = try await Self.sync(province.replica, tenant: province.tenant, through: daemon)
                    // A second round of edits, through another daemon.
                    for product in province.products.prefix(40) {
                        var renamed = product
                        renamed.nameVi = product.nameVi + " (đặc biệt)"
                        try province.replica.save(renamed)
                    }
                    _ = try await Self.sync(province.replica, tenant: province.tenant, through: daemons[(index + 1) % daemons.count])
                }
            }
            try await group.waitForAll()
        }
        done.set()
        let (seen, _) = try await pulling.value

        // Every product, with its last name, reached the puller: nothing was skipped.
        let expected = provinces.flatMap(\.products)
        #expect(seen.count == expected.count)
        for (index, product) in expected.enumerated() {
            let name = seen[.blob(ChangePolicy.bytes(of: product.id))]?.columns["name_vi"]?.value
            let wanted = index % 120 < 40 ? product.nameVi + " (đặc biệt)" : product.nameVi
            #expect(name == .text(wanted), "\(product.nameVi)")
        }
        for daemon in daemons { await daemon.close() }
    }

    @Test("two machines of one province edit the same rows through two daemons at once: no update is lost")
    func sameRowsFromTwoDaemons() async throws {
        let daemons = try await Self.daemons(2)
        try await daemons[0].addCentralAccount(verifier: Self.verifier)
        let tenant = try await daemons[0].addProvince(code: "46", name: "Huế", verifier: Self.verifier)
        let first = try Replica.create(at: ":memory:", role: .province, tenantID: tenant)
        let producer = Producer(tenantID: tenant, name: "Cơ sở Mè xửng Song Hỷ", type: .cooperative)
        try first.save(producer)
        let products = (1...60).map {
            Product(tenantID: tenant, producerID: producer.id, classificationCode: "1.3.c", nameVi: "Mè xửng \($0)")
        }
        try first.saveAll(products)
        _ = try await Self.sync(first, tenant: tenant, through: daemons[0])
        let second = try Replica.create(at: ":memory:", role: .province, tenantID: tenant)
        _ = try await Self.sync(second, tenant: tenant, through: daemons[1])

        for round in 1...3 {
            // Different columns of the same rows: both edits must survive the merge.
            for product in products {
                var named = try #require(try first.fetch(Product.self, id: product.id))
                named.nameVi = "Mè xửng \(round)-\(product.nameVi.split(separator: " ").last!)"
                try first.save(named)
                var described = try #require(try second.fetch(Product.self, id: product.id))
                described.descriptionVi = "Đợt \(round)"
                try second.save(described)
            }
            async let a = Self.sync(first, tenant: tenant, through: daemons[0])
            async let b = Self.sync(second, tenant: tenant, through: daemons[1])
            _ = try await (a, b)
            _ = try await Self.sync(first, tenant: tenant, through: daemons[1])
            _ = try await Self.sync(second, tenant: tenant, through: daemons[0])
            for product in products {
                let stored = try #require(try first.fetch(Product.self, id: product.id))
                #expect(stored.nameVi.hasPrefix("Mè xửng \(round)-"))
                #expect(stored.descriptionVi == "Đợt \(round)")
                #expect(try second.fetch(Product.self, id: product.id) == stored)
            }
        }
        for daemon in daemons { await daemon.close() }
    }
}

/// A flag one task sets and another reads.
private final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
