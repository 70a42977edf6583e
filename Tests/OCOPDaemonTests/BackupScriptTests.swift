import Foundation
import OCOPReplica
import OCOPStore
import OCOPTestSupport
import Testing

/// `ops/backup/ocop-backup.sh` and `ocop-restore.sh` as the runbook uses them, against the
/// built `ocop-syncd`.
@Suite("ops backup and restore scripts")
struct BackupScriptTests {
    func script(_ name: String, _ arguments: [String]) async throws -> ToolRun {
        try await runTool("env", ["OCOP_SYNCD=\(try builtBinary("ocop-syncd").path)", "bash",
                                  repositoryRoot.appendingPathComponent("ops/backup/\(name)").path] + arguments)
    }

    @Test("the backup keeps the feed signing key; the restore puts it back and re-revokes what was revoked since",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3")))
    func backupAndRestoreKeepKeyAndRevocations() async throws {
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        try await daemon.start(http: true)    // creates feed-signing-key.pem
        _ = try daemon.addProvince(code: "01", name: "Hà Nội")
        let (_, leaked) = try await daemon.store().issueAPIToken(name: "Nguyễn Văn A", scope: .review)
        await daemon.stop()
        let key = daemon.dataDirectory.appendingPathComponent("feed-signing-key.pem")
        let keyBytes = try #require(FileManager.default.contents(atPath: key.path))
        let backups = daemon.dataDirectory.appendingPathComponent("backups")

        let backup = try await script("ocop-backup.sh", ["--data-dir", daemon.dataDirectory.path, "--dest", backups.path,
                                                          "--config", daemon.configPath.path])
        #expect(backup.status == 0, "\(backup.errors)")
        #expect(backup.output.contains("feed signing key in"), "\(backup.output)")
        let names = try FileManager.default.contentsOfDirectory(atPath: backups.path)
        let copy = try #require(names.first { $0.hasSuffix(".sqlite") }.map { backups.appendingPathComponent($0).path })
        let keyCopy = copy + ".feed-signing-key.pem"
        #expect(FileManager.default.contents(atPath: keyCopy) == keyBytes)
        #expect(try FileManager.default.attributesOfItem(atPath: keyCopy)[.posixPermissions] as? Int == 0o600)

        // After the backup: the token leaks and is revoked; the key file is lost.
        try await daemon.store().revokeAPIToken(id: leaked.id)
        try FileManager.default.removeItem(at: key)

        let common = ["--data-dir", daemon.dataDirectory.path, "--unit", "ocop-test-\(UUID().uuidString).service", "--yes"]
        let undecided = try await script("ocop-restore.sh", common + [copy])
        #expect(undecided.status != 0)
        #expect(undecided.output.contains("warning: token \(leaked.id) (Nguyễn Văn A) was revoked"), "\(undecided.output)")
        #expect(undecided.errors.contains("add --reapply-revocations (recommended) or --keep-restored-credentials; nothing changed"), "\(undecided.errors)")
        #expect(try await daemon.store().apiTokens().first?.revokedAt != nil, "nothing changed")

        let restore = try await script("ocop-restore.sh", common + ["--reapply-revocations", copy])
        #expect(restore.status == 0, "\(restore.output)\n\(restore.errors)")
        #expect(restore.output.contains("reapplied 1 revocation(s)"), "\(restore.output)")
        #expect(restore.output.contains("restored the feed signing key"), "\(restore.output)")
        #expect(try await daemon.store().apiTokens().first { $0.id == leaked.id }?.revokedAt != nil, "the leaked token stays revoked")
        #expect(FileManager.default.contents(atPath: key.path) == keyBytes)
        #expect(try FileManager.default.attributesOfItem(atPath: key.path)[.posixPermissions] as? Int == 0o600)

        // A damaged dataset (the usual reason for a restore) cannot be compared: the restore
        // warns and goes on.
        try Data("not a database at all".utf8).write(to: URL(fileURLWithPath: daemon.databasePath))
        let damaged = try await script("ocop-restore.sh", common + [copy])
        #expect(damaged.status == 0, "\(damaged.output)\n\(damaged.errors)")
        #expect(damaged.output.contains("cannot read the credentials of the current dataset (damaged?)"), "\(damaged.output)")
        #expect(try await daemon.store().account(user: "central") == nil)
        #expect(try await daemon.store().accounts().count == 1)
    }

    @Test("attachments' files are mirrored into the backup, checked against their hashes, and put back by the restore",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3")))
    func attachmentFilesAreBackedUp() async throws {
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        try await daemon.start()
        await daemon.stop()
        let live = AttachmentFiles.beside(replicaAt: daemon.databasePath)
        let photo = try live.add(Data([0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 7, count: 900)), named: "anh.jpg")
        let scan = try live.add(Data("%PDF-1.7 quyết định".utf8), named: "qd.pdf")
        let backups = daemon.dataDirectory.appendingPathComponent("backups")
        let arguments = ["--data-dir", daemon.dataDirectory.path, "--dest", backups.path, "--config", daemon.configPath.path]

        let first = try await script("ocop-backup.sh", arguments)
        #expect(first.status == 0, "\(first.errors)")
        #expect(first.output.contains("2 new attachment file(s) copied to \(backups.path)/files"), "\(first.output)")
        let mirror = AttachmentFiles(directory: backups.appendingPathComponent("files"))
        #expect(try mirror.hashes() == [photo.sha256, scan.sha256])
        #expect(try mirror.contents(of: photo.sha256) == live.contents(of: photo.sha256))
        try await Task.sleep(for: .seconds(1.1))  // a new backup name (its stamp is to the second)
        let again = try await script("ocop-backup.sh", arguments)
        #expect(again.status == 0 && again.output.contains("0 new attachment file(s) copied"), "\(again.output)")

        // A file damaged on the live disk is never copied over a good backup: the run fails.
        let damaged = live.url(of: String(repeating: "ab", count: 32))
        try FileManager.default.createDirectory(at: damaged.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("not what its name says".utf8).write(to: damaged)
        try await Task.sleep(for: .seconds(1.1))
        let refused = try await script("ocop-backup.sh", arguments)
        #expect(refused.status != 0)
        #expect(refused.errors.contains("does not match its SHA-256"), "\(refused.errors)")
        #expect(!mirror.contains(String(repeating: "ab", count: 32)))
        try FileManager.default.removeItem(at: damaged)

        // The files are lost with the dataset; the restore puts back what the backup mirrored.
        try FileManager.default.removeItem(at: live.directory)
        let copy = try #require(try FileManager.default.contentsOfDirectory(atPath: backups.path).filter { $0.hasSuffix(".sqlite") }.sorted().last)
        let restore = try await script("ocop-restore.sh", ["--data-dir", daemon.dataDirectory.path, "--unit",
                                                            "ocop-test-\(UUID().uuidString).service", "--yes", backups.appendingPathComponent(copy).path])
        #expect(restore.status == 0, "\(restore.output)\n\(restore.errors)")
        #expect(restore.output.contains("put back 2 attachment file(s)"), "\(restore.output)")
        #expect(try live.hashes() == [photo.sha256, scan.sha256])
        #expect(try live.contents(of: scan.sha256) == Data("%PDF-1.7 quyết định".utf8))
    }
}
