import Foundation
import GRDB
import OCOPReplica
import OCOPSync
import Testing

@Suite("Change capture")
struct CaptureTests {
    @Test func writesFromTheSqlite3ShellAreCapturedWithOrderedClocks() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("hanoi.ocop")
        let replica = try Replica.create(at: path, role: .province, tenantID: TestTenants.hanoi)
        let tenantHex = TestTenants.hanoi.uuidString.replacingOccurrences(of: "-", with: "")
        try await sqlite3Shell(path, """
            INSERT INTO products(id, tenant_id, producer_id, classification_code, classification_version, name_vi, status)
              VALUES (x'0100000000000000000000000000000a', x'\(tenantHex)', x'01000000000000000000000000000099', '1.4.a', 'QD148-2023', 'Nước mắm', 'active');
            INSERT INTO products(id, tenant_id, producer_id, classification_code, classification_version, name_vi, status)
              VALUES (x'0100000000000000000000000000000b', x'\(tenantHex)', x'01000000000000000000000000000099', '1.5.a', 'QD148-2023', 'Chè', 'active');
            UPDATE products SET name_vi = 'Nước mắm Phú Quốc', gtin = '8930000000011' WHERE id = x'0100000000000000000000000000000a';
            DELETE FROM products WHERE id = x'0100000000000000000000000000000b';
            """)
        // The shell's writes wait in the log until the library looks.
        #expect(try replica.syncPosition().pendingWrites == 4)
        #expect(try replica.stamp() == 4)

        let batch = try #require(try replica.outgoingBatch())
        #expect(batch.firstCounter == 1 && batch.lastCounter == 4)
        #expect(batch.changes.count == 2)
        let fishSauce = try #require(batch.changes.first { $0.key == .blob(Array(rowKey(10))) })
        let tea = try #require(batch.changes.first { $0.key == .blob(Array(rowKey(11))) })

        // Insert stamped every column with dot 1; the update re-stamped two columns with dot 3.
        #expect(fishSauce.state.columns["name_vi"]?.value == .text("Nước mắm Phú Quốc"))
        #expect(fishSauce.state.columns["name_vi"]?.stamp.dot == Dot(replica: replica.replicaID, counter: 3))
        #expect(fishSauce.state.columns["gtin"]?.stamp.dot.counter == 3)
        #expect(fishSauce.state.columns["status"]?.stamp.dot.counter == 1)
        #expect(fishSauce.state.existence == Existence(isDeleted: false, stamp: fishSauce.state.columns["status"]!.stamp))
        #expect(fishSauce.state.versionVector[replica.replicaID] == 3)
        // Clocks follow log order.
        let insertClock = fishSauce.state.columns["status"]!.stamp.hlc
        let updateClock = fishSauce.state.columns["name_vi"]!.stamp.hlc
        let deleteClock = try #require(tea.state.existence).stamp.hlc
        #expect(insertClock < updateClock && updateClock < deleteClock)
        #expect(updateClock.millis > 1_700_000_000_000, "clocks carry wall time")

