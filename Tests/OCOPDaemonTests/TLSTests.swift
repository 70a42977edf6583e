import Foundation
import OCOPTestSupport
import Logging
import OCOPNetwork
import Testing

@Suite("Daemon: TLS")
struct TLSTests {
    /// Makes a self-signed certificate for 127.0.0.1 with the system's openssl.
    func makeCertificate(in directory: URL) async throws -> (certificate: String, key: String) {
        let certificate = directory.appendingPathComponent("server.pem").path
        let key = directory.appendingPathComponent("server-key.pem").path
        let run = try await ChildProcess.run(URL(fileURLWithPath: "/usr/bin/openssl"), [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", certificate,
        ])
        guard run.status == 0 else { throw HarnessError(message: "openssl failed: \(run.errors)") }
        return (certificate, key)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")))
    func syncOverTLSWithThePinnedCertificate() async throws {
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        let (certificate, key) = try await makeCertificate(in: daemon.dataDirectory)
        // The harness's long handshake and idle limits kept: on two cores under a full run, a TLS
        // handshake and the login can take longer than the default 10 s.
        let config = #"{"dataDirectory": "\#(daemon.dataDirectory.path)", "metrics": null, "logLevel": "warning", "limits": {"handshakeTimeoutSeconds": 300, "idleTimeoutSeconds": 300}, "tls": {"certificate": "\#(certificate)", "privateKey": "\#(key)"}}"#
        try config.write(to: daemon.configPath, atomically: true, encoding: .utf8)
        try await daemon.start()
        let province = try daemon.addProvince(code: "01", name: "Hà Nội")
        try insertProducts(province, range: 0..<20)

        var configuration = SyncClientConfiguration(host: "127.0.0.1", port: daemon.port, user: province.user, secret: province.secret)
        configuration.useTLS = true
        configuration.caFile = certificate
        // A full run on two cores can keep this client's tasks from a thread for minutes.
        configuration.responseTimeoutSeconds = 900
        let summary = try await SyncClient.sync(province.replica, configuration: configuration, logger: Logger(label: "test"))
        #expect(summary.report.changesPushed == 20)

        // Without TLS the daemon's TLS listener does not talk to us.
        var plain = configuration
        plain.useTLS = false
        await #expect(throws: SyncClientError.self) { _ = try await SyncClient.sync(province.replica, configuration: plain, logger: Logger(label: "test")) }
        // And a client that does not trust the certificate refuses the server.
        var untrusting = configuration
        untrusting.caFile = nil
        await #expect(throws: SyncClientError.self) { _ = try await SyncClient.sync(province.replica, configuration: untrusting, logger: Logger(label: "test")) }
    }
}
