import Foundation
import OCOPTestSupport
import GRDB
import OCOPNetwork
import OCOPReplica
import OCOPStore
import Testing

/// The daemon and `ocop sync` as they run for real: as an ordinary user (`ocop` under systemd),
/// not as root. The suite runs as root in CI, so it drops to `nobody` with `setpriv`.
@Suite("Daemon and client as an ordinary user")
struct UnprivilegedUserTests {
    static let nobody: (uid: UInt32, gid: UInt32) = (65534, 65534)

    static var canDropPrivileges: Bool { getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") }

    /// Gives `path` and everything under it to `nobody`.
    static func giveToNobody(_ path: String) throws {
        let owner: [FileAttributeKey: Any] = [.ownerAccountID: Int(nobody.uid), .groupOwnerAccountID: Int(nobody.gid)]
        try FileManager.default.setAttributes(owner, ofItemAtPath: path)
        for item in FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? [] {
            try FileManager.default.setAttributes(owner, ofItemAtPath: path + "/" + item)
        }
    }

    @Test("an unprivileged daemon serves syncs and keeps running; an unprivileged ocop sync connects")
    func ordinaryUser() async throws {
        guard Self.canDropPrivileges else {
            print("skipped: needs root and setpriv to run the daemon as an ordinary user")
            return
        }
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        daemon.runAs = Self.nobody
        try Self.giveToNobody(daemon.dataDirectory.path)
        try await daemon.start()

        // The in-process client (root) against the unprivileged daemon: it used to die on accept,
        // setting SO_DEBUG (SOL_SOCKET, 1) where TCP_NODELAY was meant.
        let province = try daemon.addProvince(code: "01", name: "Hà Nội")
        try insertProducts(province, range: 0..<50)
        let summary = try await province.sync(daemon)
        #expect(summary.report.changesPushed == 50)
        #expect(daemon.isRunning, "the daemon died: \(daemon.logText().suffix(2_000))")

        // ocop sync itself as an ordinary user, with its replica and secret.
        let secret = "hue-secret-0123456789"
        let tenant = try await daemon.store().addProvince(code: "46", name: "Huế", verifier: ScramVerifier.make(secret: secret))
        let folder = daemon.dataDirectory.appendingPathComponent("province")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let replicaPath = folder.appendingPathComponent("hue.ocop").path
        _ = try Replica.create(at: replicaPath, role: .province, tenantID: tenant)
        let secretFile = folder.appendingPathComponent("secret").path
        try secret.write(toFile: secretFile, atomically: true, encoding: .utf8)
        try Self.giveToNobody(folder.path)
        let run = try await ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/setpriv"),
            ["--reuid=\(Self.nobody.uid)", "--regid=\(Self.nobody.gid)", "--clear-groups", "--", try builtBinary("ocop").path, "sync"],
            environment: ProcessInfo.processInfo.environment.merging([
                "OCOP_REPLICA": replicaPath, "OCOP_SERVER": "127.0.0.1:\(daemon.port)", "OCOP_SECRET_FILE": secretFile, "HOME": folder.path,
            ]) { $1 }
        )
        #expect(run.status == 0, "ocop sync as an ordinary user: \(run.errors)")
        #expect(daemon.isRunning, "the daemon died: \(daemon.logText().suffix(2_000))")
    }
}
