import Foundation
import GRDB
import OCOPReplica
import OCOPSync
import Testing

/// Random schedules of concurrent edits exchanged between replicas in random orders, duplicated
/// and reordered: every replica must end identical, and every write that survived concurrently
/// with another write to the same column must be in the conflicts table.
@Suite("Convergence under random schedules")
struct ConvergenceTests {
    /// A message from one replica to another: full states of some rows and every conflict record.
    struct Message {
        var from: Int
        var to: Int
        var changes: [RowChange]
        var conflicts: [ConflictRecord]
        /// What the sender knew of each sent row when it sent it (for the harness's causality model).
        var knowledge: [Int: Set<Dot>]
    }

    /// One write as the harness saw it.
    struct Write {
        var dot: Dot
        var row: Int
        var values: [String: String?]
        var causalPast: Set<Dot>
        var columns: Set<String> { Set(values.keys) }
    }

    static let editableColumns = ["name_vi", "name_en", "status", "gtin", "description_vi"]

    final class Harness {
        var random: SeededGenerator
        let replicas: [Replica]
        let rowCount: Int
        var knowledge: [[Int: Set<Dot>]]
        var writes: [Write] = []
        var inFlight: [Message] = []
        var delivered: [Message] = []
        var uniqueValue = 0

        init(seed: UInt64, replicaCount: Int, rowCount: Int) throws {
            random = SeededGenerator(state: seed)
            replicas = try (0..<replicaCount).map { _ in
                try Replica.create(at: ":memory:", role: .province, tenantID: TestTenants.hanoi)
            }
            self.rowCount = rowCount
            knowledge = Array(repeating: [:], count: replicaCount)
        }

        func lastDot(_ replica: Int) throws -> Dot {
            try replicas[replica].stamp()
            let counter = try replicas[replica].read { try Int64.fetchOne($0, sql: "SELECT max(seq) FROM _sync_log") } ?? 0
            return Dot(replica: replicas[replica].replicaID, counter: UInt64(counter))
        }

        func recordWrite(_ replica: Int, row: Int, values: [String: String?]) throws {
            let dot = try lastDot(replica)
            let past = knowledge[replica][row, default: []]
            writes.append(Write(dot: dot, row: row, values: values, causalPast: past))
            knowledge[replica][row, default: []].insert(dot)
        }

        func isVisible(_ replica: Int, row: Int) throws -> Bool {
            try replicas[replica].read { try Bool.fetchOne($0, sql: "SELECT 1 FROM products WHERE id = ?", arguments: [rowKey(row)]) } ?? false
        }

        func nextValue(_ replica: Int) -> String {
            uniqueValue += 1
            return "r\(replica)-v\(uniqueValue) Đặc sản"
        }

        func insert(_ replica: Int, row: Int) throws {
            let name = nextValue(replica)
            try replicas[replica].write { db in
                try db.execute(
                    sql: """
                    INSERT OR REPLACE INTO products(id, tenant_id, producer_id, classification_code, classification_version, name_vi, status)
                    VALUES (?, ?, ?, '1.3.c', 'QD148-2023', ?, 'active')
                    """,
                    arguments: [rowKey(row), TestTenants.hanoi, rowKey(9999), name]
                )
            }
            var values: [String: String?] = [:]
            for column in ConvergenceTests.editableColumns { values[column] = .some(nil) }
            values["name_vi"] = name
            values["status"] = "active"
            try recordWrite(replica, row: row, values: values)
        }

        func update(_ replica: Int, row: Int) throws {
            var columns = Set<String>()
            for _ in 0..<Int.random(in: 1...2, using: &random) { columns.insert(ConvergenceTests.editableColumns.randomElement(using: &random)!) }
            let assignments = columns.sorted().map { "\"\($0)\" = ?" }.joined(separator: ", ")
            let values = columns.sorted().map { _ in nextValue(replica) }
            try replicas[replica].write { db in
                try db.execute(sql: "UPDATE products SET \(assignments) WHERE id = ?", arguments: StatementArguments(values + [rowKey(row)] as [any DatabaseValueConvertible]))
            }
            try recordWrite(replica, row: row, values: Dictionary(uniqueKeysWithValues: zip(columns.sorted(), values.map { Optional($0) })))
        }

        func delete(_ replica: Int, row: Int) throws {
            try replicas[replica].write { try $0.execute(sql: "DELETE FROM products WHERE id = ?", arguments: [rowKey(row)]) }
            try recordWrite(replica, row: row, values: [:])
        }

        func message(from: Int, to: Int, rows: Set<Int>?) throws -> Message {
            let all = try replicas[from].snapshotChanges()
            let chosen = all.filter { change in
                guard case .blob(let bytes) = change.key else { return false }
                let row = Int(bytes[14]) << 8 | Int(bytes[15])
                return rows?.contains(row) ?? true
            }
            var sentKnowledge: [Int: Set<Dot>] = [:]
            for change in chosen {
                guard case .blob(let bytes) = change.key else { continue }
                let row = Int(bytes[14]) << 8 | Int(bytes[15])
                sentKnowledge[row] = knowledge[from][row, default: []]
            }
            return Message(from: from, to: to, changes: chosen.shuffled(using: &random), conflicts: try replicas[from].conflicts(), knowledge: sentKnowledge)
        }

