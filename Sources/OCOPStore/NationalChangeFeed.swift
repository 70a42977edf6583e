import Foundation
import GRDB
import OCOPModel
import OCOPReplica
import OCOPSync

/// The national store's change feed: every row change and conflict record gets the next
/// position, so replicas pull by cursor.
///
/// `_sync_rows` is keyed by position: the central office's pull is a range of it. With its
/// position a row records its owner (the province it belongs to, by its number in
/// `_sync_replicas`; 0 for rows every province sees), so a province's pull is one range of the
/// (owner, position) index, and the replica whose push made the change (`echo`), so that replica
/// is not sent its own change back.
///
/// The way from a row's key to its metadata is the row itself: each data row (or its graveyard
/// row once deleted) holds its position in `_sync_seq`, a few bytes, where an index of
/// `_sync_rows` by key repeated the 16-byte key of every row a second time.
struct NationalChangeFeed: ChangeFeed {
    /// The column of every data and graveyard row that holds the row's feed position.
    static let positionColumn = "_sync_seq"

    // MARK: Layout

    func install(_ db: Database, _ table: SyncedTable) throws {
        try db.execute(sql: Self.createReplaced)
        let graveyard = SyncSchemaSQL.graveyard(table.schema)
        for name in [table.schema.name, graveyard] where try !db.columns(in: name).contains(where: { $0.name == Self.positionColumn }) {
            try db.execute(sql: "ALTER TABLE \"\(name)\" ADD COLUMN \(Self.positionColumn) INTEGER")
        }
        for statement in Self.triggers(table) { try db.execute(sql: statement) }
    }

    /// Plain SQL (the central office's `sqlite3` shell) writes rows without knowing their
    /// positions, so triggers keep them: a row deleted takes its position to its graveyard, and
    /// a row inserted takes the position of the row it replaces (`INSERT OR REPLACE` deletes
    /// that row without any delete trigger). A row inserted again after a delete has none until
    /// it is stamped; ``storedMetadata(_:_:keys:)`` finds it through its graveyard row meanwhile.
    static func triggers(_ table: SyncedTable) -> [String] {
        let name = table.schema.name
        return [
            "DROP TRIGGER IF EXISTS \"\(SyncSchemaSQL.deleteTriggerName(table.schema))\"",
            SyncSchemaSQL.deleteTrigger(table.schema, tableIndex: table.index, keeping: [positionColumn]),
            """
            CREATE TRIGGER IF NOT EXISTS "_sync_\(name)_keep_position" BEFORE INSERT ON "\(name)" \(SyncSchemaSQL.guardClause)
            BEGIN
              INSERT OR REPLACE INTO _sync_replaced(tbl, pk, seq)
                SELECT \(table.index), id, \(positionColumn) FROM "\(name)" WHERE id = NEW.id AND \(positionColumn) IS NOT NULL;
            END
            """,
            """
            CREATE TRIGGER IF NOT EXISTS "_sync_\(name)_restore_position" AFTER INSERT ON "\(name)"
            WHEN NEW.\(positionColumn) IS NULL AND (SELECT applying FROM _sync_flags) = 0
            BEGIN
              UPDATE "\(name)" SET \(positionColumn) = (SELECT seq FROM _sync_replaced WHERE tbl = \(table.index) AND pk = NEW.id)
              WHERE id = NEW.id;
              DELETE FROM _sync_replaced WHERE tbl = \(table.index) AND pk = NEW.id;
            END
            """,
        ]
    }

    func upgrade(_ db: Database, tables: [SyncedTable]) throws {
        for table in tables {
            try install(db, table)
            let graveyard = SyncSchemaSQL.graveyard(table.schema)
            for name in [table.schema.name, graveyard] {
                try db.execute(sql: """
                    UPDATE "\(name)" SET \(Self.positionColumn) = (SELECT seq FROM _sync_rows r WHERE r.tbl = ? AND r.pk = "\(name)".id)
                    """, arguments: [table.index])
            }
            // Metadata of a row with no values anywhere (none should exist) stays reachable.
            try db.execute(sql: """
                INSERT INTO "\(graveyard)"(id, \(Self.positionColumn))
                SELECT pk, seq FROM _sync_rows r WHERE r.tbl = ?
                  AND NOT EXISTS (SELECT 1 FROM "\(table.schema.name)" WHERE id = r.pk) AND NOT EXISTS (SELECT 1 FROM "\(graveyard)" WHERE id = r.pk)
                """, arguments: [table.index])
        }
        try db.execute(sql: "DROP INDEX IF EXISTS _sync_rows_by_key")
    }

    /// Positions of rows that plain SQL replaced, between the two triggers of one insert.
    static let createReplaced = """
        CREATE TABLE IF NOT EXISTS _sync_replaced (tbl INTEGER NOT NULL, pk BLOB NOT NULL, seq INTEGER NOT NULL,
          PRIMARY KEY (tbl, pk)) WITHOUT ROWID
        """

