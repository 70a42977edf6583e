import Foundation
import GRDB
import OCOPModel
import OCOPQuery
import OCOPReplica
import OCOPStore
import OCOPSync

let testVerifier = CredentialVerifier(salt: [1, 2, 3], iterations: 4096, storedKey: Array(repeating: 7, count: 32), serverKey: Array(repeating: 9, count: 32))

/// A national store in a temporary file, with provinces and their replicas in memory.
final class Harness: @unchecked Sendable {
    let directory: URL
    let path: String
    let store: SQLiteNationalStore
    /// Province code → tenant id.
    var tenants: [String: UUID] = [:]
    /// Province code → its replicas (a province may run several machines).
    var replicas: [String: [Replica]] = [:]

    init(provinces: [(String, String)]) throws {
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

    func replica(_ code: String, _ index: Int = 0) -> Replica { replicas[code]![index] }

    /// Adds another machine for a province.
    func addReplica(_ code: String) throws -> Replica {
        let replica = try Replica.create(at: ":memory:", role: .province, tenantID: tenants[code]!)
        replicas[code]!.append(replica)
        return replica
    }

    @discardableResult
    func sync(_ code: String, _ index: Int = 0) async throws -> SyncReport {
        let replica = replica(code, index)
        let user = tenants[code]!.uuidString.lowercased()
        let account = try store.account(user: user)!
        _ = try store.openSession(replica: replica.replicaID, account: account)
        let principal = Principal(replica: replica.replicaID, role: .province, tenantID: tenants[code]!)
        return try await replica.sync(over: InProcessChannel(store: store, principal: principal))
    }

    var reports: CentralReports { CentralReports(database: store.replica.database) }
    var decisions: CentralDecisions { CentralDecisions(replica: store.replica) }
}

func day(_ text: String) -> LocalDate { try! LocalDate(parsing: text) }

/// An evaluation with part totals only (no per-criterion breakdown), stars from the bands.
func evaluation(_ product: Product, on date: String, a: Double, b: Double, c: Double, council: CouncilLevel = .province) -> Evaluation {
    let total = a + b + c
    let stars = total >= 90 ? 5 : total >= 70 ? 4 : total >= 50 ? 3 : total >= 30 ? 2 : 1
    return Evaluation(tenantID: product.tenantID, productID: product.id, criteriaSet: "QD148-2023", evaluatedOn: day(date),
                      council: council, partA: a, partB: b, partC: c, bonus: 0, total: total, stars: stars)
}

/// A province certificate issued on `issued` (expiry computed, 36 months later).
func certificate(_ product: Product, stars: Int, issued: String, number: String, status: CertificateStatus = .active,
                 issuer: CouncilLevel = .province, evaluation: Evaluation? = nil, previous: UUID? = nil) -> Certificate {
    let issuedOn = day(issued)
    return Certificate(tenantID: product.tenantID, productID: product.id, evaluationID: evaluation?.id, number: number, stars: stars,
                       issuer: issuer, issuedOn: issuedOn, expiresOn: try! issuedOn.adding(months: 36), status: status,
                       previousCertificateID: previous)
}
