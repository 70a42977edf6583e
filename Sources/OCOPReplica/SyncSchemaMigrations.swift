import GRDB

/// The versions of a replica's sync layout, applied in order when a replica or national store is
/// created or opened.
///
/// Each migration runs in its own transaction and GRDB records it in the same transaction, so
/// an upgrade interrupted at any moment (power cut, kill -9) leaves a file that opens and
/// finishes upgrading. Files written before migrations existed (November 2026) have every table
/// of the first step already; its statements are all `IF NOT EXISTS`.
enum SyncSchemaMigrations {
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
        return migrator
    }
}
