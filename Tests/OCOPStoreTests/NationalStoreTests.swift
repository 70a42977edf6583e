import Foundation
import GRDB
import OCOPModel
import OCOPReplica
import OCOPStore
import OCOPSync
import Testing

@Suite("National store")
struct NationalStoreTests {
    @Test func provincesSeeTheirOwnRowsAndTheCentralOfficeSeesAll() async throws {
        let federation = try Federation(provinceNames: [("01", "Hà Nội"), ("46", "Huế")])
        let (hanoi, hue) = (federation.provinces[0], federation.provinces[1])
        try insertProduct(hanoi.replica, id: key(1), tenant: hanoi.tenant, name: "Ô mai Hàng Đường")
        try insertProduct(hue.replica, id: key(2), tenant: hue.tenant, name: "Mè xửng")
        try await federation.sync(0)
        try await federation.sync(1)
        try await federation.sync(0)
        try await federation.sync(nil)

        #expect(try productsDigest(federation.store.replica.database, tenant: nil).count == 2)
        #expect(try productsDigest(federation.central.database, tenant: nil) == productsDigest(federation.store.replica.database, tenant: nil))
        #expect(try productsDigest(hanoi.replica.database, tenant: nil) == productsDigest(federation.store.replica.database, tenant: hanoi.tenant))
        #expect(try productsDigest(hue.replica.database, tenant: nil) == productsDigest(federation.store.replica.database, tenant: hue.tenant))
        // Reference data (the tenants list) reaches every province.
        #expect(try hanoi.replica.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM tenants") } == 2)
    }

    @Test func crossTenantWritesAreRefusedAndDoNotBlockTheRest() async throws {
        let federation = try Federation(provinceNames: [("01", "Hà Nội"), ("46", "Huế")])
        let (hanoi, hue) = (federation.provinces[0], federation.provinces[1])
        try insertProduct(hanoi.replica, id: key(1), tenant: hanoi.tenant, name: "Hợp lệ")
        try insertProduct(hanoi.replica, id: key(2), tenant: hue.tenant, name: "Sai tỉnh")
        try hanoi.replica.write { try $0.execute(sql: "INSERT INTO tenants(id, code, name, kind) VALUES (?, '99', 'Giả', 'province')", arguments: [key(3)]) }
        try hanoi.replica.write { db in
            try db.execute(sql: """
                INSERT INTO certificates(id, tenant_id, product_id, number, stars, issuer, issued_on, expires_on, status)
                VALUES (?, ?, ?, 'HN-5S', 5, 'province', '2026-01-10', '2029-01-10', 'active')
                """, arguments: [key(4), hanoi.tenant, key(1)])
        }
        try insertProduct(hanoi.replica, id: key(5), tenant: hanoi.tenant, name: "Cũng hợp lệ")
        let report = try await federation.sync(0)
        #expect(report.changesRefused == 3)
        let refused = try hanoi.replica.parkedRejections()
        #expect(refused.map(\.table).sorted() == ["certificates", "products", "tenants"])
        #expect(refused.map(\.code).sorted() == [RejectionCode.forbiddenTenant.rawValue, RejectionCode.forbiddenTenant.rawValue, RejectionCode.readOnlyTable.rawValue])
        #expect(refused.contains { $0.reason.contains("5★") })
        #expect(try hanoi.replica.syncPosition().pendingWrites == 0, "the queue is not stuck")
        let national = try federation.store.replica.read { try String.fetchAll($0, sql: "SELECT name_vi FROM products ORDER BY name_vi") }
        #expect(national == ["Cũng hợp lệ", "Hợp lệ"])

        // A province cannot touch another province's row either.
        try insertProduct(hue.replica, id: key(10), tenant: hue.tenant, name: "Của Huế")
        try await federation.sync(1)
        try insertProduct(hanoi.replica, id: key(10), tenant: hanoi.tenant, name: "Chiếm")
        try await federation.sync(0)
        #expect(try federation.store.replica.read { try String.fetchOne($0, sql: "SELECT name_vi FROM products WHERE id = ?", arguments: [key(10)]) } == "Của Huế")
    }

