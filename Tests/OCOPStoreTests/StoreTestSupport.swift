import Foundation
import GRDB
import OCOPModel
import OCOPReplica
import OCOPStore
import OCOPSync

let testVerifier = CredentialVerifier(salt: [1, 2, 3], iterations: 4096, storedKey: Array(repeating: 7, count: 32), serverKey: Array(repeating: 9, count: 32))

/// A national store with provinces, each with its own replica, in memory.
struct Federation {
    let store: SQLiteNationalStore
    let central: Replica
    var provinces: [(tenant: UUID, replica: Replica)] = []

    init(provinceNames: [(String, String)], storePath: String = ":memory:") throws {
        store = try SQLiteNationalStore.open(at: storePath)
        try store.addCentralAccount(verifier: testVerifier)
        central = try Replica.create(at: ":memory:", role: .central, tenantID: nil)
        for (code, name) in provinceNames {
            let tenant = try store.addProvince(code: code, name: name, verifier: testVerifier)
            // The server checks that a product's producer exists: each province has one.
            try store.replica.write { db in
                try db.execute(sql: "INSERT INTO producers(id, tenant_id, name, type) VALUES (?, ?, ?, 'cooperative')",
                               arguments: [producerKey(tenant), tenant, "HTX \(name)"])
            }
            provinces.append((tenant, try Replica.create(at: ":memory:", role: .province, tenantID: tenant)))
        }
    }

    func principal(_ index: Int?) -> Principal {
        guard let index else { return Principal(replica: central.replicaID, role: .central, tenantID: nil) }
        return Principal(replica: provinces[index].replica.replicaID, role: .province, tenantID: provinces[index].tenant)
    }

    func account(_ index: Int?) throws -> Account {
        try store.account(user: index.map { provinces[$0].tenant.uuidString.lowercased() } ?? "central")!
    }

    @discardableResult
    func sync(_ index: Int?) async throws -> SyncReport {
        let replica = index.map { provinces[$0].replica } ?? central
        _ = try await store.openSession(replica: replica.replicaID, account: try account(index))
        return try await replica.sync(over: InProcessChannel(store: store, principal: principal(index)))
    }
}

func key(_ n: Int) -> Data {
    var bytes = [UInt8](repeating: 0, count: 16)
    bytes[0] = 0x01
    bytes[14] = UInt8((n >> 8) & 0xFF)
    bytes[15] = UInt8(n & 0xFF)
    return Data(bytes)
}

/// The producer of every test product of `tenant` (ids are national, so one per province).
func producerKey(_ tenant: UUID) -> Data {
    var bytes = withUnsafeBytes(of: tenant.uuid) { Array($0) }
    bytes[0] = 0x03
    return Data(bytes)
}

func insertProduct(_ replica: Replica, id: Data, tenant: UUID, name: String) throws {
    try replica.write { db in
        try db.execute(
            sql: """
            INSERT INTO products(id, tenant_id, producer_id, classification_code, classification_version, name_vi, status)
            VALUES (?, ?, ?, '1.3.c', 'QD148-2023', ?, 'registered')
            """,
            arguments: [id, tenant, producerKey(tenant), name]
        )
    }
}

/// A digest of the products rows of one tenant (or all), as that database holds them.
func productsDigest(_ database: any DatabaseReader, tenant: UUID?) throws -> [String] {
    // The schema's columns: the national store keeps each row's feed position beside them.
    let columns = (["id"] + OCOPSchema.products.columnNames).map { "\"\($0)\"" }.joined(separator: ", ")
    return try database.read { db in
        let rows = if let tenant {
            try Row.fetchAll(db, sql: "SELECT \(columns) FROM products WHERE tenant_id = ? ORDER BY id", arguments: [tenant])
        } else {
            try Row.fetchAll(db, sql: "SELECT \(columns) FROM products ORDER BY id")
        }
        return rows.map(\.description)
    }
}
