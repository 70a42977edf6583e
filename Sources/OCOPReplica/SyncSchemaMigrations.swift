import Foundation
import GRDB
import OCOPModel

/// The versions of a replica's sync layout, applied in order when a replica or national store is
/// created or opened.
///
/// Each migration runs in its own transaction and GRDB records it in the same transaction, so
/// an upgrade interrupted at any moment (power cut, kill -9) leaves a file that opens and
/// finishes upgrading. Files written before migrations existed (November 2026) have every table
/// of the first step already; its statements are all `IF NOT EXISTS`.
package enum SyncSchemaMigrations {
    static func migrator(_ storage: SyncStorage) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("2026-11 replica layout") { db in
            try storage.install(db)
        }
        // A central office's pull reads the feed in position order: without an index of its own
        // every page scanned and sorted the whole feed (about a second a page at 600,000 rows).
        migrator.registerMigration("2026-12 feed position indexes") { db in
            try db.execute(sql: "CREATE INDEX IF NOT EXISTS _sync_rows_by_seq ON _sync_rows(seq) WHERE seq IS NOT NULL")
            try db.execute(sql: "CREATE INDEX IF NOT EXISTS _sync_conflicts_by_seq ON _sync_conflicts(seq) WHERE seq IS NOT NULL")
        }
        // Schema 2 added tables (certificate events, dossiers, council score sheets, consents). A
        // replica of schema 1 was not sent their rows, so it pulls again from the start: rows it
        // has are no-ops, rows of the new tables arrive.
        migrator.registerMigration("2027-01 schema 2 tables") { db in
            try addTables(storage, db)
        }
        // Schema 3 added offers and attachments: the same again.
        migrator.registerMigration("2027-02 schema 3 tables") { db in
            try addTables(storage, db)
        }
        // Row metadata layout 2 (about half the bytes): rewrite what layout 1 wrote, so an
        // upgraded store is as small as a new one (in today's layout, 3).
        migrator.registerMigration("2027-03 row metadata layout 2") { db in
            try rewriteRowMetadata(storage, db)
        }
        // The national store's row bookkeeping keyed by feed position: the feed is the table's
        // own order (the central office's pull is one range of it, with no index), a province's
        // pull one range of a small (owner, position) index, and each row's key is stored once in
        // the table and once in its unique index, not three times. Province and central-office
        // replicas keep their layout: they have no feed.
        migrator.registerMigration("2027-04 national rows keyed by feed position") { db in
            guard storage.keepsFeed else { return }
            try keyRowsByFeedPosition(db)
        }
        // The national store finds a row's metadata through the row itself, which holds its
        // feed position: the unique (tbl, pk) index repeated every row's key a second time
        // (a quarter of the metadata's bytes). Replicas have no feed and keep their layout.
        migrator.registerMigration("2027-05 national positions kept in the rows") { db in
            try storage.feed?.upgrade(db, tables: storage.tables)
        }
        // Row metadata layout 3 (the flags in the first byte, a bit per column for a row edited
        // once): rewrite what layout 2 wrote.
        migrator.registerMigration("2027-06 row metadata layout 3") { db in
            try rewriteRowMetadata(storage, db)
        }
        return migrator
    }

    private static func keyRowsByFeedPosition(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE _sync_rows_by_position (
              seq INTEGER PRIMARY KEY, tbl INTEGER NOT NULL, pk BLOB NOT NULL, meta BLOB NOT NULL, owner INTEGER, echo INTEGER);
            INSERT INTO _sync_rows_by_position(seq, tbl, pk, meta, owner, echo)
              SELECT seq, tbl, pk, meta, owner, echo FROM _sync_rows ORDER BY seq;
            DROP TABLE _sync_rows;
            ALTER TABLE _sync_rows_by_position RENAME TO _sync_rows;
            CREATE UNIQUE INDEX _sync_rows_by_key ON _sync_rows(tbl, pk);
            CREATE INDEX _sync_rows_by_owner ON _sync_rows(owner) WHERE owner IS NOT NULL;
            """)
        // A row that had no position (none should) was given one after the last: the feed
        // counter must never hand that position out again.
        if let highest = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM _sync_rows"), highest > (try SyncMeta.int(db, .feedSequence) ?? 0) {
            try SyncMeta.set(db, .feedSequence, highest)
        }
    }

    /// One chunk of a table's row metadata in key order: each a range of the (tbl, pk) key, so a
    /// store of millions of rows is read once, not once a chunk.
    package static let firstMetadataChunk = "SELECT pk, meta FROM _sync_rows WHERE tbl = ? ORDER BY pk LIMIT 5000"
    package static let nextMetadataChunk = "SELECT pk, meta FROM _sync_rows WHERE tbl = ? AND pk > ? ORDER BY pk LIMIT 5000"

    /// The national store's rows in position order, a chunk at a time (its rows are keyed by
    /// position since 2027-04, with no index by key since 2027-05).
    package static let nextMetadataByPosition = "SELECT seq, tbl, meta FROM _sync_rows WHERE seq > ? ORDER BY seq LIMIT 5000"

    /// Rewrites every row's metadata written in an earlier layout in the current one. Unreadable
    /// metadata is left as it is, to be reported with its table and key when a change reaches it.
    private static func rewriteRowMetadata(_ storage: SyncStorage, _ db: Database) throws {
        var directory = try ReplicaDirectory(db)
        func rewritten(_ bytes: Data, _ table: SyncedTable) -> Data? {
            guard let layout = bytes.first, layout == 1 || layout == 2,
                  let meta = try? RowMeta(decoding: Array(bytes), columnCount: table.columnNames.count, directory: directory)
            else { return nil }
            return Data(meta.encoded(&directory))
        }
        let keyedByPosition = try Int.fetchOne(db, sql: "SELECT pk FROM pragma_table_info('_sync_rows') WHERE name = 'seq'") == 1
        if keyedByPosition {
            let update = try db.makeStatement(sql: "UPDATE _sync_rows SET meta = ? WHERE seq = ?")
            var after: Int64 = .min
            while true {
                let rows = try Row.fetchAll(db, sql: nextMetadataByPosition, arguments: [after])
                guard let last = rows.last else { break }
                after = last[0]
                for row in rows where storage.tables.indices.contains(row[1]) {
                    if let bytes = rewritten(row[2], storage.tables[row[1] as Int]) { try update.execute(arguments: [bytes, row[0] as Int64]) }
                }
            }
            try directory.save(db)
            return
        }
        let update = try db.makeStatement(sql: "UPDATE _sync_rows SET meta = ? WHERE tbl = ? AND pk = ?")
        for table in storage.tables {
            // A chunk at a time in key order, so a national store of millions of rows is not held in memory.
            var after: DatabaseValue?
            while true {
                let rows = try Row.fetchAll(db, sql: after == nil ? firstMetadataChunk : nextMetadataChunk,
                                            arguments: [table.index] + (after.map { [$0] } ?? []))
                guard let last = rows.last else { break }
                after = last[0]
                for row in rows {
                    if let bytes = rewritten(row[1], table) { try update.execute(arguments: [bytes, table.index, row[0] as DatabaseValue]) }
                }
            }
        }
        try directory.save(db)
    }

    /// A schema version that only added tables: create them; a province replica was not sent
    /// their rows, so it pulls again from the start (rows it has are no-ops, the new tables' rows
    /// arrive).
    private static func addTables(_ storage: SyncStorage, _ db: Database) throws {
        try storage.install(db)
        let isNationalStore = (try SyncMeta.int(db, .feedSequence) ?? -1) >= 0
        if !isNationalStore, (try SyncMeta.int(db, .pulledCursor) ?? 0) > 0 {
            try SyncMeta.set(db, .pulledCursor, 0)
        }
        if try SyncMeta.int(db, .schemaVersion) != nil {
            try SyncMeta.set(db, .schemaVersion, Int64(OCOPSchema.version))
        }
    }
}
