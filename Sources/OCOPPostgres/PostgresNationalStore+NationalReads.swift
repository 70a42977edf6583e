import Foundation
import OCOPModel
import OCOPStore
import OCOPSync
import PostgresNIO

// What the central office reads from the national dataset (NationalReads), ported from the
// SQLite reader: reports (PostgresNationalReads+Reports), lookups (+Lookups), records (+Records)
// and conflicts (+Conflicts) are in their own files; feeds and ad hoc queries are here. Each
// read is one REPEATABLE READ, READ ONLY transaction, as each SQLite read is one transaction.
extension PostgresNationalStore: NationalReads {
    // MARK: Feeds

    /// The last committed feed position. Unlike SQLite, nothing waits to be numbered: every
    /// write is numbered in its own transaction.
    public func feedPosition() async throws -> UInt64 {
        try await reading { connection in
            UInt64(max(try ReadRow(try await rows(connection, "SELECT position FROM _sync_feed WHERE id = 1")[0]).int64(0), 0))
        }
    }

    /// Reads everything the feed needs in one snapshot, then runs `body` over it on the stores'
    /// read threads (a feed rendering can take seconds and must not hold a cooperative thread).
    public func readFeed<T: Sendable>(since position: UInt64?, _ body: @escaping @Sendable (FeedSource) throws -> T) async throws -> T {
        let read = try await reading { connection in try await PostgresFeedRead.read(self, connection, since: position) }
        return try await StoreThreads.read { try body(read.source()) }
    }

    // MARK: Ad hoc

    /// `ocop query`: one statement in a READ ONLY transaction, so PostgreSQL itself refuses a
    /// write (SQLSTATE 25006, reported as ``QueryError/Code/writeRefused``).
    ///
    /// The transaction is rolled back, never committed: it wrote nothing, and a rollback also
    /// undoes what a statement may change about the pooled connection it ran on (`SET`,
    /// `set_config`, `LISTEN`). Session advisory locks survive a rollback, so they are released.
    public func query(_ statement: String) async throws -> QueryResult {
        let trimmed = statement.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw QueryError(.invalidSQL, "the query is empty") }
        let logger = self.logger
        return try await client.withConnection { connection in
            try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            let outcome: Result<QueryResult, any Error>
            do {
                let rows = try await connection.query(PostgresQuery(unsafeSQL: trimmed), logger: logger)
                let columns = rows.columns.map(\.name)
                var values: [[QueryValue]] = []
                for try await row in rows { values.append(try row.map(Self.queryValue)) }
                outcome = .success(QueryResult(columns: columns, rows: values))
            } catch {
                outcome = .failure(Self.queryError(error))
            }
            do {
                try await connection.query("ROLLBACK", logger: logger)
                try await connection.query("SELECT pg_advisory_unlock_all()", logger: logger)
            } catch {
                // The statement's own failure says more than the clean-up's (a lost connection).
                if case .failure(let failure) = outcome { throw failure }
                throw error
            }
            return try outcome.get()
        }
    }

    /// What a statement's failure tells the person who typed it; anything that is not the
    /// server's answer to the statement (a lost connection) is thrown as it is.
    static func queryError(_ error: any Error) -> any Error {
        guard let error = error as? PSQLError, let info = error.serverInfo, let state = info[.sqlState] else { return error }
        let message = info[.message] ?? "\(error)"
        switch state {
        case "25006":
            return QueryError(.writeRefused, "refused: `ocop query` is read-only and this statement would change the national dataset (\(message); use `ocop central` or `ocop conflicts resolve` for central writes)")
        case "42601" where message.contains("multiple commands"):
            return QueryError(.invalidSQL, "give one SQL statement at a time")
        default:
            return QueryError(.invalidSQL, "SQL error: \(message) (SQLSTATE \(state))")
        }
    }

    /// A result cell as the typed value `ocop query` prints: integers (and booleans, as SQLite
    /// has them: 1 and 0), reals, text and bytes as themselves; a `numeric` as an integer when it
    /// has no decimals (a `sum` of integers) and a real otherwise; dates and times as ISO 8601
    /// text; uuids as text; a type with no such reading as its bytes (cast it to text to read it).
    static func queryValue(_ cell: PostgresCell) throws -> QueryValue {
        guard let bytes = cell.bytes else { return .null }
        if cell.format == .text { return .text(try cell.decode(String.self)) }
        switch cell.dataType {
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
        case .oid: return bytes.getInteger(at: bytes.readerIndex, as: UInt32.self).map { .integer(Int64($0)) } ?? .null
        case .float4, .float8: return .real(try cell.decode(Double.self))
        case .numeric:
            // The binary form is four 16-bit words (digits, weight, sign, display scale), then the
            // digits: a scale of 0 is a whole number; a sign of 0xC000 and above is NaN or ±infinity.
            let sign = bytes.getInteger(at: bytes.readerIndex + 4, as: UInt16.self)
            let scale = bytes.getInteger(at: bytes.readerIndex + 6, as: UInt16.self)
            switch sign {
            case 0xD000: return .real(.infinity)
            case 0xF000: return .real(-.infinity)
            case .some(0xC000...): return .real(.nan)
            default: break
            }
            let text = "\(try cell.decode(Decimal.self))"
            if scale == 0, let whole = Int64(text) { return .integer(whole) }
            return .real(Double(text) ?? .nan)
        case .text, .varchar, .bpchar, .name, .json, .jsonb, .char, .unknown: return .text(try cell.decode(String.self))
        case .uuid: return .text(try cell.decode(UUID.self).uuidString.lowercased())
        case .bytea: return .blob(Array(buffer: bytes))
        case .date: return .text(try cell.decode(Date.self).formatted(.iso8601.year().month().day()))
        case .timestamp, .timestamptz: return .text(try cell.decode(Date.self).formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        default: return .blob(Array(buffer: bytes))
        }
    }
}
