import OCOPModel
import OCOPReplica

/// The national dataset's tables on PostgreSQL, made and upgraded by named migrations.
///
/// The layout keeps a row's sync metadata in the row: every synced table has its data columns
/// and `_meta` (the row's clocks, dots and version vector, encoded as in SQLite replicas),
/// `_seq` (its change-feed position) and `_echo` (the replica whose push made the last change,
/// so it is not sent back). Deleted rows move, with their last values, to a `_tomb_` twin. A
/// province's pull is then one range of the `(tenant_id, _seq)` index per table.
enum PostgresSchema {
    /// One step of the layout; applied once, in order, each in its own transaction.
    struct Migration {
        var name: String
        var statements: [String]
    }

    /// Every migration, oldest first. Never edit one that has shipped: add another.
    static let migrations: [Migration] = [
        Migration(name: "2026-12 national store", statements: bookkeeping + OCOPSchema.tables(upTo: 1).flatMap(tableStatements)),
        // Where a row came from when its province was merged into another (reports show it).
        Migration(name: "2026-12 tenant merges", statements: [
            """
            CREATE TABLE _tenant_merges (
              tbl text NOT NULL, pk bytea NOT NULL, from_tenant bytea NOT NULL, into_tenant bytea NOT NULL, merged_on text NOT NULL,
              PRIMARY KEY (tbl, pk, from_tenant))
            """,
        ]),
        // Schema 2: certificate events, dossiers, council score sheets, producers' consents.
        // Also the indexes schema-1 tables gained with it (products by GTIN, lots by product and
        // lot code, for trace links); a store made since has them already.
        Migration(name: "2027-01 schema 2 tables", statements: OCOPSchema.tables.filter { $0.since == 2 }.flatMap(tableStatements)
            + OCOPSchema.tables(upTo: 1).flatMap { indexStatements($0, ifNotExists: true) }),
        // Schema 3: products' offers and attachments.
        Migration(name: "2027-02 schema 3 tables", statements: OCOPSchema.tables.filter { $0.since == 3 }.flatMap(tableStatements)),
    ]

    /// The advisory lock key under which daemons starting at once migrate one after another.
    static let migrationLock: Int64 = 0x4F43_4F50_5347_0001

    static let bookkeeping: [String] = [
        // The store's own identity: the replica id its central-office writes are stamped with.
        "CREATE TABLE _store (key text PRIMARY KEY, value bytea NOT NULL)",
        // Replica ids numbered for compact row metadata; numbers are never reused.
        "CREATE TABLE _sync_replicas (idx bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, id bytea NOT NULL UNIQUE)",
        // The feed's last committed position. Its one row is locked from numbering a transaction's
        // changes to its commit, so positions become visible in order: a puller that has seen
        // position p has seen every position below it (see PostgresFeed).
        "CREATE TABLE _sync_feed (id int PRIMARY KEY CHECK (id = 1), position bigint NOT NULL)",
        "INSERT INTO _sync_feed VALUES (1, 0)",
        // Dot counters of the store's own (central-office) writes.
        "CREATE SEQUENCE _central_dots",
        """
        CREATE TABLE _sync_conflicts (
          tbl text NOT NULL, pk bytea NOT NULL, col text NOT NULL, kind smallint NOT NULL,
          replica bytea NOT NULL, counter bigint NOT NULL, hlc bigint NOT NULL, value bytea NOT NULL,
          seq bigint NOT NULL, tenant bytea,
          PRIMARY KEY (tbl, pk, col, kind, replica, counter))
        """,
        "CREATE INDEX _sync_conflicts_by_seq ON _sync_conflicts (seq)",
        """
        CREATE TABLE _central_resolutions (
          conflict_id text PRIMARY KEY, tbl text NOT NULL, pk bytea NOT NULL, col text NOT NULL, kind smallint NOT NULL,
          replica bytea NOT NULL, counter bigint NOT NULL, choice text NOT NULL, value bytea, resolved_at text NOT NULL)
        """,
        """
        CREATE TABLE _server_accounts (
          "user" text PRIMARY KEY, role text NOT NULL, tenant_id bytea,
          salt bytea NOT NULL, iterations bigint NOT NULL, stored_key bytea NOT NULL, server_key bytea NOT NULL,
          enabled boolean NOT NULL DEFAULT true, created_at text NOT NULL, updated_at text NOT NULL)
        """,
        """
        CREATE TABLE _server_replicas (
          replica bytea PRIMARY KEY, "user" text NOT NULL,
          acknowledged bigint NOT NULL DEFAULT 0, pulled bigint NOT NULL DEFAULT 0,
          first_seen_at text NOT NULL, last_push_at text, last_pull_at text,
          changes_merged bigint NOT NULL DEFAULT 0, conflicts bigint NOT NULL DEFAULT 0, refused bigint NOT NULL DEFAULT 0,
          served_through bigint)
        """,
        "CREATE TABLE _server_state (key text PRIMARY KEY, value bigint NOT NULL)",
        """
        CREATE TABLE _api_tokens (
          id text PRIMARY KEY, name text NOT NULL, scope text NOT NULL, secret_sha256 bytea NOT NULL,
          created_at text NOT NULL, revoked_at text)
        """,
    ]

    static func sqlType(_ type: ColumnType) -> String {
        switch type {
        case .uuid: return "bytea"
        case .text, .date: return "text"
        case .integer: return "bigint"
        case .real: return "double precision"
        }
    }

    static func tombName(_ table: TableSchema) -> String { SyncSchemaSQL.graveyard(table) }

    static func tableStatements(_ table: TableSchema) -> [String] {
        func create(_ name: String, constraints: Bool) -> String {
            var lines = ["id bytea PRIMARY KEY"]
            for column in table.columns {
                lines.append("\"\(column.name)\" \(sqlType(column.type))\(constraints && !column.isNullable ? " NOT NULL" : "")")
            }
            lines += ["_meta bytea NOT NULL", "_seq bigint NOT NULL", "_echo bigint"]
            return "CREATE TABLE \"\(name)\" (\n  " + lines.joined(separator: ",\n  ") + "\n)"
        }
        var statements = [create(table.name, constraints: true), create(tombName(table), constraints: false)]
        for name in [table.name, tombName(table)] {
            statements.append("CREATE INDEX \"\(name)_by_seq\" ON \"\(name)\" (_seq)")
            if table.scope == .tenant {
                statements.append("CREATE INDEX \"\(name)_by_tenant_seq\" ON \"\(name)\" (tenant_id, _seq)")
            }
        }
        return statements + indexStatements(table, ifNotExists: false)
    }

    /// The table's extra indexes (``TableSchema/indexes``).
    static func indexStatements(_ table: TableSchema, ifNotExists: Bool) -> [String] {
        table.indexes.map { columns in
            let name = "\(table.name)_by_" + columns.joined(separator: "_")
            return "CREATE INDEX \(ifNotExists ? "IF NOT EXISTS " : "")\"\(name)\" ON \"\(table.name)\" (" + columns.map { "\"\($0)\"" }.joined(separator: ", ") + ")"
        }
    }
}
