import OCOPSync
import Testing

/// A replica simulated in memory: one row's state plus a clock.
private struct SimulatedReplica {
    let id: ReplicaID
    var state = RowState()
    var clock = HLC.zero
    var counter: UInt64 = 0

    mutating func write(_ values: [String: SyncValue], insert: Bool = false, wall: UInt64) -> Stamp {
        counter += 1
        clock = clock.tick(wallMillis: wall)
        let stamp = Stamp(hlc: clock, dot: Dot(replica: id, counter: counter))
        state.recordWrite(values, stamp: stamp, insert: insert)
        return stamp
    }

    mutating func delete(wall: UInt64) {
        counter += 1
        clock = clock.tick(wallMillis: wall)
        state.recordDelete(stamp: Stamp(hlc: clock, dot: Dot(replica: id, counter: counter)))
    }

    mutating func receive(_ other: RowState) -> [ConflictRecord] {
        let outcome = Merge.merge(local: state, incoming: other, table: "products", key: .integer(1))
        state = outcome.state
        for hlc in other.columns.values.map(\.stamp.hlc) { clock = clock.receiving(hlc) }
        if let existence = other.existence { clock = clock.receiving(existence.stamp.hlc) }
        return outcome.conflicts
    }
}

private struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

private func merged(_ a: RowState, _ b: RowState) -> RowState {
    Merge.merge(local: a, incoming: b, table: "products", key: .integer(1)).state
}

/// Random states reachable by replicas writing, deleting and exchanging one row.
private func randomStates(seed: UInt64) -> [RowState] {
    var random = SeededGenerator(state: seed)
    let ids = (0..<3).map { ReplicaID(high: 0, low: UInt64($0 + 1)) }
    var replicas = ids.map { SimulatedReplica(id: $0) }
    _ = replicas[0].write(["name": .text("gốc"), "stars": .integer(3)], insert: true, wall: 1_000)
    for index in 1..<replicas.count { _ = replicas[index].receive(replicas[0].state) }
    let columns = ["name", "stars", "status"]
    for step in 0..<12 {
        let actor = Int.random(in: 0..<replicas.count, using: &random)
        switch Int.random(in: 0..<10, using: &random) {
        case 0:
            replicas[actor].delete(wall: 1_000 + UInt64(step))
        case 1:
            _ = replicas[actor].write(["name": .text("hồi sinh \(step)")], insert: true, wall: 1_000 + UInt64(step))
        case 2...4:
            let other = Int.random(in: 0..<replicas.count, using: &random)
            _ = replicas[actor].receive(replicas[other].state)
        default:
            let column = columns.randomElement(using: &random)!
            // Skewed wall clocks: some replicas run behind.
            let wall = 1_000 + UInt64(step) * UInt64(actor + 1)
            _ = replicas[actor].write([column: .text("r\(actor)-s\(step)")], wall: wall)
        }
    }
    return replicas.map(\.state)
}

@Suite("Merge rules")
struct MergeTests {
    let a = ReplicaID(high: 0, low: 1)
    let b = ReplicaID(high: 0, low: 2)

    @Test func strictlyNewerChangeApplies() {
        var first = SimulatedReplica(id: a)
        var second = SimulatedReplica(id: b)
        _ = first.write(["name": .text("Mật ong")], insert: true, wall: 10)
        _ = second.receive(first.state)
        _ = second.write(["name": .text("Mật ong bạc hà")], wall: 20)
        let conflicts = first.receive(second.state)
        #expect(conflicts.isEmpty)
        #expect(first.state.columns["name"]?.value == .text("Mật ong bạc hà"))
    }

    @Test func alreadySeenIsANoop() {
        var first = SimulatedReplica(id: a)
        _ = first.write(["name": .text("Trà")], insert: true, wall: 10)
        let old = first.state
        _ = first.write(["name": .text("Trà shan tuyết")], wall: 20)
        let outcome = Merge.merge(local: first.state, incoming: old, table: "products", key: .integer(1))
        #expect(outcome.isNoop)
        #expect(outcome.state == first.state)
    }