        // The delete is a tombstone that still carries the row's last values.
        #expect(tea.state.existence?.isDeleted == true)
        #expect(tea.state.existence?.stamp.dot.counter == 4)
        #expect(tea.state.columns["name_vi"]?.value == .text("Chè"))
        #expect(try replica.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM products") } == 1)
    }

    @Test func libraryWritesAndPlainSQLShareOneCounter() throws {
        let replica = try Replica.create(at: ":memory:", role: .province, tenantID: TestTenants.hanoi)
        try replica.write { try insertProduct($0, id: rowKey(1), tenant: TestTenants.hanoi, name: "Mật ong") }
        try replica.write { try $0.execute(sql: "UPDATE products SET name_vi = name_vi") } // no change: not captured
        try replica.write { try $0.execute(sql: "UPDATE products SET status = 'withdrawn'") }
        #expect(try replica.stamp() == 2)
        let batch = try #require(try replica.outgoingBatch())
        #expect(batch.lastCounter == 2)
        #expect(batch.changes.first?.state.columns["status"]?.stamp.dot.counter == 2)
    }

    @Test func changingAPrimaryKeyIsRefused() throws {
        let replica = try Replica.create(at: ":memory:", role: .province, tenantID: TestTenants.hanoi)
        try replica.write { try insertProduct($0, id: rowKey(1), tenant: TestTenants.hanoi, name: "Mật ong") }
        #expect(throws: DatabaseError.self) {
            try replica.write { try $0.execute(sql: "UPDATE products SET id = ?", arguments: [rowKey(2)]) }
        }
        #expect(try replica.stamp() == 1)
    }

    @Test func acknowledgedWritesLeaveThePendingList() throws {
        let replica = try Replica.create(at: ":memory:", role: .province, tenantID: TestTenants.hanoi)
        for n in 1...5 { try replica.write { try insertProduct($0, id: rowKey(n), tenant: TestTenants.hanoi, name: "Sản phẩm \(n)") } }
        let first = try #require(try replica.outgoingBatch(maxWrites: 3))
        #expect(first.changes.count == 3 && first.lastCounter == 3)
        try replica.acknowledge(first, through: first.lastCounter, rejections: [])
        let second = try #require(try replica.outgoingBatch())
        #expect(second.firstCounter == 4 && second.lastCounter == 5 && second.changes.count == 2)
        try replica.acknowledge(second, through: second.lastCounter, rejections: [])
        #expect(try replica.outgoingBatch() == nil)
        // Counters are never reused after the log is trimmed.
        try replica.write { try insertProduct($0, id: rowKey(6), tenant: TestTenants.hanoi, name: "Sản phẩm 6") }
        #expect(try replica.outgoingBatch()?.lastCounter == 6)
    }

    @Test func anUnacknowledgedBatchIsOfferedAgain() throws {
        let replica = try Replica.create(at: ":memory:", role: .province, tenantID: TestTenants.hanoi)
        try replica.write { try insertProduct($0, id: rowKey(1), tenant: TestTenants.hanoi, name: "Gạo") }
        let first = try replica.outgoingBatch()
        #expect(try replica.outgoingBatch() == first)
    }

    @Test func textFromOtherProgramsIsNormalisedToNFC() throws {
        let replica = try Replica.create(at: ":memory:", role: .province, tenantID: TestTenants.hanoi)
        let decomposed = "Nước mắm".decomposedStringWithCanonicalMapping
        #expect(decomposed.unicodeScalars.count != "Nước mắm".unicodeScalars.count)
        try replica.write { try insertProduct($0, id: rowKey(1), tenant: TestTenants.hanoi, name: decomposed) }
        let batch = try #require(try replica.outgoingBatch())
        guard case .text(let sent) = batch.changes[0].state.columns["name_vi"]?.value else { Issue.record("no name"); return }
        #expect(Array(sent.unicodeScalars) == Array("Nước mắm".precomposedStringWithCanonicalMapping.unicodeScalars))
        let stored = try replica.read { try String.fetchOne($0, sql: "SELECT name_vi FROM products") }
        #expect(stored.map { Array($0.unicodeScalars) } == Array(sent.unicodeScalars))
        #expect(try replica.syncPosition().pendingWrites == 1, "normalising is not a new write")
    }

    @Test func refusedChangesAreParkedAndDoNotBlockOthers() throws {
        let replica = try Replica.create(at: ":memory:", role: .province, tenantID: TestTenants.hanoi)
        try replica.write { try insertProduct($0, id: rowKey(1), tenant: TestTenants.hanoi, name: "Tốt") }
        try replica.write { try insertProduct($0, id: rowKey(2), tenant: TestTenants.hanoi, name: "Sai") }
        let batch = try #require(try replica.outgoingBatch())
        let refused = Rejection(table: "products", key: .blob(Array(rowKey(2))), code: 3, reason: "classification_code: unknown")
        try replica.acknowledge(batch, through: batch.lastCounter, rejections: [refused])
        #expect(try replica.parkedRejections() == [refused])
        #expect(try replica.outgoingBatch() == nil, "the queue moves on")
        // Fixing the row sends it whole, so the server gets every column it refused before.
        try replica.write { try $0.execute(sql: "UPDATE products SET classification_code = '1.3.a' WHERE name_vi = 'Sai'") }
        let retry = try #require(try replica.outgoingBatch())
        #expect(retry.changes.count == 1)
        #expect(retry.changes[0].state.columns.count == 11)
        #expect(retry.changes[0].state.existence != nil)
        try replica.acknowledge(retry, through: retry.lastCounter, rejections: [])
        #expect(try replica.parkedRejections().isEmpty)
    }
}
