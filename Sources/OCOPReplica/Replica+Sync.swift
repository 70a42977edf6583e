import Foundation
import GRDB
import OCOPModel
import OCOPSync

/// A change the server refused, as it reported it.
public struct Rejection: Sendable, Equatable {
    public var table: String
    public var key: SyncValue
    public var code: UInt16
    public var reason: String

    public init(table: String, key: SyncValue, code: UInt16, reason: String) {
        self.table = table
        self.key = key
        self.code = code
        self.reason = reason
    }

    /// A refusal as the server reported it in a push's acknowledgement.
    public init(_ refused: RefusedChange) {
        self.init(table: refused.table, key: refused.key, code: refused.code.rawValue, reason: refused.message)
    }
}

/// What applying remote changes did.
public struct ApplySummary: Sendable, Equatable {
    public var applied = 0
    public var alreadySeen = 0
    public var conflicts = 0
    public init() {}
}

extension Replica {
    /// The changes the server has not acknowledged yet, oldest first, covering at most
    /// `maxWrites` captured writes; nil when nothing is pending.
    ///
    /// Each row is sent once with the columns this replica wrote since the last acknowledgement
    /// (the server already has everything else this replica knows). A row the server refused
    /// before is sent whole once it has been edited again. Text is normalised to NFC here, so
    /// writes from other programs are normalised too.
    public func outgoingBatch(maxWrites: Int = 5_000) throws -> PushBatch? {
        try database.write { db in
            var directory = try ReplicaDirectory(db)
            try storage.stampPendingWrites(db, local: replicaID, directory: &directory)
            let acknowledged = try SyncMeta.int(db, .acknowledgedThrough) ?? 0
            let entries = try Row.fetchAll(
                db, sql: "SELECT seq, tbl, pk FROM _sync_log WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [acknowledged, maxWrites]
            )
            let conflicts = try fetchConflicts(db, where: "pushed = 0")
            let resend = try Row.fetchAll(db, sql: "SELECT tbl, pk FROM _sync_resend LIMIT ?", arguments: [maxWrites])
            guard entries.last != nil || !resend.isEmpty else {
                return conflicts.isEmpty ? nil : PushBatch(
                    schemaVersion: OCOPSchema.version, firstCounter: UInt64(acknowledged), lastCounter: UInt64(acknowledged),
                    changes: [], conflicts: conflicts
                )
            }
            let lastCounter = entries.last.map { UInt64($0[0] as Int64) } ?? UInt64(acknowledged)
            var seen = Set<RowKey>()
            var changes: [RowChange] = []
            let anyParked = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM _sync_rejected)") ?? false
            // The stored state of every row to send, a chunk of keys per statement, not two
            // statements a row.
            let resendKeys = resend.map { RowKey(table: $0[0], pk: $0[1]) }
            let loggedKeys = entries.map { RowKey(table: $0[1], pk: $0[2]) }
            let keysByTable = Dictionary(grouping: (resendKeys + loggedKeys).filter { storage.tables.indices.contains($0.table) }, by: \.table)
            var stored: [RowKey: RowState] = [:]
            for (tableIndex, keys) in keysByTable {
                let (states, unreadable) = try storage.loadStates(db, storage.tables[tableIndex], keys: keys.map(\.pk), directory: directory)
                if let problem = unreadable.first { throw problem }
                for (pk, state) in states { stored[RowKey(table: tableIndex, pk: pk)] = state }
            }
            // Rows the server lost are sent whole.
            for key in resendKeys {
                guard storage.tables.indices.contains(key.table), seen.insert(key).inserted else { continue }
                let table = storage.tables[key.table]
                guard var state = stored[key] else { continue }
                try normaliseText(db, table, pk: key.pk, state: &state)
                changes.append(RowChange(table: table.schema.name, key: SyncValue(key.pk), state: state))
            }
            for key in loggedKeys {
                guard seen.insert(key).inserted else { continue }
                let table = storage.tables[key.table]
                guard var state = stored[key] else { continue }
                try normaliseText(db, table, pk: key.pk, state: &state)
                let parked = try anyParked && (Bool.fetchOne(
                    db, sql: "SELECT 1 FROM _sync_rejected WHERE tbl = ? AND pk = ?", arguments: [table.schema.name, key.pk]
                ) ?? false)
                if parked, state.existence?.isDeleted == true, try Self.neverAccepted(db, table: table.schema.name, pk: key.pk) {
                    // Refused from its insert on, now deleted here: the server never had it, so
                    // there is nothing to send and nothing left for the user to fix.
                    try Self.unpark(db, table: table.schema.name, pk: key.pk)
                    continue
                }
                if !parked {
                    let mine = { (stamp: Stamp) in stamp.dot.replica == self.replicaID && stamp.dot.counter > UInt64(acknowledged) }
                    let columns = state.columns.filter { mine($0.value.stamp) }.keys
                    state = state.restricted(to: columns, includeExistence: state.existence.map { mine($0.stamp) } ?? false)
                }
                changes.append(RowChange(table: table.schema.name, key: SyncValue(key.pk), state: state))
            }
            return PushBatch(
                schemaVersion: OCOPSchema.version, firstCounter: UInt64(acknowledged) + 1, lastCounter: lastCounter,
                changes: changes, conflicts: conflicts
            )
        }
    }

    /// Records the server's acknowledgement of `batch`: its writes are durably on the server
    /// except the refused ones, which are parked for the user to fix and never block later changes.
    public func acknowledge(_ batch: PushBatch, through counter: UInt64, rejections: [Rejection]) throws {
        try database.write { db in
            let current = UInt64(max(try SyncMeta.int(db, .acknowledgedThrough) ?? 0, 0))
            guard counter >= current else { return }
            try SyncMeta.set(db, .acknowledgedThrough, Int64(counter))
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM _sync_resend)") ?? false {
                for change in batch.changes {
                    if let table = storage.table(named: change.table) {
                        try db.execute(sql: "DELETE FROM _sync_resend WHERE tbl = ? AND pk = ?", arguments: [table.index, change.key.databaseValue])
                    }
                }
            }
            for conflict in batch.conflicts {
                try db.execute(
                    sql: "UPDATE _sync_conflicts SET pushed = 1 WHERE tbl = ? AND pk = ? AND col = ? AND kind = ? AND replica = ? AND counter = ?",
                    arguments: Self.conflictKey(conflict)
                )
            }
            let refused = Set(rejections.map { "\($0.table)\u{0}\($0.key)" })
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM _sync_rejected)") ?? false {
                for change in batch.changes where !refused.contains("\(change.table)\u{0}\(change.key)") {
                    try Self.unpark(db, table: change.table, pk: change.key.databaseValue)
                }
            }
            let changes = Dictionary(batch.changes.map { ("\($0.table)\u{0}\($0.key)", $0) }, uniquingKeysWith: { $1 })
            for rejection in rejections {
                let pk = rejection.key.databaseValue
                let change = changes["\(rejection.table)\u{0}\(rejection.key)"]
                let wasParked = try Bool.fetchOne(
                    db, sql: "SELECT 1 FROM _sync_rejected WHERE tbl = ? AND pk = ?", arguments: [rejection.table, pk]
                ) ?? false
                // A row first refused with its insert was never accepted; one parked before keeps
                // what was known when it was first refused.
                let neverAccepted = wasParked
                    ? try Self.neverAccepted(db, table: rejection.table, pk: pk)
                    : change?.state.existence.map { !$0.isDeleted } ?? false
                if neverAccepted, let change, change.state.existence?.isDeleted == true {
                    // The refused change is the delete of a row the server never had: done.
                    try Self.unpark(db, table: rejection.table, pk: pk)
                    continue
                }
                if neverAccepted {
                    try db.execute(sql: "INSERT OR IGNORE INTO _sync_never_accepted(tbl, pk) VALUES (?, ?)", arguments: [rejection.table, pk])
                } else {
                    try db.execute(sql: "DELETE FROM _sync_never_accepted WHERE tbl = ? AND pk = ?", arguments: [rejection.table, pk])
                }
                try db.execute(
                    sql: "INSERT OR REPLACE INTO _sync_rejected(tbl, pk, counter, code, reason, rejected_at) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [rejection.table, rejection.key.databaseValue, Int64(counter), Int64(rejection.code), rejection.reason,
                                ISO8601DateFormatter().string(from: Date())]
                )
            }
            // Keep the newest log row: SQLite numbers new rows after the largest, so counters are never reused.
            try db.execute(
                sql: "DELETE FROM _sync_log WHERE seq <= ? AND seq < (SELECT max(seq) FROM _sync_log)", arguments: [Int64(counter)]
            )
        }
    }

    /// Lines this replica up with what the server reports at login (`AUTH_OK`).
    ///
    /// A server restored from a backup reports less than it once acknowledged: every row this
    /// replica wrote after that point is queued to be sent whole (the log entries behind the lost
    /// acknowledgements are gone), every conflict record is offered again, and pulls restart from
    /// the server's cursor. Merging is idempotent, so re-sending is always safe.
    /// Returns the number of rows queued again.
    @discardableResult
    public func reconcile(serverAcknowledged: UInt64, serverCursor: UInt64) throws -> Int {
        try database.write { db in
            let acknowledged = UInt64(max(try SyncMeta.int(db, .acknowledgedThrough) ?? 0, 0))
            guard serverAcknowledged < acknowledged else { return 0 }
            var directory = try ReplicaDirectory(db)
            try storage.stampPendingWrites(db, local: replicaID, directory: &directory)
            var queued = 0
            for row in try Row.fetchAll(db, sql: "SELECT tbl, pk FROM _sync_rows") {
                let tableIndex: Int = row[0]
                guard storage.tables.indices.contains(tableIndex),
                      let meta = try storage.loadMeta(db, storage.tables[tableIndex], pk: row[1], directory: directory) else { continue }
                if meta.versionVector[replicaID] > serverAcknowledged {
                    try db.execute(sql: "INSERT OR IGNORE INTO _sync_resend(tbl, pk) VALUES (?, ?)", arguments: [tableIndex, row[1] as DatabaseValue])
                    queued += 1
                }
            }
            try db.execute(sql: "UPDATE _sync_conflicts SET pushed = 0")
            try SyncMeta.set(db, .acknowledgedThrough, Int64(serverAcknowledged))
            let cursor = UInt64(max(try SyncMeta.int(db, .pulledCursor) ?? 0, 0))
            if serverCursor < cursor { try SyncMeta.set(db, .pulledCursor, Int64(serverCursor)) }
            return queued
        }
    }

    /// Merges changes pulled from the server (or another replica) in one transaction, together
    /// with the feed position they bring this replica to.
    @discardableResult
    public func applyIncoming(changes: [RowChange], conflicts: [ConflictRecord], cursor: UInt64?) throws -> ApplySummary {
        try database.write { db in
            var directory = try ReplicaDirectory(db)
            try storage.stampPendingWrites(db, local: replicaID, directory: &directory)
            var summary = ApplySummary()
            let outcomes = try storage.withApplyingFlag(db) {
                try storage.applyBatch(db, changes, origin: nil, directory: &directory)
            }
            for outcome in outcomes {
                // What the server sends was merged there: a change this replica cannot take is an
                // error of the whole page, never skipped.
                let merged = try outcome.get()
                if merged.isNoop { summary.alreadySeen += 1 } else { summary.applied += 1 }
                summary.conflicts += merged.conflicts.count
            }
            try storage.observe(db, clocks: changes.lazy.flatMap(\.state.clocks))
            for conflict in conflicts { try storage.record(db, conflict, pushed: true, directory: &directory) }
            try directory.save(db)
            if let cursor { try SyncMeta.set(db, .pulledCursor, Int64(cursor)) }
            return summary
        }
    }

    /// Every conflict record, oldest clock first.
    public func conflicts() throws -> [ConflictRecord] {
        try database.read { db in try fetchConflicts(db, where: "1") }
    }

    /// Changes the server refused, waiting for the user to fix them.
    public func parkedRejections() throws -> [Rejection] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT tbl, pk, code, reason FROM _sync_rejected ORDER BY tbl, pk").map {
                Rejection(table: $0[0], key: SyncValue($0[1] as DatabaseValue), code: UInt16(clamping: $0[2] as Int64), reason: $0[3])
            }
        }
    }

    /// The full state of every row this replica knows, deleted ones included (state-based
    /// exchange between peers, diagnostics, tests).
    public func snapshotChanges() throws -> [RowChange] {
        try database.write { db in
            var directory = try ReplicaDirectory(db)
            try storage.stampPendingWrites(db, local: replicaID, directory: &directory)
            var result: [RowChange] = []
            for row in try Row.fetchAll(db, sql: "SELECT tbl, pk FROM _sync_rows ORDER BY tbl, pk") {
                let table = storage.tables[row[0] as Int]
                let pk: DatabaseValue = row[1]
                if let state = try storage.loadState(db, table, pk: pk, directory: directory) {
                    result.append(RowChange(table: table.schema.name, key: SyncValue(pk), state: state))
                }
            }
            return result
        }
    }

    /// A digest of everything replicas must agree on: every synced table and graveyard, every
    /// row's sync metadata, and the conflict records. Equal digests mean identical synced data.
    public func contentDigest() throws -> String {
        try database.write { db in
            var directory = try ReplicaDirectory(db)
            try storage.stampPendingWrites(db, local: replicaID, directory: &directory)
            var hasher = FNV1a()
            for table in storage.tables {
                // A table added by a later schema adds nothing while empty, so the same data has
                // the same digest before and after an upgrade.
                let empty = try table.schema.since > 1
                    && Bool.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM _sync_rows WHERE tbl = ?)", arguments: [table.index]) ?? true
                    && Bool.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM \"\(table.schema.name)\")") ?? true
                if empty { continue }
                // The schema's columns only: the national store keeps each row's feed position
                // beside them, which is its own bookkeeping, not synced data.
                let columns = (["id"] + table.columnNames).map { "\"\($0)\"" }.joined(separator: ", ")
                for name in [table.schema.name, SyncSchemaSQL.graveyard(table.schema)] {
                    hasher.add("table \(name)")
                    for row in try Row.fetchAll(db, sql: "SELECT \(columns) FROM \"\(name)\" ORDER BY id") { hasher.add(row.description) }
                }
                hasher.add("meta \(table.schema.name)")
                for row in try Row.fetchAll(db, sql: "SELECT pk FROM _sync_rows WHERE tbl = ? ORDER BY pk", arguments: [table.index]) {
                    let pk: DatabaseValue = row[0]
                    if let meta = try storage.loadMeta(db, table, pk: pk, directory: directory) {
                        hasher.add("\(pk) \(meta.versionVector) \(String(describing: meta.existence)) \(meta.columnStamps)")
                    }
                }
            }
            hasher.add("conflicts")
            for conflict in try fetchConflicts(db, where: "1").sorted(by: { "\($0)" < "\($1)" }) { hasher.add("\(conflict)") }
            return hasher.hex
        }
    }

    // MARK: Helpers

    package func fetchConflicts(_ db: Database, where condition: String) throws -> [ConflictRecord] {
        try Row.fetchAll(db, sql: """
            SELECT tbl, pk, col, kind, replica, counter, hlc, value FROM _sync_conflicts WHERE \(condition)
            ORDER BY hlc, replica, counter, tbl, col
            """).compactMap { row in
            guard let kind = ConflictRecord.Kind(rawValue: UInt8(clamping: row[3] as Int64)),
                  let replica = ReplicaID(bytes: Array(row[4] as Data)) else { return nil }
            let stamp = Stamp(
                hlc: HLC(rawValue: UInt64(bitPattern: row[6])),
                dot: Dot(replica: replica, counter: UInt64(bitPattern: row[5]))
            )
            return ConflictRecord(
                table: row[0], key: SyncValue(row[1] as DatabaseValue), column: row[2], kind: kind,
                losingValue: SyncValue(row[7] as DatabaseValue), losingStamp: stamp
            )
        }
    }

    /// Whether a parked row was refused from its insert on (the server never accepted it).
    static func neverAccepted(_ db: Database, table: String, pk: DatabaseValue) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT 1 FROM _sync_never_accepted WHERE tbl = ? AND pk = ?", arguments: [table, pk]) ?? false
    }

    /// Takes a row off the parked list.
    static func unpark(_ db: Database, table: String, pk: DatabaseValue) throws {
        try db.execute(sql: "DELETE FROM _sync_rejected WHERE tbl = ? AND pk = ?", arguments: [table, pk])
        try db.execute(sql: "DELETE FROM _sync_never_accepted WHERE tbl = ? AND pk = ?", arguments: [table, pk])
    }

    static func conflictKey(_ conflict: ConflictRecord) -> StatementArguments {
        [conflict.table, conflict.key.databaseValue, conflict.column, Int64(conflict.kind.rawValue),
         Data(conflict.losingStamp.dot.replica.bytes), Int64(bitPattern: conflict.losingStamp.dot.counter)]
    }

    /// Rewrites text that is not in NFC (written by another program) without capturing it as a
    /// new write: the normalised text is what the write meant.
    private func normaliseText(_ db: Database, _ table: SyncedTable, pk: DatabaseValue, state: inout RowState) throws {
        var fixed: [String] = []
        for (name, write) in state.columns {
            if case .text(let text) = write.value, !text.isNFC {
                state.columns[name]?.value = .text(text.precomposedStringWithCanonicalMapping)
                fixed.append(name)
            }
        }
        guard !fixed.isEmpty, state.isVisible else { return }
        try storage.withApplyingFlag(db) {
            let statement = try db.cachedStatement(sql: table.updateRow(columns: fixed, graveyard: false))
            var arguments = StatementArguments(fixed.map { state.columns[$0]!.value.databaseValue })
            arguments += [pk]
            try statement.execute(arguments: arguments)
        }
    }
}

/// 64-bit FNV-1a, enough to compare replica contents in tests and diagnostics.
struct FNV1a {
    private var value: UInt64 = 0xcbf2_9ce4_8422_2325
    mutating func add(_ text: String) {
        for byte in text.utf8 { value = (value ^ UInt64(byte)) &* 0x100_0000_01b3 }
        value = (value ^ 0x0A) &* 0x100_0000_01b3
    }
    var hex: String { String(value, radix: 16) }
}
