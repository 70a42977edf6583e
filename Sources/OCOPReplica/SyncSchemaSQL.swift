import OCOPModel

/// The SQL that turns an OCOP dataset into a synced replica: data tables, their graveyards, the
/// sync bookkeeping tables, and the capture triggers.
///
/// Capture is done with triggers because only triggers see every write, including plain SQL from
/// another program such as the `sqlite3` shell, inside the writing transaction. A trigger only
/// appends one small row to `_sync_log` (which table, which key, which columns, the wall time);
/// the library turns log rows into dots, clocks and version vectors when it next touches the
/// replica (``SyncStorage/stampPendingWrites(_:)``), in log order, so no write is missed, merged
/// with another, or reordered.
package enum SyncSchemaSQL {
    /// Writes applied by the library itself (remote changes) must not be captured as local writes;
    /// the library raises this flag inside its own transaction, so other connections never see it.
    static let flagsTable = "_sync_flags"

    /// The expression a trigger uses for "now" in Unix milliseconds.
    static let nowMillis = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"

    package static func graveyard(_ table: TableSchema) -> String { "_tomb_" + table.name }

    static func createTable(_ table: TableSchema, name: String? = nil, constraints: Bool = true) -> String {
        var lines = ["\"id\" \(constraints ? "BLOB PRIMARY KEY NOT NULL" : "BLOB PRIMARY KEY")"]
        for column in table.columns {
            let notNull = constraints && !column.isNullable ? " NOT NULL" : ""
            lines.append("\"\(column.name)\" \(column.type.sqlType)\(notNull)")
        }
        return "CREATE TABLE IF NOT EXISTS \"\(name ?? table.name)\" (\n  " + lines.joined(separator: ",\n  ") + "\n) WITHOUT ROWID"
    }

    static func createIndexes(_ table: TableSchema) -> [String] {
        table.indexes.map { columns in
            let name = "\(table.name)_by_" + columns.joined(separator: "_")
            return "CREATE INDEX IF NOT EXISTS \"\(name)\" ON \"\(table.name)\"(" + columns.map { "\"\($0)\"" }.joined(separator: ", ") + ")"
        }
    }

    /// Bookkeeping tables shared by every replica (province or central).
    static let bookkeeping: [String] = [
        "CREATE TABLE IF NOT EXISTS _sync_meta (key TEXT PRIMARY KEY NOT NULL, value ANY) WITHOUT ROWID",
        "CREATE TABLE IF NOT EXISTS \(flagsTable) (applying INTEGER NOT NULL)",
        "INSERT INTO \(flagsTable)(applying) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM \(flagsTable))",
        // Local writes not yet stamped or not yet acknowledged; `seq` is this replica's dot counter.
        """
        CREATE TABLE IF NOT EXISTS _sync_log (
          seq INTEGER PRIMARY KEY, tbl INTEGER NOT NULL, pk BLOB NOT NULL,
          op INTEGER NOT NULL, mask INTEGER NOT NULL, wall INTEGER NOT NULL)
        """,
        // Replica ids, numbered locally so row metadata stays small.
        "CREATE TABLE IF NOT EXISTS _sync_replicas (idx INTEGER PRIMARY KEY, id BLOB NOT NULL UNIQUE)",
        // Per-row sync state: version vector, existence and column stamps (values live in the rows).
        // On a central store: `seq` is the row's change-feed position, `owner` the province it
        // belongs to (its number in `_sync_replicas`; 0 for rows everyone sees), so a province's
        // pull reads only its own rows; `echo` the replica whose push made the last change, so it
        // is not sent that change back. All three are NULL on provinces.
        """
        CREATE TABLE IF NOT EXISTS _sync_rows (
          tbl INTEGER NOT NULL, pk BLOB NOT NULL, meta BLOB NOT NULL, seq INTEGER, owner INTEGER, echo INTEGER,
          PRIMARY KEY (tbl, pk)) WITHOUT ROWID
        """,
        "CREATE INDEX IF NOT EXISTS _sync_rows_by_owner ON _sync_rows(owner, seq) WHERE seq IS NOT NULL",
        // Losing writes of concurrent edits: a grow-only set, identical wherever the same changes
        // were seen. `pushed` and `resolved_*` are local bookkeeping.
        """
        CREATE TABLE IF NOT EXISTS _sync_conflicts (
          tbl TEXT NOT NULL, pk ANY NOT NULL, col TEXT NOT NULL, kind INTEGER NOT NULL,
          replica BLOB NOT NULL, counter INTEGER NOT NULL, hlc INTEGER NOT NULL, value ANY,
          pushed INTEGER NOT NULL DEFAULT 0, seq INTEGER,
          PRIMARY KEY (tbl, pk, col, kind, replica, counter)) WITHOUT ROWID
        """,
        // Rows to send whole on the next push: the server lost what it had acknowledged (restored
        // from a backup), and the log entries behind those acknowledgements are gone.
        "CREATE TABLE IF NOT EXISTS _sync_resend (tbl INTEGER NOT NULL, pk BLOB NOT NULL, PRIMARY KEY (tbl, pk)) WITHOUT ROWID",
        // Changes the server refused, parked for the user to fix; they never block later changes.
        """
        CREATE TABLE IF NOT EXISTS _sync_rejected (
          tbl TEXT NOT NULL, pk ANY NOT NULL, counter INTEGER NOT NULL, code INTEGER NOT NULL,
          reason TEXT NOT NULL, rejected_at TEXT NOT NULL, PRIMARY KEY (tbl, pk)) WITHOUT ROWID
        """,
        // Parked rows the server has never accepted in any version (their insert was refused).
        // Deleting one locally ends the story: there is nothing on the server to delete, and a
        // delete of a row the server refuses would be refused again for ever.
        "CREATE TABLE IF NOT EXISTS _sync_never_accepted (tbl TEXT NOT NULL, pk ANY NOT NULL, PRIMARY KEY (tbl, pk)) WITHOUT ROWID",
    ]

    /// The condition of every capture trigger: not while the library applies remote changes.
    package static let guardClause = "WHEN (SELECT applying FROM \(flagsTable)) = 0"

    /// The trigger that keeps a row deleted with plain SQL in its graveyard and logs the delete;
    /// `keeping` names columns beyond the schema's that go to the graveyard too.
    package static func deleteTrigger(_ table: TableSchema, tableIndex: Int, keeping extra: [String] = []) -> String {
        let name = table.name
        let allColumns = (["id"] + table.columnNames + extra).map { "\"\($0)\"" }.joined(separator: ", ")
        let oldValues = (["id"] + table.columnNames + extra).map { "OLD.\"\($0)\"" }.joined(separator: ", ")
        return """
            CREATE TRIGGER IF NOT EXISTS "\(deleteTriggerName(table))" AFTER DELETE ON "\(name)" \(guardClause)
            BEGIN
              INSERT OR REPLACE INTO "\(graveyard(table))"(\(allColumns)) VALUES (\(oldValues));
              INSERT INTO _sync_log(tbl, pk, op, mask, wall) VALUES (\(tableIndex), OLD.id, \(LogOperation.delete.rawValue), 0, \(nowMillis));
            END
            """
    }

    package static func deleteTriggerName(_ table: TableSchema) -> String { "_sync_\(table.name)_delete" }

    /// Capture triggers for one synced table; `tableIndex` is its stable number in the log.
    static func triggers(_ table: TableSchema, tableIndex: Int) -> [String] {
        precondition(table.columns.count <= 62, "a change mask holds at most 62 columns")
        let name = table.name
        let mask = table.columns.enumerated().map { index, column in
            "((OLD.\"\(column.name)\" IS NOT NEW.\"\(column.name)\") << \(index))"
        }.joined(separator: " | ")
        return [
            """
            CREATE TRIGGER IF NOT EXISTS "_sync_\(name)_insert" AFTER INSERT ON "\(name)" \(guardClause)
            BEGIN
              INSERT INTO _sync_log(tbl, pk, op, mask, wall) VALUES (\(tableIndex), NEW.id, \(LogOperation.insert.rawValue), 0, \(nowMillis));
            END
            """,
            """
            CREATE TRIGGER IF NOT EXISTS "_sync_\(name)_update" AFTER UPDATE ON "\(name)" \(guardClause)
            BEGIN
              SELECT RAISE(ABORT, '\(name).id cannot change: delete the row and insert a new one') WHERE NEW.id IS NOT OLD.id;
              INSERT INTO _sync_log(tbl, pk, op, mask, wall)
                SELECT \(tableIndex), NEW.id, \(LogOperation.update.rawValue), m, \(nowMillis) FROM (SELECT \(mask) AS m) WHERE m != 0;
            END
            """,
            deleteTrigger(table, tableIndex: tableIndex),
        ]
    }
}

/// What a captured local write did.
package enum LogOperation: Int64 {
    case insert = 0
    case update = 1
    case delete = 2
}
