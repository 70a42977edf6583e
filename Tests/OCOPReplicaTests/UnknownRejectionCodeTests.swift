import Foundation
import OCOPReplica
import OCOPSync
import Testing

/// A server newer than this client may refuse a change with a reason code this version does not
/// know. The spec says such codes MUST be accepted: the change is parked with the code as it
/// came, so the user (and support) can see which one it was.
@Suite("Refusals with a reason code this version does not know")
struct UnknownRejectionCodeTests {
    struct NewerServer: SyncChannel {
        func push(_ batch: PushBatch) async throws -> PushResult {
            let refused = batch.changes.enumerated().map { index, change in
                RefusedChange(index: index, table: change.table, key: change.key, code: RejectionCode(rawValue: 77),
                              message: "a rule of a later release")
            }
            return PushResult(acknowledgedThrough: batch.lastCounter, applied: 0, alreadySeen: 0, conflicts: 0, refused: refused)
        }

        func pull(after cursor: UInt64) async throws -> PullResult {
            PullResult(changes: [], conflicts: [], nextCursor: cursor, hasMore: false)
        }
    }

    @Test func theChangeIsParkedWithTheCodeAsItCame() async throws {
        let replica = try Replica.create(at: ":memory:", role: .province, tenantID: TestTenants.hanoi)
        try replica.write { try insertProduct($0, id: rowKey(1), tenant: TestTenants.hanoi, name: "Bánh cốm Hà Nội") }
        let report = try await replica.sync(over: NewerServer())
        #expect(report.changesRefused == 1)
        let parked = try replica.parkedRejections()
        #expect(parked.map(\.code) == [77])
        #expect(RejectionCode(rawValue: 77).description == "code 77")
        #expect(RejectionCode.known.map(\.description) == ["forbidden", "invalid data", "unknown table", "unknown column", "read-only table", "other"])
    }
}
