import Foundation
import GRDB
import OCOPReplica
import OCOPSync

/// One cell of a query result, as SQLite returned it: the same typed value sync carries.
public typealias QueryValue = SyncValue

extension SyncValue {
    /// The cell as a person reads it: 16-byte blobs (ids) as lowercase UUIDs, other blobs as
    /// hex, `NULL` as the empty string in CSV and `NULL` in tables.
    public var displayText: String? {
        switch self {
        case .null: return nil
        case .integer(let int): return String(int)
        case .real(let double): return String(double)
        case .text(let text): return text
        case .blob(let bytes):
            if let id = uuid(fromBlob: bytes) { return id.uuidString.lowercased() }
            return bytes.map { String(format: "%02x", $0) }.joined()
        }
    }
}

/// The UUID in a 16-byte blob, or `nil`.
func uuid(fromBlob bytes: [UInt8]) -> UUID? {
    guard bytes.count == 16 else { return nil }
    return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                       bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
}

/// The columns and rows of a query, in the order SQLite returned them.
public struct QueryResult: Sendable, Hashable {
    public var columns: [String]
    public var rows: [[QueryValue]]

    public init(columns: [String], rows: [[QueryValue]]) {
        self.columns = columns
        self.rows = rows
    }

    /// An aligned plain-text table (NULL shown as `NULL`), then nothing else.
    public func table() -> String {
        let cells = rows.map { $0.map { $0.displayText ?? "NULL" } }
        var widths = columns.map(\.count)
        for row in cells {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ row: [String]) -> String {
            var text = ""
            for (index, cell) in row.enumerated() {
                if index > 0 { text += "  " }
                text += index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }
            return text
        }
        return ([line(columns)] + cells.map(line)).joined(separator: "\n")
    }

    /// CSV as RFC 4180: a header line, CRLF line breaks, fields quoted when they contain a
    /// comma, a double quote, CR or LF (quotes doubled); NULL is an empty field.
    public func csv() -> String {
        func field(_ text: String) -> String {
            if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) {
                return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return text
        }
        var lines = [columns.map(field).joined(separator: ",")]
        for row in rows { lines.append(row.map { field($0.displayText ?? "") }.joined(separator: ",")) }
        return lines.map { $0 + "\r\n" }.joined()
    }

    /// A JSON array of objects, keys in column order; integers and reals as numbers, NULL as
    /// `null`, 16-byte blobs as UUID strings, other blobs as hex strings.
    public func json() -> String {
        func string(_ text: String) -> String {
            let data = (try? JSONEncoder.plain.encode(text)) ?? Data("\"\"".utf8)
            return String(decoding: data, as: UTF8.self)
        }
        func value(_ cell: QueryValue) -> String {
            switch cell {
            case .null: return "null"
            case .integer(let int): return String(int)
            case .real(let double): return double.isFinite ? String(double) : "null"
            case .text, .blob: return string(cell.displayText ?? "")
            }
        }
        if rows.isEmpty { return "[]" }
        let objects = rows.map { row in
            "  {" + zip(columns, row).map { "\(string($0)): \(value($1))" }.joined(separator: ", ") + "}"
        }
        return "[\n" + objects.joined(separator: ",\n") + "\n]"
    }
}

extension JSONEncoder {
    static var plain: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }
}

/// Why a query was refused or failed.
public struct QueryError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: Sendable, Equatable {
        /// The statement would write (INSERT, UPDATE, DELETE, DDL, a write PRAGMA...).
        case writeRefused
        /// SQLite rejected the statement (syntax, unknown table...).
        case invalidSQL
        /// The file is missing or not a national dataset.
        case notFound
    }

    public let code: Code
    public let message: String
    public var description: String { message }

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}

/// Read-only access to the national dataset file.
public enum NationalDatabase {
    /// Opens `path` read-only (SQLite `SQLITE_OPEN_READONLY` plus `PRAGMA query_only`), so no
    /// statement run through it can change the file. Throws if it is not a national dataset.
    public static func openReadOnly(at path: String) throws -> DatabaseQueue {
        guard FileManager.default.fileExists(atPath: path) else {
            throw QueryError(.notFound, "no national dataset at \(path)")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA query_only = ON") }
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try checkNational(queue, path: path)
        } catch let error as QueryError {
            throw error
        } catch {
            throw QueryError(.notFound, "\(path) is not a national dataset: \(error)")
        }
        return queue
    }

    /// Throws unless `reader` holds a national dataset (a central replica keeping a feed, with
    /// the server's tables).
    public static func checkNational(_ reader: any DatabaseReader, path: String) throws {
        let isNational = try reader.read { db -> Bool in
            guard try db.tableExists("_sync_meta"), try db.tableExists("_server_replicas") else { return false }
            let feed = try Int64.fetchOne(db, sql: "SELECT value FROM _sync_meta WHERE key = 'feed_sequence'") ?? -1
            return feed >= 0
        }
        if !isNational {
            throw QueryError(.notFound, "\(path) is not a national dataset (no change feed or server tables); use the daemon's store file")
        }
    }
}

/// `ocop query`: runs one SQL statement against the national dataset, read-only.
public enum ReadOnlyQuery {
    /// Runs `sql` (one statement) on `database`. A statement that would write is refused
    /// before it runs (``QueryError/Code/writeRefused``); the connection is read-only as well,
    /// so nothing can change the data.
    public static func run(_ sql: String, on database: any DatabaseReader) throws -> QueryResult {
        let trimmed = sql.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw QueryError(.invalidSQL, "the query is empty") }
        return try database.read { db in
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
