import Foundation
import Logging
import OCOPModel
import OCOPReplica
import OCOPStore
import OCOPSync
import PostgresNIO

/// A synced row as stored: its state (values and metadata) and where it lives.
struct StoredRow {
    var state: RowState
    /// In the table's `_tomb_` twin (deleted) rather than the table itself.
    var inTomb: Bool
}

/// Reading and writing synced rows of the PostgreSQL layout (``PostgresSchema``).
struct PostgresRows {
    let store: PostgresNationalStore
    let connection: PostgresConnection
    var logger: Logger { store.logger }

    // MARK: Locks

    /// Locks the rows named by `keys` until the transaction ends, in one order for everyone, so
    /// concurrent writers of the same row take turns and two writers never wait on each other.
    func lock(_ keys: some Sequence<(table: Int, key: SyncValue)>) async throws {
        let ordered = Set(keys.map { Self.lockKey(table: $0.table, key: $0.key) }).sorted()
        guard !ordered.isEmpty else { return }
        var bindings = PostgresBindings()
        bindings.append(ordered)
        try await store.rows(connection, "SELECT pg_advisory_xact_lock(k) FROM unnest($1::int8[]) WITH ORDINALITY AS l(k, n) ORDER BY n", bindings)
    }

    /// A 64-bit lock number for a row: FNV-1a over its table number and key bytes (a collision
    /// only makes two writers take turns).
    static func lockKey(table: Int, key: SyncValue) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        mix(UInt8(truncatingIfNeeded: table))
        switch key {
        case .blob(let bytes): bytes.forEach(mix)
        default: Array(key.description.utf8).forEach(mix)
        }
        return Int64(bitPattern: hash)
    }

    // MARK: Reading

    /// The columns a synced row is read with, in order: id, data columns, then metadata.
    static func selectList(_ table: SyncedTable) -> String {
        (["id"] + table.columnNames.map { "\"\($0)\"" } + ["_meta"]).joined(separator: ", ")
    }

    /// The stored rows of `table` among `keys` (live or deleted), and the rows whose metadata
    /// cannot be read (each named; they refuse their own change only).
    func load(_ table: SyncedTable, keys: [SyncValue], directory: inout ReplicaDirectory) async throws
        -> (rows: [SyncValue: StoredRow], unreadable: [SyncValue: String]) {
        let buffers = PostgresValues.keyBuffers(Set(keys))
        guard !buffers.isEmpty else { return ([:], [:]) }
        var bindings = PostgresBindings()
        bindings.append(buffers)
        let list = Self.selectList(table)
        let sql = """
            SELECT \(list), false FROM "\(table.schema.name)" WHERE id = ANY($1::bytea[])
            UNION ALL SELECT \(list), true FROM "\(PostgresSchema.tombName(table.schema))" WHERE id = ANY($1::bytea[])
            """
        return try await decodeRows(table, try await store.rows(connection, sql, bindings), directory: &directory)
    }

    /// Decodes rows selected with ``selectList(_:)`` followed by the "deleted" flag.
    func decodeRows(_ table: SyncedTable, _ rows: [PostgresRow], directory: inout ReplicaDirectory) async throws
        -> (rows: [SyncValue: StoredRow], unreadable: [SyncValue: String]) {
        var result: [SyncValue: StoredRow] = [:]
        var unreadable: [SyncValue: String] = [:]
        var reloaded = false
        for row in rows {
            let cells = row.makeRandomAccess()
            let key = SyncValue.blob(try PostgresValues.bytes(cells[0]) ?? [])
            var values: [SyncValue] = []
            values.reserveCapacity(table.columnNames.count)
            for (offset, column) in table.schema.columns.enumerated() {
                values.append(try PostgresValues.read(cells[offset + 1], as: column.type))
            }
            let metaBytes = try PostgresValues.bytes(cells[table.columnNames.count + 1]) ?? []
            let inTomb = try cells[table.columnNames.count + 2].decode(Bool.self)
            var meta = try? RowMeta(decoding: metaBytes, columnCount: table.columnNames.count, directory: directory)
            if meta == nil, !reloaded {
                // Another daemon may have numbered a replica since this one cached the numbering.
                reloaded = true
                try await store.reloadNumbering()
                directory = ReplicaDirectory(entries: store.numbering.withLockedValue { $0 }.map { (index: $0.value, replica: $0.key) })
                meta = try? RowMeta(decoding: metaBytes, columnCount: table.columnNames.count, directory: directory)
            }
            guard let meta else {
                unreadable[key] = "sync metadata of \(table.schema.name) row \(key) is unreadable"
                continue
            }
            result[key] = StoredRow(state: meta.state(values: values, columnNames: table.columnNames), inTomb: inTomb)
        }
        return (result, unreadable)
    }

    /// For each row a reference may name: whether it exists (a tombstone counts) and its tenant.
    func referencedRows(_ wanted: [String: Set<SyncValue>]) async throws -> [String: [SyncValue: ReferencedRow]] {
        var found: [String: [SyncValue: ReferencedRow]] = [:]
        for (target, keys) in wanted {
            guard let schema = OCOPSchema.table(named: target) else { continue }
            let buffers = PostgresValues.keyBuffers(keys)
            guard !buffers.isEmpty else { continue }
            var bindings = PostgresBindings()
            bindings.append(buffers)
            let tenant = schema.scope == .tenant ? "tenant_id" : "NULL::bytea"
            // An inspection office's key is read whole: an inspection's signature is checked against it.
            let isKey = target == InspectionKey.schema.name
            let extra = isKey ? ", " + schema.columnNames.map { "\"\($0)\"" }.joined(separator: ", ") : ""
            let sql = """
                SELECT id, \(tenant)\(extra) FROM "\(target)" WHERE id = ANY($1::bytea[])
                UNION ALL SELECT id, \(tenant)\(extra) FROM "\(PostgresSchema.tombName(schema))" WHERE id = ANY($1::bytea[])
                """
            for row in try await store.rows(connection, sql, bindings) {
                let cells = row.makeRandomAccess()
                let key = SyncValue.blob(try PostgresValues.bytes(cells[0]) ?? [])
                let owner = try PostgresValues.bytes(cells[1]).map(SyncValue.blob) ?? .null
                var inspectionKey: InspectionKey?
                if isKey {
                    var values: [String: SyncValue] = [TableSchema.primaryKey: key]
                    for (offset, column) in schema.columns.enumerated() {
                        values[column.name] = try PostgresValues.read(cells[offset + 2], as: column.type)
                    }
                    inspectionKey = try? InspectionKey(syncValues: values)
                }
                found[target, default: [:]][key] = ReferencedRow(tenant: owner, inspectionKey: inspectionKey)
            }
        }
        return found
    }

    // MARK: Writing

    /// One row to store: its merged state at feed position `seq`.
    struct RowWrite {
        var key: SyncValue
        var state: RowState
        /// Where the row was before (nil: it was new).
        var wasInTomb: Bool?
        var seq: Int64
        var echo: Int64?
    }

    /// Stores merged rows of `table` in a few statements: each in its table while visible and in
    /// its tombstone twin once deleted, moved when that changed. The rows travel as one JSON
    /// array per destination (values as text, cast by column type), so a batch of a thousand
    /// rows is two or three round trips rather than a thousand.
    func write(_ table: SyncedTable, _ writes: [RowWrite], directory: inout ReplicaDirectory) async throws {
        for visible in [true, false] {
            let group = writes.filter { $0.state.isVisible == visible }
            guard !group.isEmpty else { continue }
            let target = visible ? table.schema.name : PostgresSchema.tombName(table.schema)
            // Rows that lived on the other side move: out of there first.
            let moving = group.filter { $0.wasInTomb == visible }.map { ByteBuffer(bytes: Self.keyBytes($0.key)) }
            if !moving.isEmpty {
                var bindings = PostgresBindings()
                bindings.append(moving)
                let source = visible ? PostgresSchema.tombName(table.schema) : table.schema.name
                try await store.rows(connection, "DELETE FROM \"\(source)\" WHERE id = ANY($1::bytea[])", bindings)
            }
            var json = "["
            json.reserveCapacity(group.count * (table.columnNames.count + 4) * 24)
            for (index, write) in group.enumerated() {
                if index > 0 { json += "," }
                json += "[\"" + Hex.string(Self.keyBytes(write.key)) + "\""
                for column in table.schema.columns {
                    json += ","
                    Self.appendJSON(write.state.columns[column.name]?.value ?? .null, to: &json)
                }
                json += ",\"" + Hex.string(RowMeta(write.state, columnNames: table.columnNames).encoded(&directory)) + "\""
                json += ",\"\(write.seq)\"," + (write.echo.map { "\"\($0)\"" } ?? "null") + "]"
            }
            json += "]"
            var bindings = PostgresBindings()
            bindings.append(json)
            try await store.rows(connection, Self.upsertJSON(table, into: target), bindings)
        }
    }

    /// `INSERT … SELECT` from a JSON array of rows `[id, columns…, meta, seq, echo]`.
    static func upsertJSON(_ table: SyncedTable, into target: String) -> String {
        let columns = table.columnNames.map { "\"\($0)\"" } + ["_meta", "_seq", "_echo"]
        var values = ["decode(r->>0, 'hex')"]
        for (offset, column) in table.schema.columns.enumerated() {
            let cell = "r->>\(offset + 1)"
            switch column.type {
            case .uuid: values.append("decode(\(cell), 'hex')")
            case .text, .date: values.append(cell)
            case .integer: values.append("(\(cell))::bigint")
            case .real: values.append("(\(cell))::double precision")
            }
        }
        let base = table.columnNames.count + 1
        values += ["decode(r->>\(base), 'hex')", "(r->>\(base + 1))::bigint", "(r->>\(base + 2))::bigint"]
        return "INSERT INTO \"\(target)\" (id, \(columns.joined(separator: ", "))) "
            + "SELECT \(values.joined(separator: ", ")) FROM jsonb_array_elements($1::jsonb) AS r "
            + "ON CONFLICT (id) DO UPDATE SET " + columns.map { "\($0) = EXCLUDED.\($0)" }.joined(separator: ", ")
    }

    /// A value as a JSON string (or null): text as it is, numbers in their shortest exact form,
    /// bytes in hex.
    static func appendJSON(_ value: SyncValue, to json: inout String) {
        switch value {
        case .null: json += "null"
        case .integer(let number): json += "\"\(number)\""
        case .real(let number): json += "\"\(number.isNaN ? "NaN" : number.isInfinite ? (number < 0 ? "-Infinity" : "Infinity") : "\(number)")\""
        case .blob(let bytes): json += "\"" + Hex.string(bytes) + "\""
        case .text(let text):
            json += "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": json += "\\\""
                case "\\": json += "\\\\"
                case "\n": json += "\\n"
                case "\r": json += "\\r"
                case "\t": json += "\\t"
                case _ where scalar.value < 0x20:
                    let code = String(scalar.value, radix: 16)
                    json += "\\u" + String(repeating: "0", count: 4 - code.count) + code
                default: json.unicodeScalars.append(scalar)
                }
            }
            json += "\""
        }
    }


    static func keyBytes(_ key: SyncValue) -> [UInt8] {
        if case .blob(let bytes) = key { return bytes }
        return []
    }

    // MARK: Feed

    /// Reserves `count` feed positions and returns the first. The feed row stays locked until the
    /// transaction ends, so transactions number and commit one after another: once a reader sees
    /// position p committed, every position below p is committed too.
    func reservePositions(_ count: Int) async throws -> Int64 {
        guard count > 0 else { return 0 }
        var bindings = PostgresBindings()
        bindings.append(Int64(count))
        let row = try await store.rows(connection, "UPDATE _sync_feed SET position = position + $1 WHERE id = 1 RETURNING position", bindings)
        let last = try row[0].makeRandomAccess()[0].decode(Int64.self)
        return last - Int64(count) + 1
    }

    /// Adds a conflict record at feed position `seq` unless it is already known; returns whether
    /// it was new.
    @discardableResult
    func record(_ conflict: ConflictRecord, seq: Int64, tenant: SyncValue?) async throws -> Bool {
        var bindings = PostgresBindings()
        bindings.append(conflict.table)
        bindings.append(ByteBuffer(bytes: Self.keyBytes(conflict.key)))
        bindings.append(conflict.column)
        bindings.append(Int16(conflict.kind.rawValue))
        bindings.append(ByteBuffer(bytes: conflict.losingStamp.dot.replica.bytes))
        bindings.append(Int64(bitPattern: conflict.losingStamp.dot.counter))
        bindings.append(Int64(bitPattern: conflict.losingStamp.hlc.rawValue))
        bindings.append(PostgresValues.encodeAny(conflict.losingValue))
        bindings.append(seq)
        if case .blob(let bytes)? = tenant { bindings.append(ByteBuffer(bytes: bytes)) } else { bindings.appendNull() }
        let rows = try await store.rows(connection, """
            INSERT INTO _sync_conflicts(tbl, pk, col, kind, replica, counter, hlc, value, seq, tenant)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING RETURNING 1
            """, bindings)
        return !rows.isEmpty
    }
}