    @Test func invalidDataIsRefusedWithRowAndField() async throws {
        let federation = try Federation(provinceNames: [("01", "Hà Nội")])
        let hanoi = federation.provinces[0]
        try insertProduct(hanoi.replica, id: key(2), tenant: hanoi.tenant, name: "Mật ong")
        try hanoi.replica.write { db in
            try db.execute(sql: """
                INSERT INTO certificates(id, tenant_id, product_id, number, stars, issuer, issued_on, expires_on, status)
                VALUES (?, ?, ?, 'HN-1', 3, 'province', '2026-02-30', '2029-02-28', 'active')
                """, arguments: [key(1), hanoi.tenant, key(2)])
        }
        try await federation.sync(0)
        let refusal = try #require(try hanoi.replica.parkedRejections().first)
        #expect(refusal.code == RejectionCode.invalidData.rawValue)
        #expect(refusal.reason.contains("issued_on"))
        // Fixing the row sends it again, whole, and it is accepted.
        try hanoi.replica.write { try $0.execute(sql: "UPDATE certificates SET issued_on = '2026-02-28'") }
        try await federation.sync(0)
        #expect(try hanoi.replica.parkedRejections().isEmpty)
        #expect(try federation.store.replica.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM certificates") } == 1)
    }

    @Test func rePushingABatchChangesNothing() async throws {
        let federation = try Federation(provinceNames: [("01", "Hà Nội")])
        let hanoi = federation.provinces[0]
        _ = try await federation.store.openSession(replica: hanoi.replica.replicaID, account: try federation.account(0))
        for n in 1...20 { try insertProduct(hanoi.replica, id: key(n), tenant: hanoi.tenant, name: "Sản phẩm \(n)") }
        let batch = try #require(try hanoi.replica.outgoingBatch())
        let push = PushBatch(schemaVersion: 1, firstCounter: batch.firstCounter, lastCounter: batch.lastCounter, changes: batch.changes, conflicts: [])
        let first = try await federation.store.push(push, from: federation.principal(0))
        let digest = try federation.store.replica.contentDigest()
        let second = try await federation.store.push(push, from: federation.principal(0))
        #expect(first.applied == 20 && second.applied == 0 && second.alreadySeen == 20)
        #expect(try federation.store.replica.contentDigest() == digest)
    }

    @Test func concurrentEditsByProvinceAndCentralConvergeWithTheConflictRecorded() async throws {
        let federation = try Federation(provinceNames: [("01", "Hà Nội")])
        let hanoi = federation.provinces[0]
        try insertProduct(hanoi.replica, id: key(1), tenant: hanoi.tenant, name: "Chè")
        try await federation.sync(0)
        try await federation.sync(nil)
        try hanoi.replica.write { try $0.execute(sql: "UPDATE products SET name_en = 'Tea (province)'") }
        try federation.central.write { try $0.execute(sql: "UPDATE products SET name_en = 'Shan Tuyet tea'") }
        try await federation.sync(0)
        try await federation.sync(nil)
        try await federation.sync(0)
        let names = try [hanoi.replica, federation.central, federation.store.replica].map { replica in
            try replica.read { try String.fetchOne($0, sql: "SELECT name_en FROM products") }
        }
        #expect(Set(names).count == 1)
        for replica in [hanoi.replica, federation.central, federation.store.replica] {
            let conflicts = try replica.conflicts()
            #expect(conflicts.count == 1)
            #expect(conflicts.first?.column == "name_en")
        }
    }

