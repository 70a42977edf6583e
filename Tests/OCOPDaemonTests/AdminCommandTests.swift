import Foundation
import OCOPNetwork
import OCOPTestSupport
import Testing

/// `ocop-syncd` as an administrator meets it: configuration mistakes, read-only commands,
/// province codes, JSON for scripts, backups.
@Suite("ocop-syncd administration")
struct AdminCommandTests {
    func syncd(_ arguments: [String]) async throws -> ToolRun {
        try await runTool(try builtBinary("ocop-syncd").path, arguments)
    }

    func syncd(_ daemon: DaemonProcess, _ arguments: [String]) async throws -> ToolRun {
        try await syncd(arguments + ["--config", daemon.configPath.path])
    }

    func scratch() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-admin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("a typo in the configuration stops the daemon with the key's path, before any store is made")
    func configurationTypoStopsTheStart() async throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("syncd.json")
        let data = directory.appendingPathComponent("data")
        try #"{"datadirectory": "\#(data.path)", "metrics": null}"#.write(to: config, atomically: true, encoding: .utf8)
        let run = try await syncd(["serve", "--config", config.path, "--listen", "127.0.0.1:0"])
        #expect(run.status != 0)
        #expect(run.errors.contains(#"syncd.json: unknown key "datadirectory" (did you mean "dataDirectory"?)"#), "\(run.errors)")
        #expect(!run.errors.contains("listening"))
        #expect(!FileManager.default.fileExists(atPath: data.path))
    }

    @Test("--listen with a port above 65535 is refused instead of binding another port")
    func listenPortOutOfRange() async throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try await syncd(["serve", "--data-dir", directory.path, "--listen", "127.0.0.1:99999"])
        #expect(run.status != 0)
        #expect(run.errors.contains("--listen 127.0.0.1:99999: the port 99999 is out of range"), "\(run.errors)")
        #expect(!run.errors.contains("listening"))
    }

    @Test("an address already in use is named in the error")
    func addressInUseIsNamed() async throws {
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        try await daemon.start()
        let run = try await syncd(["serve", "--config", daemon.configPath.path, "--listen", "127.0.0.1:\(daemon.port)"])
        #expect(run.status != 0)
        #expect(run.errors.contains("127.0.0.1:\(daemon.port) is already in use by another process"), "\(run.errors)")
        #expect(run.errors.contains("change listen.port in the configuration or give --listen"), "\(run.errors)")
        // The same for the HTTP server's address.
        let http = try await syncd(["serve", "--config", daemon.configPath.path, "--listen", "127.0.0.1:0", "--http", "127.0.0.1:\(daemon.port)"])
        #expect(http.status != 0)
        #expect(http.errors.contains("127.0.0.1:\(daemon.port) is already in use by another process"), "\(http.errors)")
        #expect(http.errors.contains("change http.port in the configuration or give --http"), "\(http.errors)")
        #expect(daemon.isRunning)
    }

    @Test("read-only commands without a store say so and create nothing")
    func readOnlyCommandsCreateNothing() async throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("no-such-data")
        let config = directory.appendingPathComponent("syncd.json")
        try #"{"dataDirectory": "\#(missing.path)"}"#.write(to: config, atomically: true, encoding: .utf8)
        for arguments in [["status"], ["tenant", "list"], ["tenant", "list", "--json"], ["token", "list"], ["gc"],
                          ["tenant", "disable", "central"], ["backup", directory.appendingPathComponent("b.sqlite").path]] {
            let run = try await syncd(arguments + ["--config", config.path])
            #expect(run.status != 0, "\(arguments)")
            #expect(run.errors.contains("there is no national store at \(missing.path)/national.sqlite"), "\(arguments): \(run.errors)")
        }
        let byFlag = try await syncd(["status", "--data-dir", missing.path])
        #expect(byFlag.errors.contains("from --data-dir"), "\(byFlag.errors)")
        #expect(!FileManager.default.fileExists(atPath: missing.path))
    }

    @Test("a command that creates the store says so, and disable/enable/revoke confirm what they did")
    func creatingAStoreIsSaidAndChangesAreConfirmed() async throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("data")
        let added = try await syncd(["tenant", "add", "--code", "01", "--data-dir", data.path])
        #expect(added.status == 0, "\(added.errors)")
        #expect(added.errors.contains("note: created a new, empty national store at \(data.path)/national.sqlite (from --data-dir)"), "\(added.errors)")
        let user = try #require(added.output.split(separator: "\n").compactMap { line -> String? in
            let parts = line.split(separator: " ")
            return parts.count == 2 && parts[0].hasPrefix("tenant") ? String(parts[1]) : nil
        }.first, "\(added.output)")
        let again = try await syncd(["tenant", "disable", user, "--data-dir", data.path])
        #expect(again.output.contains("disabled \(user)"), "\(again.output)")
        #expect(!again.errors.contains("created"), "an existing store is not announced again")
        let enabled = try await syncd(["tenant", "enable", user, "--data-dir", data.path])
        #expect(enabled.output.contains("enabled \(user)"))
        // By the province code, as `tenant list` shows it.
        let byCode = try await syncd(["tenant", "disable", "01", "--data-dir", data.path])
        #expect(byCode.status == 0 && byCode.output.contains("disabled \(user)"), "\(byCode.output)\(byCode.errors)")
        let unknown = try await syncd(["tenant", "disable", "46", "--data-dir", data.path])
        #expect(unknown.status != 0 && unknown.errors.contains("no province account with code 46"), "\(unknown.errors)")
    }

    @Test("tenant add refuses codes and names that are not in the table in force today, naming the option")
    func tenantAddChecksTheTable() async throws {
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        let cases: [([String], String)] = [
            (["--code", "99", "--name", "Hà Nội"], "--code: 99 is not a province code"),
            (["--code", "1", "--name", "Hà Nội"], "did you mean 01 (Hà Nội)?"),
            (["--code", "10", "--name", "Lào Cai"], "--code: 10 (Lào Cai) is a retired code"),
            (["--code", "02"], "--code: 02 (Hà Giang) is a retired code: it ended on 2025-06-30; the unit is now 08 (Tuyên Quang)"),
            (["--code", "01", "--name", "Huế"], "--name: 'Huế' is not the name of code 01"),
        ]
        for (arguments, message) in cases {
            let run = try await syncd(daemon, ["tenant", "add"] + arguments)
            #expect(run.status != 0, "\(arguments)")
            #expect(run.errors.contains(message), "\(arguments): \(run.errors)")
        }
        #expect(!FileManager.default.fileExists(atPath: daemon.databasePath), "a refused add creates no store")
        let added = try await syncd(daemon, ["tenant", "add", "--code", "46"])
        #expect(added.status == 0, "\(added.errors)")
        let list = try await syncd(daemon, ["tenant", "list"])
        #expect(list.output.contains("46   Huế"), "\(list.output)")
    }

    @Test("--json keys are snake_case, status names provinces, --version answers")
    func scriptsAndPeopleReadTheOutput() async throws {
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        try await daemon.start()
        let province = try daemon.addProvince(code: "01", name: "Hà Nội")
        _ = try await province.sync(daemon)

        let list = try await syncd(daemon, ["tenant", "list", "--json"])
        #expect(list.status == 0, "\(list.errors)")
        #expect(list.output.contains(#""tenant_id""#) && list.output.contains(#""last_sync_at""#) && list.output.contains(#""is_enabled""#), "\(list.output)")
        #expect(!list.output.contains("tenantID") && !list.output.contains("lastSyncAt"))
        #expect(list.output.contains(province.tenant!.uuidString.lowercased()) && !list.output.contains(province.tenant!.uuidString),
                "ids in lower case, as everywhere else: \(list.output)")
        let statusJSON = try await syncd(daemon, ["status", "--json"])
        #expect(statusJSON.output.contains(#""acknowledged_through""#) && statusJSON.output.contains(#""code" : "01""#), "\(statusJSON.output)")

        let status = try await syncd(daemon, ["status"])
        #expect(status.output.hasPrefix("CODE"), "\(status.output)")
        #expect(status.output.contains("01   Hà Nội"), "\(status.output)")
        #expect(!status.output.contains(province.user), "the account UUID is replaced by the province")

        let version = try await syncd(["--version"])
        #expect(version.status == 0)
        #expect(version.output.hasPrefix("ocop-syncd "), "\(version.output)")
        #expect(version.output.contains("sync protocol 1"))
    }

    @Test("backup copies the feed signing key (mode 0600) beside the dataset")
    func backupIncludesTheSigningKey() async throws {
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        try await daemon.start(http: true)   // creates the default signing key
        _ = try daemon.addProvince(code: "01", name: "Hà Nội")
        let destination = daemon.dataDirectory.appendingPathComponent("backup.sqlite").path
        let run = try await syncd(daemon, ["backup", destination])
        #expect(run.status == 0, "\(run.errors)")
        let copy = destination + ".feed-signing-key.pem"
        #expect(run.output.contains("feed signing key copied to \(copy)"))
        let original = daemon.dataDirectory.appendingPathComponent("feed-signing-key.pem").path
        #expect(FileManager.default.contents(atPath: copy) == FileManager.default.contents(atPath: original))
        let mode = try FileManager.default.attributesOfItem(atPath: copy)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let dataMode = try FileManager.default.attributesOfItem(atPath: destination)[.posixPermissions] as? Int
        #expect(dataMode == 0o600, "the copy holds verifiers and token digests")
        let existing = try await syncd(daemon, ["backup", destination])
        #expect(existing.status == 1, "an existing destination is refused, as an error, not a usage error")
        #expect(existing.errors.contains("backup: \(destination) already exists"), "\(existing.errors)")
        try FileManager.default.removeItem(atPath: destination)
        let keyOnly = try await syncd(daemon, ["backup", destination])
        #expect(keyOnly.status == 1 && keyOnly.errors.contains("backup: \(copy) already exists"), "\(keyOnly.errors)")
        let nowhere = daemon.dataDirectory.appendingPathComponent("no-such-folder/b.sqlite").path
        let missingFolder = try await syncd(daemon, ["backup", nowhere])
        #expect(missingFolder.status == 1 && missingFolder.errors.contains("does not exist"), "\(missingFolder.errors)")
    }

    @Test("credential-changes lists what a restore would bring back, and re-revokes it on request")
    func credentialChangesBeforeARestore() async throws {
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        let province = try daemon.addProvince(code: "01", name: "Hà Nội")
        let issued = try await syncd(daemon, ["token", "issue", "--name", "Phạm Thu Hà"])
        let id = try #require(issued.output.split(separator: "\n").first { $0.hasPrefix("id: ") }.map { String($0.dropFirst(4)) })
        let backup = daemon.dataDirectory.appendingPathComponent("backup.sqlite").path
        #expect(try await syncd(daemon, ["backup", backup]).status == 0)
        #expect(try await syncd(daemon, ["token", "revoke", id]).status == 0)
        #expect(try await syncd(daemon, ["tenant", "rotate-secret", province.user]).status == 0)

        let report = try await syncd(["credential-changes", "--current", daemon.databasePath, "--restored", backup])
        #expect(report.status == 0, "\(report.errors)")
        #expect(report.output.contains("warning: token \(id) (Phạm Thu Hà) was revoked"), "\(report.output)")
        #expect(report.output.contains("warning: account \(province.user) (01 Hà Nội) got a new secret"), "\(report.output)")
        #expect(report.output.contains("add --reapply-revocations"))
        let applied = try await syncd(["credential-changes", "--current", daemon.databasePath, "--restored", backup, "--reapply-revocations"])
        #expect(applied.output.contains("reapplied 2 revocation(s)"), "\(applied.output)")
        let after = try await syncd(["credential-changes", "--current", daemon.databasePath, "--restored", backup])
        #expect(after.output.contains("no changes since the backup"), "\(after.output)")
    }
}
