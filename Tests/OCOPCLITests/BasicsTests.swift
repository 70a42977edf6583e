import Foundation
import OCOPReplica
import Testing

@Suite("ocop: help, init, replica path, exit codes")
struct BasicsTests {
    static let commands: [[String]] = [
        [], ["init"],
        ["producer"], ["producer", "add"], ["producer", "edit"], ["producer", "delete"], ["producer", "list"], ["producer", "show"],
        ["product"], ["product", "add"], ["product", "edit"], ["product", "delete"], ["product", "list"], ["product", "show"],
        ["material-area"], ["material-area", "add"], ["material-area", "edit"], ["material-area", "delete"],
        ["material-area", "list"], ["material-area", "show"],
        ["evaluate"], ["evaluate", "record"], ["evaluate", "delete"], ["certify"],
        ["import"], ["import", "producers"], ["import", "products"], ["import", "template"],
        ["pending"], ["conflicts"], ["conflicts", "list"], ["rejected"],
    ]

    @Test("--help works for every command", arguments: commands)
    func helpForEveryCommand(_ command: [String]) async throws {
        let workspace = try Workspace()
        let result = try await workspace.run(command + ["--help"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("USAGE: ocop" + command.map { " " + $0 }.joined()), "\(result)")
        #expect(result.stderr.isEmpty)
        if !command.isEmpty {
            let viaHelp = try await workspace.run(["help"] + command)
            #expect(viaHelp.status == 0 && viaHelp.stdout == result.stdout)
        }
    }

    @Test func rootHelpDocumentsExitCodes() async throws {
        let result = try await Workspace().run(["--help"])
        for text in ["0 success", "1 bad data", "2", "64 usage", "70 internal", "OCOP_REPLICA"] {
            #expect(result.stdout.contains(text), "\(text)")
        }
    }

    @Test func initCreatesAReplicaAndRefusesToOverwrite() async throws {
        let workspace = try Workspace()
        let created = try await workspace.run(["init", "--replica", workspace.replica, "--tenant", Workspace.laoCai.uuidString])
        #expect(created.status == 0, "\(created)")
        let replica = try workspace.openReplica()
        #expect(replica.role == .province && replica.tenantID == Workspace.laoCai)

        let again = try await workspace.run(["init", "--replica", workspace.replica, "--central"])
        #expect(again.status == 2)
        #expect(again.stderrLines == ["error: \(workspace.replica) already exists; refusing to overwrite it (choose another --replica path)"])
        #expect(try workspace.openReplica().role == .province, "the file is untouched")

        let central = try await workspace.run(["init", "--replica", workspace.path("national.sqlite"), "--central"])
        #expect(central.status == 0, "\(central)")
        #expect(try Replica.open(at: workspace.path("national.sqlite")).role == .central)
    }

    @Test func initUsageErrors() async throws {
        let workspace = try Workspace()
        #expect(try await workspace.run(["init", "--replica", workspace.replica]).status == 64, "neither --tenant nor --central")
        #expect(try await workspace.run(["init", "--replica", workspace.replica, "--central", "--tenant", Workspace.laoCai.uuidString]).status == 64)
        let badTenant = try await workspace.run(["init", "--replica", workspace.replica, "--tenant", "Lào Cai"])
        #expect(badTenant.status == 64)
        #expect(badTenant.stderr.contains("is not a UUID"))
        #expect(!FileManager.default.fileExists(atPath: workspace.replica))
        #expect(try await workspace.run(["init", "--replica", workspace.path("no/such/dir/x.sqlite"), "--central"]).status == 2)
    }

    @Test func replicaPathComesFromOptionThenEnvironmentThenDefault() async throws {
        let workspace = try Workspace()
        // Default: ./ocop.sqlite in the working directory.
        let missing = try await workspace.run(["producer", "list"])
        #expect(missing.status == 2)
        #expect(missing.stderrLines.count == 1)
        #expect(missing.stderr.contains("no replica at ocop.sqlite") && missing.stderr.contains("ocop init"))
        #expect(try await workspace.run(["init", "--tenant", Workspace.laoCai.uuidString]).status == 0)
        #expect(FileManager.default.fileExists(atPath: workspace.path("ocop.sqlite")))
        #expect(try await workspace.run(["producer", "add", "--name", "Công ty Cổ phần Tam Nông", "--type", "enterprise"]).status == 0)

        // OCOP_REPLICA beats the default; --replica beats both.
        let other = workspace.path("other.sqlite")
        #expect(try await workspace.run(["init", "--replica", other, "--tenant", Workspace.laoCai.uuidString]).status == 0)
        let fromEnvironment = try await workspace.run(["producer", "list", "--json"], environment: ["OCOP_REPLICA": other])
        #expect(try fromEnvironment.array().isEmpty)
        let fromOption = try await workspace.run(["producer", "list", "--json", "--replica", workspace.path("ocop.sqlite")],
                                          environment: ["OCOP_REPLICA": other])
        #expect(try fromOption.array().count == 1)
        let missingFromEnvironment = try await workspace.run(["pending"], environment: ["OCOP_REPLICA": workspace.path("gone.sqlite")])
        #expect(missingFromEnvironment.status == 2)
    }

    @Test func aFileThatIsNotAReplicaIsExit2() async throws {
        let workspace = try Workspace()
        let path = try workspace.write("notes.sqlite", "Không phải cơ sở dữ liệu")
        let result = try await workspace.run(["producer", "list", "--replica", path])
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.hasPrefix("error: "))
    }

    @Test func usageErrorsAreExit64() async throws {
        let workspace = try await Workspace.province()
        #expect(try await workspace.run(["frobnicate"]).status == 64)
        #expect(try await workspace.ocop("producer", "list", "--colour").status == 64)
        #expect(try await workspace.ocop("producer", "add", "--name", "Thiếu loại hình").status == 64, "--type is required")
        #expect(try await workspace.ocop("producer", "add", "--name", "Sai loại hình", "--type", "hợp tác").status == 64)
        #expect(try await workspace.ocop("producer", "edit", "5200123456").status == 64, "nothing to change")
        #expect(try await workspace.ocop("evaluate", "--product", "x").status == 64, "no scores")
        #expect(try await workspace.ocop("evaluate", "--product", "x", "--score", "A1").status == 64, "not CODE=POINTS")
        let badDate = try await workspace.ocop("certify", "--product", "x", "--number", "1/QĐ", "--date", "2025-02-30")
        #expect(badDate.status == 64)
        #expect(badDate.stderr.contains("2025-02-30"))
    }

    @Test func unknownIdsAreExit2() async throws {
        let workspace = try await Workspace.province()
        let unknown = "01900000-0000-7000-8000-0000000000ff"
        for command in [["producer", "show", unknown], ["producer", "edit", unknown, "--name", "Mới"], ["producer", "delete", unknown],
                        ["product", "show", unknown], ["product", "delete", "8934567890120"], ["material-area", "show", "VN-XX-1"],
                        ["product", "add", "--name-vi", "Mật ong", "--classification", "1.2.b", "--producer", "0000000000"],
                        ["certify", "--product", unknown, "--number", "1/QĐ-UBND", "--date", "2025-08-01"]] {
            let result = try await workspace.run(command + ["--replica", workspace.replica])
            #expect(result.status == 2, "\(command): \(result)")
            #expect(result.stderrLines.count == 1 && result.stderr.hasPrefix("error: no "), "\(command): \(result)")
        }
    }
}