    @Test func unsupportedSchemaVersionIsRefused() throws {
        let store = try SQLiteNationalStore.open(at: ":memory:")
        let principal = Principal(replica: .random(), role: .central, tenantID: nil)
        #expect(throws: StoreError.self) {
            try store.push(PushBatch(schemaVersion: 99, firstCounter: 1, lastCounter: 1, changes: [], conflicts: []), from: principal)
        }
    }

    @Test func tombstonesAreCollectedOnceEveryReplicaPulledPastThem() async throws {
        let federation = try Federation(provinceNames: [("01", "Hà Nội"), ("46", "Huế")])
        let hanoi = federation.provinces[0]
        try insertProduct(hanoi.replica, id: key(1), tenant: hanoi.tenant, name: "Tạm")
        for index in [0, 1, nil] as [Int?] { try await federation.sync(index) }
        try hanoi.replica.write { try $0.execute(sql: "DELETE FROM products") }
        try await federation.sync(0)
        try await federation.sync(nil)
        #expect(try await federation.store.collectTombstones() == 0, "Huế has not pulled past the delete yet")
        // A replica reports the cursor it durably applied with its next pull.
        try await federation.sync(1)
        #expect(try await federation.store.collectTombstones() == 0, "Huế applied the delete but has not said so yet")
        for index in [1, 0, nil] as [Int?] { try await federation.sync(index) }
        #expect(try await federation.store.collectTombstones() == 1)

        // A retired replica that never syncs again holds collection back until it is forgotten.
        let retired = try Replica.create(at: ":memory:", role: .province, tenantID: federation.provinces[1].tenant)
        _ = try await federation.store.openSession(replica: retired.replicaID, account: try federation.account(1))
        try insertProduct(hanoi.replica, id: key(2), tenant: hanoi.tenant, name: "Tạm 2")
        for index in [0, 1, nil] as [Int?] { try await federation.sync(index) }
        try hanoi.replica.write { try $0.execute(sql: "DELETE FROM products") }
        for _ in 0..<2 { for index in [0, 1, nil] as [Int?] { try await federation.sync(index) } }
        #expect(try await federation.store.collectTombstones() == 0, "the retired replica never pulled past the delete")
        try await federation.store.forgetReplica(retired.replicaID)
        #expect(try await federation.store.collectTombstones() == 1)
        #expect(throws: StoreError.self) { try federation.store.forgetReplica(retired.replicaID) }
        #expect(try federation.store.replica.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM _tomb_products") } == 0)
        #expect(try federation.central.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM products") } == 0)
    }

    @Test func backupIsAConsistentCopyThatOpensAsAStore() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-backup-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteNationalStore.open(at: directory.appendingPathComponent("national.ocop").path)
        let tenant = try await store.addProvince(code: "01", name: "Hà Nội", verifier: testVerifier)
        for n in 1...50 { try insertProduct(store.replica, id: key(n), tenant: tenant, name: "Sản phẩm \(n)") }
        let backupPath = directory.appendingPathComponent("backup.ocop").path
        try await store.backup(to: backupPath)
        #expect(throws: StoreError.self) { try store.backup(to: backupPath) }
        let restored = try SQLiteNationalStore.open(at: backupPath)
        #expect(try restored.replica.contentDigest() == store.replica.contentDigest())
        #expect(try await restored.account(user: tenant.uuidString.lowercased()) != nil)
    }
}

@Suite("National store: clocks")
struct ClockDriftTests {
    @Test func changesFromAClockFarAheadAreRefusedAndParked() async throws {
        let federation = try Federation(provinceNames: [("01", "Hà Nội")])
        let hanoi = federation.provinces[0]
        _ = try await federation.store.openSession(replica: hanoi.replica.replicaID, account: try federation.account(0))
        // A change stamped two days ahead, as a province machine with a wrong clock would send.
        let future = HLC(millis: HLC.wallMillisNow() + 48 * 3_600_000, logical: 0)
        let stamp = Stamp(hlc: future, dot: Dot(replica: hanoi.replica.replicaID, counter: 1))
        var state = RowState()
        state.recordWrite([
            "tenant_id": .blob(withUnsafeBytes(of: hanoi.tenant.uuid) { Array($0) }), "producer_id": .blob(Array(producerKey(hanoi.tenant))),
            "classification_code": .text("1.2.b"), "classification_version": .text("QD148-2023"), "name_vi": .text("Mật ong"),
            "status": .text("registered"),
        ], stamp: stamp, insert: true)
        let push = PushBatch(schemaVersion: 1, firstCounter: 1, lastCounter: 1,
                             changes: [RowChange(table: "products", key: .blob(Array(key(1))), state: state)], conflicts: [])
        let result = try await federation.store.push(push, from: federation.principal(0))
        #expect(result.refused.count == 1)
        #expect(result.refused.first?.code == .invalidData)
        #expect(result.refused.first?.message.contains("hours ahead") == true)
        #expect(result.acknowledgedThrough == 1, "the refused change does not block the queue")
        // An hour ahead is fine.
        let soon = Stamp(hlc: HLC(millis: HLC.wallMillisNow() + 3_600_000, logical: 0), dot: Dot(replica: hanoi.replica.replicaID, counter: 2))
        var later = RowState()
        later.recordWrite(state.columns.mapValues(\.value), stamp: soon, insert: true)
        let accepted = try await federation.store.push(
            PushBatch(schemaVersion: 1, firstCounter: 2, lastCounter: 2, changes: [RowChange(table: "products", key: .blob(Array(key(3))), state: later)], conflicts: []),
            from: federation.principal(0))
        #expect(accepted.refused.isEmpty && accepted.applied == 1)
    }
}

