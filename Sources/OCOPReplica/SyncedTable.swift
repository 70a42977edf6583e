import OCOPModel

/// A synced table with the SQL the sync engine runs against it, prepared once.
package struct SyncedTable: Sendable {
    package let schema: TableSchema
    /// The table's stable number in `_sync_log` and `_sync_rows` (its position in ``OCOPSchema/tables``).
    package let index: Int
    package let columnNames: [String]
    package let selectRow: String
    package let selectTomb: String
    package let insertRow: String
    package let insertTomb: String
    package let deleteRow: String
    package let deleteTomb: String
    package let copyRowToTomb: String
    /// `SELECT ?1 AS "id", ?2 AS "<first column>", …`: the values of a row about to be stored,
    /// read as a row of the table, for validation to judge before anything is written.
    package let selectValues: String

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
        selectValues = "SELECT " + (["id"] + columnNames).enumerated().map { "?\($0.offset + 1) AS \"\($0.element)\"" }.joined(separator: ", ")
    }

    package func updateRow(columns: [String], graveyard: Bool) -> String {
        let target = graveyard ? SyncSchemaSQL.graveyard(schema) : schema.name
        return "UPDATE \"\(target)\" SET " + columns.map { "\"\($0)\" = ?" }.joined(separator: ", ") + " WHERE id = ?"
    }
}
