import Foundation
import OCOPTestSupport
import GRDB
import OCOPModel
import OCOPReplica
import OCOPStore
import Testing

/// An upgrade killed at any moment (power cut, kill -9) leaves a national store that opens and
/// finishes upgrading, with nothing lost: each migration commits with its own record or not at all.
@Suite("Upgrade interrupted by kill -9")
struct InterruptedUpgradeTests {
    @Test func aStoreWhoseUpgradeWasKilledOpensAndFinishesIt() async throws {
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        let hanoi = try daemon.addProvince(code: "01", name: "Hà Nội")
        // Enough rows that rebuilding the row bookkeeping takes a while: the kills below land
        // before, during and after it.
        let store = try daemon.store()
        try store.replica.write { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO products(id, tenant_id, producer_id, classification_code, classification_version, name_vi, status)
                VALUES (?, ?, ?, '1.2.b', 'QD148-2023', ?, 'registered')
                """)
            for n in 0..<40_000 {
                try statement.execute(arguments: [productKey(n), hanoi.tenant, producerKey(tenant: hanoi.tenant), "Mật ong rừng U Minh số \(n)"])
            }
        }
        let before = try store.replica.contentDigest()
        // Back to the layout of the November 2026 release: row bookkeeping keyed by row, no feed
        // indexes, no record of the later steps.
        try store.replica.write { db in
            try db.execute(sql: """
                CREATE TABLE _sync_rows_2026_11 (
                  tbl INTEGER NOT NULL, pk BLOB NOT NULL, meta BLOB NOT NULL, seq INTEGER, owner INTEGER, echo INTEGER,
                  PRIMARY KEY (tbl, pk)) WITHOUT ROWID;
                INSERT INTO _sync_rows_2026_11 SELECT tbl, pk, meta, seq, owner, echo FROM _sync_rows;
                DROP TABLE _sync_rows;
                ALTER TABLE _sync_rows_2026_11 RENAME TO _sync_rows;
                CREATE INDEX _sync_rows_by_owner ON _sync_rows(owner, seq) WHERE seq IS NOT NULL;
                DROP INDEX _sync_conflicts_by_seq;
                DELETE FROM grdb_migrations WHERE identifier LIKE '2026-12%' OR identifier LIKE '2027-04%' OR identifier LIKE '2027-05%' OR identifier LIKE '2027-06%';
                """)
            // No feed positions in the rows, and the capture triggers of that release.
            for (index, table) in OCOPSchema.tables.enumerated() {
                try db.execute(sql: """
                    DROP TRIGGER "_sync_\(table.name)_keep_position";
                    DROP TRIGGER "_sync_\(table.name)_restore_position";
                    DROP TRIGGER "\(SyncSchemaSQL.deleteTriggerName(table))";
                    """)
                try db.execute(sql: SyncSchemaSQL.deleteTrigger(table, tableIndex: index))
                for name in [table.name, SyncSchemaSQL.graveyard(table)] {
                    try db.execute(sql: "ALTER TABLE \"\(name)\" DROP COLUMN _sync_seq")
                }
            }
            try db.execute(sql: "DROP TABLE _sync_replaced")
        }

        var generator = SystemRandomNumberGenerator()
        for _ in 0..<6 {
            let process = Process()
            process.executableURL = try builtBinary("ocop-syncd")
            process.arguments = ["serve", "--config", daemon.configPath.path, "--listen", "127.0.0.1:0"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try ChildProcess.launch(process)
            try await Task.sleep(for: .milliseconds(Int.random(in: 20...600, using: &generator)))
            kill(process.processIdentifier, SIGKILL)
            await ChildProcess.waitForExit(process)
        }

        let reopened = try SQLiteNationalStore.open(at: daemon.databasePath)
        #expect(try reopened.replica.contentDigest() == before)
        let (indexes, migrations, positionKey) = try reopened.replica.read { db in
            (try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('_sync_rows', '_sync_conflicts') AND name NOT LIKE 'sqlite_%' ORDER BY name"),
             try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier"),
             try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info('_sync_rows') WHERE pk > 0"))
        }
        #expect(indexes == ["_sync_conflicts_by_seq", "_sync_rows_by_owner"])
        #expect(positionKey == ["seq"])
        #expect(migrations == ["2026-11 replica layout", "2026-12 feed position indexes", "2027-01 schema 2 tables", "2027-02 schema 3 tables",
                               "2027-03 row metadata layout 2", "2027-04 national rows keyed by feed position",
                               "2027-05 national positions kept in the rows", "2027-06 row metadata layout 3"])
        // Every row leads to its own metadata (the digest above read each row's through it).
        #expect(try reopened.replica.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM products p JOIN _sync_rows r ON r.seq = p._sync_seq AND r.pk = p.id AND r.tbl = ?", arguments: [OCOPSchema.tables.firstIndex { $0.name == "products" }])
        } == 40_000)
        #expect(try reopened.replica.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
    }
}
