import Foundation
import OCOPModel
import OCOPReplica
import OCOPSync
import Testing

@Suite("ocop pending / conflicts / rejected")
struct SyncStateCommandTests {
    @Test func pendingListsUnacknowledgedChanges() async throws {
        let workspace = try await Workspace.province()
        #expect(try await workspace.ok("pending") == "Nothing pending: the server has acknowledged every local change.")
        let producer = try await workspace.ok("producer", "add", "--name", "Hợp tác xã Chè Shan tuyết Suối Giàng", "--type", "HTX",
                                        "--tax-code", "5200123456")
        try await workspace.ok("product", "add", "--name-vi", "Chè Shan tuyết Suối Giàng", "--classification", "1.5.a", "--producer", producer)

        let json = try await workspace.ocop("pending", "--json").object()
        #expect(json["pending_writes"] as? Int == 2)
        let changes = try #require(json["changes"] as? [[String: Any]])
        #expect(changes.map { $0["table"] as? String } == ["producers", "products"])
        #expect(changes[0]["id"] as? String == producer && changes[0]["change"] as? String == "insert")
        #expect((changes[0]["columns"] as? [String])?.starts(with: ["tenant_id", "name", "type", "tax_code"]) == true)
        let text = try await workspace.ok("pending")
        #expect(text.contains("TABLE") && text.contains(producer) && text.contains("insert"))
        #expect(text.hasSuffix("2 row(s) changed (1 producers, 1 products) in 2 write(s) not yet acknowledged; 0 conflict record(s) to push."))

        // The server acknowledges; later an edit and a delete are pending with what they changed.
        let replica = try workspace.openReplica()
        let batch = try #require(try replica.outgoingBatch())
        try replica.acknowledge(batch, through: batch.lastCounter, rejections: [])
        #expect(try await workspace.ocop("pending", "--json").object()["changes"] as? [Any] != nil)
        #expect((try await workspace.ocop("pending", "--json").object()["changes"] as? [Any])?.isEmpty == true)
        try await workspace.ok("producer", "edit", producer, "--phone", "0912 345 678")
        let edit = try #require(try await workspace.ocop("pending", "--json").object()["changes"] as? [[String: Any]])
        #expect(edit.count == 1 && edit[0]["change"] as? String == "update" && edit[0]["columns"] as? [String] == ["phone"])
        try await workspace.ok("product", "delete", "Chè Shan tuyết Suối Giàng")
        let delete = try #require(try await workspace.ocop("pending", "--json").object()["changes"] as? [[String: Any]])
        #expect(delete.compactMap { $0["change"] as? String } == ["update", "delete"])
    }

    @Test func conflictsShowTheLosingValueWithItsOrigin() async throws {
        let workspace = try await Workspace.province()
        #expect(try await workspace.ok("conflicts") == "No conflicts.")
        #expect(try await workspace.ocop("conflicts", "--json").array().isEmpty)
        let id = try await workspace.ok("producer", "add", "--name", "Công ty TNHH Nước mắm Thanh Hà", "--type", "enterprise",
                                  "--phone", "0297 3846 123")
        let uuid = try #require(UUID(uuidString: id))
        let local = try workspace.openReplica()
        // A second replica of the same province sees the row, then both edit the phone concurrently.
        let other = try Replica.create(at: ":memory:", role: .province, tenantID: Workspace.laoCai)
        try other.applyIncoming(changes: try local.snapshotChanges(), conflicts: [], cursor: nil)
        try await workspace.ok("producer", "edit", id, "--phone", "0987 654 321")
        var theirs = try #require(try other.fetch(Producer.self, id: uuid))
        theirs.phone = "0977 111 222"
        try other.save(theirs)
        try local.applyIncoming(changes: try other.snapshotChanges(), conflicts: [], cursor: nil)

        let conflicts = try await workspace.ocop("conflicts", "--json").array()
        #expect(conflicts.count == 1)
        let conflict = try #require(conflicts.first)
        #expect(conflict["table"] as? String == "producers" && conflict["id"] as? String == id)
        #expect(conflict["column"] as? String == "phone" && conflict["kind"] as? String == "concurrent_update")
        let losing = try #require(conflict["losing_value"] as? String)
        let winner = try #require(try local.fetch(Producer.self, id: uuid)?.phone)
        #expect(Set([losing, winner]) == ["0987 654 321", "0977 111 222"])
        let origin = conflict["origin_replica"] as? String
        #expect(origin == local.replicaID.description || origin == other.replicaID.description)
        #expect(origin == (losing == "0977 111 222" ? other : local).replicaID.description)
        let time = try #require(conflict["time"] as? String)
        #expect(time.hasSuffix("Z") && time.count == 24, "ISO 8601 UTC with milliseconds: \(time)")

        let text = try await workspace.ok("conflicts")
        #expect(text.contains("producers") && text.contains("phone") && text.contains(losing) && text.hasSuffix("1 conflict(s)."))
    }

    @Test func rejectedListsParkedChangesWithTheReason() async throws {
        let workspace = try await Workspace.province()
        #expect(try await workspace.ok("rejected") == "No rejected changes.")
        let producer = try await workspace.ok("producer", "add", "--name", "Hợp tác xã Mận Bắc Hà", "--type", "HTX")
        let product = try await workspace.ok("product", "add", "--name-vi", "Mận tam hoa Bắc Hà", "--classification", "1.1.a", "--producer", producer)
        let replica = try workspace.openReplica()
        let batch = try #require(try replica.outgoingBatch())
        let key = try #require(batch.changes.first { $0.table == "products" }?.key)
        let reason = "products.classification_code: 1.1.a is not allowed for this producer"
        try replica.acknowledge(batch, through: batch.lastCounter,
                                rejections: [Rejection(table: "products", key: key, code: RejectionCode.invalidData.rawValue, reason: reason)])

        let rejected = try await workspace.ocop("rejected", "--json").array()
        #expect(rejected.count == 1)
        #expect(rejected.first?["table"] as? String == "products" && rejected.first?["id"] as? String == product)
        #expect(rejected.first?["code"] as? Int == Int(RejectionCode.invalidData.rawValue) && rejected.first?["code_text"] as? String == "invalid data")
        #expect(rejected.first?["reason"] as? String == reason)
        let text = try await workspace.ok("rejected")
        #expect(text.contains(product) && text.contains("invalid data") && text.contains(reason))
        #expect(text.hasSuffix("1 rejected change(s) to fix."))
    }
}