        func deliver(_ message: Message) throws {
            try replicas[message.to].applyIncoming(changes: message.changes, conflicts: message.conflicts, cursor: nil)
            for (row, dots) in message.knowledge { knowledge[message.to][row, default: []].formUnion(dots) }
            delivered.append(message)
        }

        func randomStep() throws {
            let actor = Int.random(in: 0..<replicas.count, using: &random)
            let row = Int.random(in: 0..<rowCount, using: &random)
            switch Int.random(in: 0..<20, using: &random) {
            case 0:
                if try isVisible(actor, row: row) { try delete(actor, row: row) } else { try insert(actor, row: row) }
            case 1...7:
                if try isVisible(actor, row: row) { try update(actor, row: row) }
            case 8...12:
                var target = Int.random(in: 0..<replicas.count, using: &random)
                if target == actor { target = (target + 1) % replicas.count }
                let rows: Set<Int>? = Bool.random(using: &random) ? nil : [row, Int.random(in: 0..<rowCount, using: &random)]
                let message = try message(from: actor, to: target, rows: rows)
                inFlight.append(message)
                if Int.random(in: 0..<4, using: &random) == 0 { inFlight.append(message) } // duplicated
            default:
                guard !inFlight.isEmpty else { return }
                // Delivered in any order.
                let index = Int.random(in: 0..<inFlight.count, using: &random)
                try deliver(inFlight.remove(at: index))
            }
        }

        func exchangeEverything() throws {
            for message in inFlight.shuffled(using: &random) { try deliver(message) }
            inFlight.removeAll()
            // Twice: conflicts recorded during the first round travel in the second.
            for _ in 0..<2 {
                for from in replicas.indices {
                    for to in replicas.indices where to != from { try deliver(try message(from: from, to: to, rows: nil)) }
                }
            }
        }
    }

    /// 2,000 schedules by default; set OCOP_SCHEDULES for a longer run.
    static let schedules = ProcessInfo.processInfo.environment["OCOP_SCHEDULES"].flatMap { Int($0) } ?? 2_000

    @Test(arguments: stride(from: 0, to: schedules, by: 100).map { $0 })
    func replicasConvergeAndKeepEveryConflict(firstSeed: Int) async throws {
        for seed in firstSeed..<(firstSeed + 100) {
            // Six minutes of CPU in a debug build over the cases: let the rest of the run (servers,
            // clients, timers on the same two-thread pool) have the thread between schedules.
            await Task.yield()
            let harness = try Harness(seed: UInt64(seed) &* 7919, replicaCount: 3 + seed % 2, rowCount: 3)
            for row in 0..<harness.rowCount { try harness.insert(0, row: row) }
            for to in 1..<harness.replicas.count { try harness.deliver(try harness.message(from: 0, to: to, rows: nil)) }
            for _ in 0..<40 { try harness.randomStep() }
            try harness.exchangeEverything()

            let digests = try harness.replicas.map { try $0.contentDigest() }
            #expect(Set(digests).count == 1, "seed \(seed): replicas differ")

            // Every write that no other write to the same column has seen (the surviving
            // concurrent writes) and whose value differs from the final one is recorded as a
            // conflict. Concurrent writes of one value are one fact: the record names one of them.
            let final = try harness.replicas[0].snapshotChanges()
            let conflicts = try harness.replicas[0].conflicts()
            for row in 0..<harness.rowCount {
                let state = try #require(final.first { $0.key == .blob(Array(rowKey(row))) }).state
                let rowWrites = harness.writes.filter { $0.row == row }
                for column in ConvergenceTests.editableColumns {
                    let touching = rowWrites.filter { $0.columns.contains(column) }
                    let surviving = touching.filter { write in !touching.contains { $0.causalPast.contains(write.dot) } }
                    let winner = state.columns[column]
                    let winningValue: String? = if case .text(let text) = winner?.value { text } else { nil }
                    for write in surviving where write.dot != winner?.stamp.dot && write.values[column]! != winningValue {
                        let value = write.values[column]!
                        let sameValueWriters = Set(surviving.filter { $0.values[column]! == value }.map(\.dot))
                        let found = conflicts.contains { record in
                            record.column == column && sameValueWriters.contains(record.losingStamp.dot)
                                && record.losingValue == (value.map { SyncValue.text($0) } ?? .null)
                        }
                        #expect(found, "seed \(seed): lost write \(write.dot) to \(column) not recorded")
                    }
                }
            }

            // Re-applying any delivered batch changes nothing.
            if let again = harness.delivered.randomElement(using: &harness.random) {
                try harness.deliver(again)
                #expect(try harness.replicas[again.to].contentDigest() == digests[0], "seed \(seed): re-applied batch changed data")
            }
        }
    }
}
