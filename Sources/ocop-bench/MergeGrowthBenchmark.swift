import Foundation
import OCOPModel
import OCOPReplica
import OCOPStore
import OCOPSync

/// `merge_growth_ratio`: the merge rate into a national store that already holds a million
/// products over the rate into an empty one, the same pushes into both, alternating which goes
/// first. A store that slows down as the country's data grows fails here long before it fails
/// in production.
enum MergeGrowthBenchmark {
    static func run(quick: Bool) throws -> [Figure] {
        let held = quick ? 100_000 : 1_000_000
        let rounds = quick ? 3 : 5
        let perRound = 3_000
        let scratch = try ScratchDirectory("growth")
        defer { scratch.remove() }
        let verifier = CredentialVerifier(salt: [1], iterations: 4096, storedKey: [], serverKey: [])

        // The full store: 34 provinces' products and producers, written as the central office's
        // own captured writes (not timed). The province that pushes exists in both stores.
        let empty = try SQLiteNationalStore.open(at: scratch.path("empty.sqlite"))
        let full = try SQLiteNationalStore.open(at: scratch.path("full.sqlite"))
        let provinces = 34
        for index in 0..<provinces {
            let tenant = try full.addProvince(code: String(format: "%02d", index + 1), name: "Tỉnh \(index + 1)", verifier: verifier)
            let count = held / provinces
            let rows = SampleProducts.make(count: count, tenant: tenant, seed: UInt64(300 + index))
            try full.replica.write { db in
                try SampleProducts.insertProvince(rows, producers: SampleProducts.producers(count: count, seed: UInt64(300 + index)), tenant: tenant, into: db)
            }
        }
        try full.replica.stamp()
        let tenant = UUID()
        for store in [empty, full] {
            _ = try store.addProvince(code: "96", name: "Cà Mau", verifier: verifier, id: tenant)
        }
        let replica = try Replica.create(at: scratch.path("province.ocop"), role: .province, tenantID: tenant)
        let principal = Principal(replica: replica.replicaID, role: .province, tenantID: tenant)
        let producers = SampleProducts.producers(count: perRound * rounds, seed: 999)
        try replica.write { db in try SampleProducts.insertProvince([], producers: producers, tenant: tenant, into: db) }
        if let batch = try SyncWorkload.pendingBatch(replica) {
            for store in [empty, full] { _ = try MergeBenchmark.push(batch, into: store, from: principal) }
            try replica.acknowledge(batch, through: batch.lastCounter, rejections: [])
        }

        var emptySeconds: [Double] = []
        var fullSeconds: [Double] = []
        var changes = 0
        let all = SampleProducts.make(count: perRound * rounds, tenant: tenant, seed: 999)
        for round in 0..<rounds {
            let rows = Array(all[(round * perRound)..<((round + 1) * perRound)])
            try replica.write { db in
                let insert = try db.cachedStatement(sql: SampleProducts.insertSQL)
                for row in rows {
                    try insert.execute(arguments: [row.id, row.tenant, row.producer, row.classification, row.nameVI, row.nameEN,
                                                   row.descriptionVI, row.descriptionEN, row.gtin])
                }
            }
            guard let batch = try SyncWorkload.pendingBatch(replica) else { continue }
            changes += batch.changes.count
            let order: [(SQLiteNationalStore, Bool)] = round % 2 == 0 ? [(empty, false), (full, true)] : [(full, true), (empty, false)]
            for (store, isFull) in order {
                let seconds = try Measure.seconds { _ = try MergeBenchmark.push(batch, into: store, from: principal) }
                if isFull { fullSeconds.append(seconds) } else { emptySeconds.append(seconds) }
            }
            try replica.acknowledge(batch, through: batch.lastCounter, rejections: [])
        }
        let emptyRate = Double(perRound) / Measure.median(emptySeconds)
        let fullRate = Double(perRound) / Measure.median(fullSeconds)
        return [
            Figure(name: "merge_growth_ratio", value: fullRate / emptyRate,
                   note: "merge rate into a national store holding \(held) products (\(String(format: "%.0f", fullRate))/s) over the rate into an empty one (\(String(format: "%.0f", emptyRate))/s): \(rounds) pushes of \(perRound) new products into both, alternating, median (target ≥ 0.8)"),
        ]
    }
}