@Suite("National store: province merger")
struct TenantMergeTests {
    @Test func mergingKeepsEveryRowAndClockAndTheRetiredAccountActsForTheSurvivor() async throws {
        let federation = try Federation(provinceNames: [("02", "Hà Giang"), ("08", "Tuyên Quang")])
        let (haGiang, tuyenQuang) = (federation.provinces[0], federation.provinces[1])
        for n in 1...5 { try insertProduct(haGiang.replica, id: key(n), tenant: haGiang.tenant, name: "Chè Shan tuyết \(n)") }
        try insertProduct(tuyenQuang.replica, id: key(100), tenant: tuyenQuang.tenant, name: "Cam sành Hàm Yên")
        for index in [0, 1, nil] as [Int?] { try await federation.sync(index) }
        let before = Dictionary(uniqueKeysWithValues: try federation.store.replica.snapshotChanges()
            .filter { $0.table == "products" }.map { ($0.key, $0.state) })

        let result = try await federation.store.mergeTenant(haGiang.tenant, into: tuyenQuang.tenant, lastDay: LocalDate("2025-06-30")!)
        #expect(result.movedRows["products"] == 5)
        #expect(try await federation.store.account(user: haGiang.tenant.uuidString.lowercased())?.mergedInto == tuyenQuang.tenant,
                "the retired province's account now acts for the survivor")

        try await federation.sync(1)
        let survivorRows = try tuyenQuang.replica.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM products") }
        #expect(survivorRows == 6, "the survivor receives the merged rows on its next sync")
        let after = try federation.store.replica.snapshotChanges().filter { $0.table == "products" }
        for change in after where before[change.key] != nil {
            let old = before[change.key]!
            #expect(change.state.columns["tenant_id"]?.value == .blob(withUnsafeBytes(of: tuyenQuang.tenant.uuid) { Array($0) }))
            for (column, write) in old.columns where column != "tenant_id" {
                #expect(change.state.columns[column] == write, "\(column) keeps its value and its clock")
            }
            #expect(old.versionVector.isCovered(by: change.state.versionVector), "history is kept")
        }
        // Reports can still tell where a row came from.
        let origins = try federation.store.replica.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM _tenant_merges WHERE from_tenant = ?", arguments: [haGiang.tenant])
        }
        #expect(origins == 5 + 1, "the five products and their producer")
        let merged = try federation.store.replica.read { db in
            try Row.fetchOne(db, sql: "SELECT merged_into, valid_until FROM tenants WHERE id = ?", arguments: [haGiang.tenant])
        }
        #expect((merged?["merged_into"] as Data?) == Data(withUnsafeBytes(of: tuyenQuang.tenant.uuid) { Array($0) }))
        #expect(merged?["valid_until"] as String? == "2025-06-30")
        #expect(throws: StoreError.self) { try federation.store.mergeTenant(haGiang.tenant, into: tuyenQuang.tenant, lastDay: LocalDate("2025-06-30")!) }
    }
}
