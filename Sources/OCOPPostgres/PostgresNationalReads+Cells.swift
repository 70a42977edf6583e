import Foundation
import OCOPModel
import OCOPReplica
import OCOPStore
import OCOPSync
import PostgresNIO

// What the reads (NationalReads) build their statements and decode their rows with: positional
// parameters collected while optional filters are added, and typed cells by position.

/// Positional parameters (`$1`, `$2`, …) gathered while a statement is assembled from optional
/// filters; each `bind` returns the placeholder to write into the SQL.
struct ReadParameters {
    private(set) var bindings = PostgresBindings()

    mutating func bind(_ value: String) -> String {
        bindings.append(value)
        return "$\(bindings.count)"
    }

    mutating func bind(_ value: Int64) -> String {
        bindings.append(value)
        return "$\(bindings.count)"
    }

    /// An id, stored as its 16 bytes (`bytea`).
    mutating func bind(_ id: UUID) -> String {
        bindings.append(ByteBuffer(bytes: ChangePolicy.bytes(of: id)))
        return "$\(bindings.count)"
    }

    /// Texts as a `text[]`, for `= ANY(…)`.
    mutating func bind(_ values: [String]) -> String {
        bindings.append(values)
        return "$\(bindings.count)::text[]"
    }

    /// Ids as a `bytea[]`, for `= ANY(…)`.
    mutating func bind(_ ids: [UUID]) -> String {
        bindings.append(ids.map { ByteBuffer(bytes: ChangePolicy.bytes(of: $0)) })
        return "$\(bindings.count)::bytea[]"
    }
}

/// One result row read by position, with the conversions the reads need (ids are 16-byte
/// `bytea`, dates are text, integers `bigint`).
struct ReadRow {
    let cells: PostgresRandomAccessRow

    init(_ row: PostgresRow) { cells = row.makeRandomAccess() }

    func text(_ index: Int) throws -> String { try cells[index].decode(String.self) }
    func optionalText(_ index: Int) throws -> String? { try cells[index].decode(String?.self) }
    func int(_ index: Int) throws -> Int { Int(try cells[index].decode(Int64.self)) }
    func int64(_ index: Int) throws -> Int64 { try cells[index].decode(Int64.self) }
    func optionalInt64(_ index: Int) throws -> Int64? { try cells[index].decode(Int64?.self) }
    func double(_ index: Int) throws -> Double { try cells[index].decode(Double.self) }
    func bool(_ index: Int) throws -> Bool { try cells[index].decode(Bool.self) }
    func bytes(_ index: Int) throws -> [UInt8]? { try PostgresValues.bytes(cells[index]) }

    /// An id column; a value that is not 16 bytes is a damaged row, reported rather than trapped on.
    func uuid(_ index: Int) throws -> UUID {
        guard let id = try optionalUUID(index) else {
            throw StoreError(.storage, "column \(cells[index].columnName) holds no id (16 bytes expected)")
        }
        return id
    }

    func optionalUUID(_ index: Int) throws -> UUID? {
        guard let bytes = try bytes(index) else { return nil }
        guard let id = OCOPStore.uuid(fromBlob: bytes) else {
            throw StoreError(.storage, "column \(cells[index].columnName) holds \(bytes.count) bytes, not an id")
        }
        return id
    }
}

extension PostgresNationalStore {
    /// One consistent read: a REPEATABLE READ, READ ONLY transaction, so every statement of a
    /// read sees the same committed state (as one SQLite read transaction does).
    func reading<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await transaction(readOnly: true, body)
    }

    /// The rows of a synced table as typed records (every column, the key under `id`), for
    /// the `WHERE`/`ORDER BY` tail `clause`.
    func records<Record: SyncedRecord>(
        _ type: Record.Type, _ connection: PostgresConnection, _ clause: String, _ parameters: ReadParameters = ReadParameters()
    ) async throws -> [Record] {
        let schema = Record.schema
        let sql = "SELECT id, " + schema.columns.map { "\"\($0.name)\"" }.joined(separator: ", ") + " FROM \"\(schema.name)\" " + clause
        return try await rows(connection, sql, parameters.bindings).map { try Self.record(Record.self, from: ReadRow($0)) }
    }

    /// A record from a row selected as `id`, then the table's columns in schema order.
    static func record<Record: SyncedRecord>(_ type: Record.Type, from row: ReadRow) throws -> Record {
        var values: [String: SyncValue] = [TableSchema.primaryKey: try row.bytes(0).map(SyncValue.blob) ?? .null]
        for (offset, column) in Record.schema.columns.enumerated() {
            values[column.name] = try PostgresValues.read(row.cells[offset + 1], as: column.type)
        }
        return try Record(syncValues: values)
    }
}
