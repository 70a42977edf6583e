import Foundation
import GRDB
import OCOPModel
import OCOPQuery
import OCOPReplica
import OCOPStore
import OCOPSync

public let testVerifier = CredentialVerifier(salt: [1, 2, 3], iterations: 4096, storedKey: Array(repeating: 7, count: 32), serverKey: Array(repeating: 9, count: 32))

/// A national store in a temporary file, with provinces and their replicas in memory.
public final class Harness: @unchecked Sendable {
    public let directory: URL
    public let path: String
    public let store: SQLiteNationalStore
    /// Province code → tenant id.
    public var tenants: [String: UUID] = [:]
    /// Province code → its replicas (a province may run several machines).
    public var replicas: [String: [Replica]] = [:]

    public init(provinces: [(String, String)]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-query-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("national.sqlite").path
        store = try SQLiteNationalStore.open(at: path)
        try store.addCentralAccount(verifier: testVerifier)
        for (code, name) in provinces {
            let tenant = try store.addProvince(code: code, name: name, verifier: testVerifier)
            tenants[code] = tenant
            replicas[code] = [try Replica.create(at: ":memory:", role: .province, tenantID: tenant)]
        }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    public func replica(_ code: String, _ index: Int = 0) -> Replica { replicas[code]![index] }

    /// Adds another machine for a province.
    public func addReplica(_ code: String) throws -> Replica {
        let replica = try Replica.create(at: ":memory:", role: .province, tenantID: tenants[code]!)
        replicas[code]!.append(replica)
        return replica
    }

    @discardableResult
    public func sync(_ code: String, _ index: Int = 0) async throws -> SyncReport {
        let replica = replica(code, index)
        let user = tenants[code]!.uuidString.lowercased()
        let account = try await store.account(user: user)!
        _ = try await store.openSession(replica: replica.replicaID, account: account)
        let principal = Principal(replica: replica.replicaID, role: .province, tenantID: tenants[code]!)
        return try await replica.sync(over: InProcessChannel(store: store, principal: principal))
    }

    public var reports: CentralReports { CentralReports(store: store) }
    public var decisions: CentralDecisions { CentralDecisions(store: store) }
}

public func day(_ text: String) -> LocalDate { try! LocalDate(parsing: text) }

/// An evaluation with part totals only (no per-criterion breakdown), stars from the bands.
public func evaluation(_ product: Product, on date: String, a: Double, b: Double, c: Double, council: CouncilLevel = .province) -> Evaluation {
    let total = a + b + c
    let stars = total >= 90 ? 5 : total >= 70 ? 4 : total >= 50 ? 3 : total >= 30 ? 2 : 1
    return Evaluation(tenantID: product.tenantID, productID: product.id, criteriaSet: "QD148-2023", evaluatedOn: day(date),
                      council: council, partA: a, partB: b, partC: c, bonus: 0, total: total, stars: stars)
}

/// A province certificate issued on `issued` (expiry computed, 36 months later).
public func certificate(_ product: Product, stars: Int, issued: String, number: String, status: CertificateStatus = .active,
                 issuer: CouncilLevel = .province, evaluation: Evaluation? = nil, previous: UUID? = nil) -> Certificate {
    let issuedOn = day(issued)
    return Certificate(tenantID: product.tenantID, productID: product.id, evaluationID: evaluation?.id, number: number, stars: stars,
                       issuer: issuer, issuedOn: issuedOn, expiresOn: try! issuedOn.adding(months: 36), status: status,
                       previousCertificateID: previous)
}

/// The report date of the seeded dataset.
public let reportDate = day("2026-06-15")

/// A seeded national dataset: two provinces, products with certificates on the expiry edges,
/// revoked and superseded certificates, and evaluations on the 5★ band edge. Written in the
/// province replicas and synced, as in production.
public struct Seed: @unchecked Sendable {
    public let harness: Harness
    public var products: [String: Product] = [:]
    public var certificates: [String: Certificate] = [:]
    public var evaluations: [String: Evaluation] = [:]

