import Foundation
import GRDB
import OCOPModel
import OCOPReplica
import OCOPStore
import OCOPSync

/// The nightly workload of issue 4: provinces × products, nights in which each province edits
/// 30% of its products (2–4 fields) and deletes a few, 1% edited concurrently by the centre.
final class SyncWorkload {
    struct Province {
        let tenant: UUID
        let replica: Replica
        let products: [SampleProducts.Row]
    }

    let provinces: [Province]
    let central: Replica
    let store: SQLiteNationalStore
    let directory: ScratchDirectory
    private var random = SplitMix(state: 7)
    private var night = 0

    init(name: String, provinceCount: Int, productsPerProvince: Int) throws {
        directory = try ScratchDirectory(name)
        store = try SQLiteNationalStore.open(at: directory.path("national.sqlite"))
        central = try Replica.create(at: directory.path("central.ocop"), role: .central, tenantID: nil)
        var provinces: [Province] = []
        for index in 0..<provinceCount {
            let tenant = try store.addProvince(code: String(format: "%02d", index + 1), name: "Tỉnh \(index + 1)",
                                               verifier: CredentialVerifier(salt: [1], iterations: 4096, storedKey: [], serverKey: []))
            let replica = try Replica.create(at: directory.path("p\(index).ocop"), role: .province, tenantID: tenant)
            let rows = SampleProducts.make(count: productsPerProvince, tenant: tenant, seed: UInt64(index + 1))
            try replica.write { db in
                try SampleProducts.insertProvince(
                    rows, producers: SampleProducts.producers(count: productsPerProvince, seed: UInt64(index + 1)), tenant: tenant, into: db
                )
            }
            provinces.append(Province(tenant: tenant, replica: replica, products: rows))
        }
        self.provinces = provinces
    }

    /// Provinces of `tenants` (already in `store`) with new products each, and a central replica.
    init(name: String, store: SQLiteNationalStore, tenants: [UUID], productsPerProvince: Int) throws {
        let directory = try ScratchDirectory(name)
        self.directory = directory
        self.store = store
        central = try Replica.create(at: directory.path("central.ocop"), role: .central, tenantID: nil)
        provinces = try tenants.enumerated().map { index, tenant in
            let replica = try Replica.create(at: directory.path("p\(index).ocop"), role: .province, tenantID: tenant)
            let rows = SampleProducts.make(count: productsPerProvince, tenant: tenant, seed: UInt64(index + 1))
            try replica.write { db in
                try SampleProducts.insertProvince(
                    rows, producers: SampleProducts.producers(count: productsPerProvince, seed: UInt64(index + 1)), tenant: tenant, into: db
                )
            }
            return Province(tenant: tenant, replica: replica, products: rows)
        }
    }

    func principal(_ province: Province) -> Principal {
        Principal(replica: province.replica.replicaID, role: .province, tenantID: province.tenant)
    }

    /// Everything a replica has not pushed, as one batch.
    static func pendingBatch(_ replica: Replica) throws -> PushBatch? {
        try replica.outgoingBatch(maxWrites: .max)
    }

    /// One night of edits on every province, and the centre's 1% on rows it already has.
    func editNight() throws {
        night += 1
        let suffix = " (đêm \(night))"
        for province in provinces {
            try province.replica.write { db in
                for (offset, row) in province.products.enumerated() where Int(random.next() % 100) < 30 {
                    switch offset % 3 {
                    case 0:
                        try db.cachedStatement(sql: "UPDATE products SET name_en = ?, gtin = ? WHERE id = ?")
                            .execute(arguments: [row.nameEN + suffix, row.gtin, row.id])
                    case 1:
                        try db.cachedStatement(sql: "UPDATE products SET description_vi = ?, description_en = ?, status = ? WHERE id = ?")
                            .execute(arguments: [row.descriptionVI + suffix, row.descriptionEN + suffix, night % 2 == 0 ? "registered" : "draft", row.id])
                    default:
                        try db.cachedStatement(sql: "UPDATE products SET name_vi = ?, name_en = ?, description_en = ?, classification_code = ? WHERE id = ?")
                            .execute(arguments: [row.nameVI + suffix, row.nameEN + suffix, row.descriptionEN + suffix, row.classification, row.id])
                    }
                }
                // A few deletions: tombstones for the metadata figure.
                for row in province.products.dropFirst(night * 7).prefix(3) {
                    try db.cachedStatement(sql: "DELETE FROM products WHERE id = ?").execute(arguments: [row.id])
                }
            }
            try central.write { db in
                for row in province.products where Int(random.next() % 100) < 1 {
                    try db.cachedStatement(sql: "UPDATE products SET name_en = ? WHERE id = ?").execute(arguments: [row.nameEN + " (central)", row.id])
                }
            }
        }
    }

    func remove() { directory.remove() }
}
