import Foundation
import GRDB
import OCOPReplica
import OCOPSync
import Testing

/// A server stand-in that refuses every change to the rows it is told to refuse (as the daemon
/// refuses another province's tenant, a province's 5★ certificate or a 2-byte id, whatever the
/// change: insert, update or delete) and accepts the rest.
final class RefusingChannel: SyncChannel {
    var refused: Set<Data>
    private(set) var pushed: [RowChange] = []

    init(refusing keys: Set<Data>) { refused = keys }

    func push(_ batch: PushBatch) async throws -> PushResult {
        pushed += batch.changes
        let refusals = batch.changes.enumerated().compactMap { index, change -> RefusedChange? in
            guard case .blob(let bytes) = change.key, refused.contains(Data(bytes)) else { return nil }
            return RefusedChange(index: index, table: change.table, key: change.key, code: .invalidData, message: "refused by the test server")
        }
        return PushResult(acknowledgedThrough: batch.lastCounter, applied: batch.changes.count - refusals.count, alreadySeen: 0,
                          conflicts: 0, refused: refusals)
    }

    func pull(after cursor: UInt64) async throws -> PullResult {
        PullResult(changes: [], conflicts: [], nextCursor: cursor, hasMore: false)
    }
}

/// A refused row that the province then deletes must not stay parked for ever.
@Suite("parked rows that are deleted")
struct ParkedDeleteTests {
    static let tinyKey = Data([0x01, 0x02])

    @Test("a refused insert, then deleted, leaves nothing parked or pending", arguments: [rowKey(1), tinyKey])
    func refusedThenDeleted(key: Data) async throws {
        let replica = try Replica.create(at: ":memory:", role: .province, tenantID: TestTenants.hanoi)
        let server = RefusingChannel(refusing: [key])
        try replica.write { try insertProduct($0, id: key, tenant: TestTenants.hanoi, name: "Trà") }
        _ = try await replica.sync(over: server)
        #expect(try replica.parkedRejections().count == 1)

        try replica.write { try $0.execute(sql: "DELETE FROM products WHERE id = ?", arguments: [key]) }
        let pushedBefore = server.pushed.count
        let report = try await replica.sync(over: server)
        #expect(report.changesRefused == 0)
        #expect(try replica.parkedRejections().isEmpty, "nothing left that the user could fix")
        #expect(server.pushed.count == pushedBefore, "the server never had the row: no delete is sent")
        #expect(try replica.outgoingBatch() == nil, "pending agrees: nothing to send")
        _ = try await replica.sync(over: server)
        #expect(try replica.parkedRejections().isEmpty)
    }

    @Test func aRefusedRowEditedThenDeletedIsDroppedToo() async throws {
        let replica = try Replica.create(at: ":memory:", role: .province, tenantID: TestTenants.hanoi)
        let key = rowKey(2)
        let server = RefusingChannel(refusing: [key])
        try replica.write { try insertProduct($0, id: key, tenant: TestTenants.hanoi, name: "Trà") }
        _ = try await replica.sync(over: server)
        try replica.write { try $0.execute(sql: "UPDATE products SET name_vi = 'Trà xanh' WHERE id = ?", arguments: [key]) }
        _ = try await replica.sync(over: server)
        #expect(try replica.parkedRejections().count == 1, "still refused after the edit")
        try replica.write { try $0.execute(sql: "DELETE FROM products WHERE id = ?", arguments: [key]) }
        _ = try await replica.sync(over: server)
        #expect(try replica.parkedRejections().isEmpty)
    }

    @Test func aRowTheServerAcceptedOnceStillSendsItsDelete() async throws {
        let replica = try Replica.create(at: ":memory:", role: .province, tenantID: TestTenants.hanoi)
        let key = rowKey(3)
        let server = RefusingChannel(refusing: [])
        try replica.write { try insertProduct($0, id: key, tenant: TestTenants.hanoi, name: "Trà") }
        _ = try await replica.sync(over: server)
        // The server accepted the insert, then refuses an edit: the row is parked...
        server.refused = [key]
        try replica.write { try $0.execute(sql: "UPDATE products SET name_vi = 'Trà xanh' WHERE id = ?", arguments: [key]) }
        _ = try await replica.sync(over: server)
        #expect(try replica.parkedRejections().count == 1)
        // ...and its delete must still reach the server, which has the row.
        server.refused = []
        try replica.write { try $0.execute(sql: "DELETE FROM products WHERE id = ?", arguments: [key]) }
        let before = server.pushed.count
        _ = try await replica.sync(over: server)
        #expect(server.pushed.count == before + 1)
        #expect(server.pushed.last?.state.existence?.isDeleted == true)
        #expect(try replica.parkedRejections().isEmpty)
    }
}
