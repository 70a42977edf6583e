import OCOPModel

/// A synced table with the SQL the sync engine runs against it, prepared once.
struct SyncedTable: Sendable {
    let schema: TableSchema
    /// The table's stable number in `_sync_log` and `_sync_rows` (its position in ``OCOPSchema/tables``).
    let index: Int
    let columnNames: [String]
    let selectRow: String
    let selectTomb: String
    let insertRow: String
    let insertTomb: String
    let deleteRow: String
    let deleteTomb: String
    let copyRowToTomb: String

    init(schema: TableSchema, index: Int) {
        self.schema = schema
        self.index = index
        columnNames = schema.columnNames
        let quoted = columnNames.map { "\"\($0)\"" }.joined(separator: ", ")
        let all = "\"id\", " + quoted
        let placeholders = Array(repeating: "?", count: columnNames.count + 1).joined(separator: ", ")
        let tomb = SyncSchemaSQL.graveyard(schema)
        selectRow = "SELECT \(quoted) FROM \"\(schema.name)\" WHERE id = ?"
        selectTomb = "SELECT \(quoted) FROM \"\(tomb)\" WHERE id = ?"
        insertRow = "INSERT OR REPLACE INTO \"\(schema.name)\"(\(all)) VALUES (\(placeholders))"
        insertTomb = "INSERT OR REPLACE INTO \"\(tomb)\"(\(all)) VALUES (\(placeholders))"
        deleteRow = "DELETE FROM \"\(schema.name)\" WHERE id = ?"
        deleteTomb = "DELETE FROM \"\(tomb)\" WHERE id = ?"
        copyRowToTomb = "INSERT OR REPLACE INTO \"\(tomb)\"(\(all)) SELECT \(all) FROM \"\(schema.name)\" WHERE id = ?"
    }

    func updateRow(columns: [String], graveyard: Bool) -> String {
        let target = graveyard ? SyncSchemaSQL.graveyard(schema) : schema.name
        return "UPDATE \"\(target)\" SET " + columns.map { "\"\($0)\" = ?" }.joined(separator: ", ") + " WHERE id = ?"
    }
}