    @Test func differentColumnsMergeCleanly() {
        var first = SimulatedReplica(id: a)
        var second = SimulatedReplica(id: b)
        _ = first.write(["name": .text("Nước mắm"), "stars": .integer(3)], insert: true, wall: 10)
        _ = second.receive(first.state)
        _ = first.write(["name": .text("Nước mắm Phú Quốc")], wall: 20)
        _ = second.write(["stars": .integer(4)], wall: 21)
        let conflictsAtFirst = first.receive(second.state)
        let conflictsAtSecond = second.receive(first.state)
        #expect(conflictsAtFirst.isEmpty && conflictsAtSecond.isEmpty)
        #expect(first.state == second.state)
        #expect(first.state.columns["name"]?.value == .text("Nước mắm Phú Quốc"))
        #expect(first.state.columns["stars"]?.value == .integer(4))
    }

    @Test func sameColumnConflictKeepsTheLoserEitherWay() {
        var first = SimulatedReplica(id: a)
        var second = SimulatedReplica(id: b)
        _ = first.write(["stars": .integer(3)], insert: true, wall: 10)
        _ = second.receive(first.state)
        let losing = first.write(["stars": .integer(4)], wall: 20)
        _ = second.write(["stars": .integer(5)], wall: 30)
        let (firstBefore, secondBefore) = (first.state, second.state)
        let atFirst = first.receive(secondBefore)
        let atSecond = second.receive(firstBefore)
        #expect(first.state == second.state)
        #expect(first.state.columns["stars"]?.value == .integer(5))
        let expected = ConflictRecord(table: "products", key: .integer(1), column: "stars", kind: .concurrentUpdate, losingValue: .integer(4), losingStamp: losing)
        #expect(atFirst == [expected])
        #expect(atSecond == [expected])
    }

    @Test func equalClocksBreakTiesByReplicaID() {
        var first = SimulatedReplica(id: a)
        var second = SimulatedReplica(id: b)
        _ = first.write(["name": .text("A")], insert: true, wall: 10)
        _ = second.write(["name": .text("B")], insert: true, wall: 10)
        _ = first.receive(second.state)
        #expect(first.state.columns["name"]?.value == .text("B"))
    }

    @Test func updateVersusConcurrentDeleteKeepsRowDeletedAndRecordsUpdate() {
        var first = SimulatedReplica(id: a)
        var second = SimulatedReplica(id: b)
        _ = first.write(["name": .text("Bánh"), "stars": .integer(3)], insert: true, wall: 10)
        _ = second.receive(first.state)
        first.delete(wall: 20)
        let update = second.write(["stars": .integer(4)], wall: 30)
        let (firstBefore, secondBefore) = (first.state, second.state)
        let atFirst = first.receive(secondBefore)
        let atSecond = second.receive(firstBefore)
        #expect(first.state == second.state)
        #expect(!first.state.isVisible)
        #expect(first.state.columns["stars"]?.value == .integer(4), "the update is kept on the deleted row")
        let expected = ConflictRecord(table: "products", key: .integer(1), column: "stars", kind: .updateOfDeletedRow, losingValue: .integer(4), losingStamp: update)
        #expect(atFirst == [expected])
        #expect(atSecond == [expected])
    }

    @Test func insertAfterSeeingDeleteRevives() {
        var first = SimulatedReplica(id: a)
        var second = SimulatedReplica(id: b)
        _ = first.write(["name": .text("Gạo")], insert: true, wall: 10)
        first.delete(wall: 20)
        _ = second.receive(first.state)
        _ = second.write(["name": .text("Gạo ST25")], insert: true, wall: 30)
        #expect(first.receive(second.state).isEmpty)
        #expect(first.state.isVisible)
        #expect(first.state.columns["name"]?.value == .text("Gạo ST25"))
    }

    @Test(arguments: 0..<300)
    func mergeIsAJoin(seed: Int) {
        let states = randomStates(seed: UInt64(seed))
        for x in states {
            #expect(merged(x, x) == x, "idempotent")
            for y in states {
                #expect(merged(x, y) == merged(y, x), "commutative")
                for z in states {
                    #expect(merged(merged(x, y), z) == merged(x, merged(y, z)), "associative")
                }
            }
        }
    }

    @Test func deltaWithOnlyChangedColumnsKeepsTheRest() {
        var first = SimulatedReplica(id: a)
        var server = SimulatedReplica(id: b)
        _ = first.write(["name": .text("Cà phê"), "stars": .integer(3)], insert: true, wall: 10)
        _ = server.receive(first.state)
        _ = first.write(["stars": .integer(4)], wall: 20)
        let delta = first.state.restricted(to: ["stars"], includeExistence: false)
        _ = server.receive(delta)
        #expect(server.state == first.state)
    }
}