    // MARK: Reading

    func storedMetadata(_ db: Database, _ table: SyncedTable, keys: [DatabaseValue]) throws -> [DatabaseValue: StoredMetadata] {
        guard !keys.isEmpty else { return [:] }
        let list = (1...keys.count).map { "?\($0)" }.joined(separator: ", ")
        // The row's own position first, its graveyard's while it has none (a row deleted, or
        // inserted again with plain SQL and not yet stamped); the metadata row must name the
        // same key, so a position altered by hand is never taken for another row's.
        let sql = """
            WITH k(src, id, seq) AS (
              SELECT 1, id, \(Self.positionColumn) FROM "\(table.schema.name)" WHERE id IN (\(list))
              UNION ALL SELECT 0, id, \(Self.positionColumn) FROM "\(SyncSchemaSQL.graveyard(table.schema))" WHERE id IN (\(list)))
            SELECT k.src, k.id, r.seq, r.meta FROM k JOIN _sync_rows r ON r.seq = k.seq AND r.tbl = \(table.index) AND r.pk = k.id
            """
        var result: [DatabaseValue: StoredMetadata] = [:]
        var fromRow = Set<DatabaseValue>()
        let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: StatementArguments(keys))
        while let row = try rows.next() {
            let pk: DatabaseValue = row[1]
            let isRow: Bool = row[0]
            if !isRow, fromRow.contains(pk) { continue }
            if isRow { fromRow.insert(pk) }
            result[pk] = StoredMetadata(bytes: row[3], position: row[2])
        }
        return result
    }

    // MARK: Writing

    func recordRowChange(
        _ db: Database, _ table: SyncedTable, pk: DatabaseValue, meta: Data, isDeleted: Bool, echo: ReplicaID?, owner: SyncValue?,
        previousPosition: Int64?, storage: SyncStorage, directory: inout ReplicaDirectory
    ) throws -> Int64 {
        let position = try directory.nextFeedSequence(db)
        let echoIndex = echo.map { Int64(directory.index(of: $0)) }
        var ownerIndex: Int64 = 0
        if table.schema.scope == .tenant, let tenantColumn = table.columnNames.firstIndex(of: TableSchema.tenantColumn) {
            let value = try owner ?? storage.loadValues(db, table, pk: pk, visible: !isDeleted)[tenantColumn]
            if case .blob(let bytes) = value, let tenant = ReplicaID(bytes: bytes) { ownerIndex = Int64(directory.index(of: tenant)) }
        }
        if let previousPosition {
            try db.cachedStatement(sql: "DELETE FROM _sync_rows WHERE seq = ?").execute(arguments: [previousPosition])
        }
        try db.cachedStatement(sql: "INSERT INTO _sync_rows(seq, tbl, pk, meta, owner, echo) VALUES (?, ?, ?, ?, ?, ?)")
            .execute(arguments: [position, table.index, pk, meta, ownerIndex, echoIndex])
        try place(db, table, pk: pk, isDeleted: isDeleted, at: position)
        return position
    }

    /// Writes `position` into the row (its graveyard row once deleted). Metadata of a row with
    /// no values anywhere gets an empty graveyard row, so it stays reachable from its key.
    func place(_ db: Database, _ table: SyncedTable, pk: DatabaseValue, isDeleted: Bool, at position: Int64) throws {
        let graveyard = SyncSchemaSQL.graveyard(table.schema)
        let target = isDeleted ? graveyard : table.schema.name
        try db.cachedStatement(sql: "UPDATE \"\(target)\" SET \(Self.positionColumn) = ? WHERE id = ?").execute(arguments: [position, pk])
        guard db.changesCount == 0 else { return }
        try db.cachedStatement(sql: "UPDATE \"\(graveyard)\" SET \(Self.positionColumn) = ? WHERE id = ?").execute(arguments: [position, pk])
        guard db.changesCount == 0 else { return }
        try db.cachedStatement(sql: "INSERT INTO \"\(graveyard)\"(id, \(Self.positionColumn)) VALUES (?, ?)").execute(arguments: [pk, position])
    }

    func recordNewConflict(_ db: Database, _ conflict: ConflictRecord, directory: inout ReplicaDirectory) throws {
        try db.cachedStatement(sql: """
            UPDATE _sync_conflicts SET seq = ? WHERE tbl = ? AND pk = ? AND col = ? AND kind = ? AND replica = ? AND counter = ?
            """).execute(arguments: [
                try directory.nextFeedSequence(db), conflict.table, conflict.key.databaseValue, conflict.column,
                Int64(conflict.kind.rawValue), Data(conflict.losingStamp.dot.replica.bytes), Int64(bitPattern: conflict.losingStamp.dot.counter),
            ])
    }
}