    public init() async throws {
        harness = try Harness(provinces: [("01", "Hà Nội"), ("22", "Quảng Ninh")])
        let hn = harness.replica("01"), qn = harness.replica("22")
        let hnTenant = harness.tenants["01"]!, qnTenant = harness.tenants["22"]!
        let coop = Producer(tenantID: hnTenant, name: "HTX Chè Ba Vì", type: .cooperative)
        let household = Producer(tenantID: hnTenant, name: "Hộ Nguyễn Văn A", type: .household, representative: "Nguyễn Văn A")
        let enterprise = Producer(tenantID: qnTenant, name: "Công ty Hạ Long", type: .enterprise)
        try hn.saveAll([coop, household])
        try qn.saveAll([enterprise])

        func product(_ name: String, _ producer: Producer, _ code: String) -> Product {
            Product(tenantID: producer.tenantID, producerID: producer.id, classificationCode: code, nameVi: name)
        }
        products["A"] = product("Chè A", coop, "1.5.a")          // 4★ expiring today
        products["B"] = product("Mật ong B", household, "1.2.b") // 3★ expired yesterday
        products["C"] = product("Rượu C", enterprise, "2.1.a")   // 3★ expiring in 30 days
        products["D"] = product("Nước mắm D", enterprise, "1.4.a") // 4★ expiring in 31 days
        products["E"] = product("Bánh E", coop, "1.3.b")         // revoked
        products["F"] = product("Cà phê F", coop, "1.6")         // 3★ superseded by 4★
        products["G"] = product("Rượu G", household, "2.1.b")    // evaluation 92: candidate
        products["H"] = product("Chè H", enterprise, "1.5.b")    // evaluation 90: candidate (band edge)
        products["I"] = product("Gạo I", enterprise, "1.2.a")    // evaluation 89.5: 4★, no candidate
        products["J"] = product("Mắm J", enterprise, "1.4.b")    // 5★ evaluation, later 4★: no candidate
        for (key, product) in products.sorted(by: { $0.key < $1.key }) {
            try (product.tenantID == hnTenant ? hn : qn).save(product)
            _ = key
        }
        let p = products
        certificates["A"] = certificate(p["A"]!, stars: 4, issued: "2023-06-15", number: "A/QĐ")  // expires 2026-06-15
        certificates["B"] = certificate(p["B"]!, stars: 3, issued: "2023-06-14", number: "B/QĐ")  // expires 2026-06-14
        certificates["C"] = certificate(p["C"]!, stars: 3, issued: "2023-07-15", number: "C/QĐ")  // expires 2026-07-15
        certificates["D"] = certificate(p["D"]!, stars: 4, issued: "2023-07-16", number: "D/QĐ")  // expires 2026-07-16
        certificates["E"] = certificate(p["E"]!, stars: 3, issued: "2025-01-10", number: "E/QĐ", status: .revoked)
        certificates["F-old"] = certificate(p["F"]!, stars: 3, issued: "2024-01-01", number: "F1/QĐ", status: .superseded)
        certificates["F"] = certificate(p["F"]!, stars: 4, issued: "2025-03-01", number: "F2/QĐ", previous: certificates["F-old"]!.id)
        certificates["future"] = certificate(p["D"]!, stars: 4, issued: "2026-07-01", number: "D2/QĐ") // not yet in force on the report date
        try hn.saveAll([certificates["A"]!, certificates["B"]!, certificates["E"]!, certificates["F-old"]!, certificates["F"]!])
        try qn.saveAll([certificates["C"]!, certificates["D"]!, certificates["future"]!])

        evaluations["G"] = evaluation(p["G"]!, on: "2026-05-10", a: 38, b: 22, c: 32)      // 92
        evaluations["H"] = evaluation(p["H"]!, on: "2026-05-11", a: 36, b: 22, c: 32)      // 90
        evaluations["I"] = evaluation(p["I"]!, on: "2026-05-12", a: 35.5, b: 22, c: 32)    // 89.5
        evaluations["J1"] = evaluation(p["J"]!, on: "2026-01-05", a: 38, b: 22, c: 32)     // 92, then
        evaluations["J2"] = evaluation(p["J"]!, on: "2026-04-05", a: 30, b: 20, c: 30)     // 80
        try hn.saveAll([evaluations["G"]!])
        try qn.saveAll([evaluations["H"]!, evaluations["I"]!, evaluations["J1"]!, evaluations["J2"]!])
        try await harness.sync("01")
        try await harness.sync("22")
    }
}


extension Seed {
    /// Two machines of province 01 edit the same product offline; the second to sync loses.
    public func conflictOnProduct() async throws -> (Product, Replica, Replica) {
        let harness = self.harness
        let second = try harness.addReplica("01")
        try await harness.sync("01", 1)
        let product = products["A"]!
        var first = try harness.replica("01").fetch(Product.self, id: product.id)!
        var other = try second.fetch(Product.self, id: product.id)!
        first.nameVi = "Chè A (máy 1)"
        first.nameEn = "Tea A one"
        other.nameVi = "Chè A (máy 2)"
        other.nameEn = "Tea A two"
        try harness.replica("01").save(first)
        try second.save(other)
        try await harness.sync("01", 0)
        try await harness.sync("01", 1)
        try await harness.sync("01", 0)
        return (product, harness.replica("01"), second)
    }

}
