import Foundation
import GRDB
import OCOPSync

extension SQLiteNationalReader {
    /// `ocop query`: one SQL statement, refused before it runs if it would write; the read
    /// connection is read-only as well, so nothing can change the data.
    public func query(_ sql: String) async throws -> QueryResult {
        try await reading { db in try Self.query(sql, db) }
    }

    static func query(_ sql: String, _ db: Database) throws -> QueryResult {
        let trimmed = sql.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw QueryError(.invalidSQL, "the query is empty") }
        do {
            let statements: SQLStatementCursor
            do { statements = try db.allStatements(sql: trimmed) } catch let error as DatabaseError {
                throw QueryError(.invalidSQL, "SQL error: \(error.message ?? "\(error)")")
            }
            var result: QueryResult?
            while true {
                let next: Statement?
                do { next = try statements.next() } catch let error as DatabaseError {
                    throw QueryError(.invalidSQL, "SQL error: \(error.message ?? "\(error)")")
                }
                guard let statement = next else { break }
                guard result == nil else {
                    throw QueryError(.invalidSQL, "give one SQL statement at a time")
                }
                guard statement.isReadonly else {
                    throw QueryError(.writeRefused, "refused: `ocop query` is read-only and this statement would change the national dataset (use `ocop central` or `ocop conflicts resolve` for central writes)")
                }
                do {
                    let rows = try Row.fetchAll(statement)
                    result = QueryResult(
                        columns: statement.columnNames,
                        rows: rows.map { row in (0..<row.count).map { QueryValue(row[$0] as DatabaseValue) } }
                    )
                } catch let error as DatabaseError {
                    if error.resultCode == .SQLITE_READONLY || (error.message ?? "").contains("readonly") {
                        throw QueryError(.writeRefused, "refused: `ocop query` is read-only (\(error.message ?? "write attempted"))")
                    }
                    throw QueryError(.invalidSQL, "SQL error: \(error.message ?? "\(error)")")
                }
            }
            guard let result else { throw QueryError(.invalidSQL, "the query has no SQL statement") }
            return result
        }
    }
}
