import Foundation
import OCOPWire
import Testing

/// What `ocop sync` says when the network or the server fails: the documented network exit
/// codes (3 unreachable, 5 link or server failure), a sentence saying what to do, and never a
/// library type name, an errno dump or a build path.
@Suite("ocop sync failure messages")
struct SyncFailureTests {
    /// Runs `ocop sync` from a fresh province replica against 127.0.0.1:port.
    func sync(port: Int, _ extra: String...) async throws -> CLIResult {
        let workspace = try await Workspace.province()
        let secret = try workspace.write("secret", "not-used-0123456789")
        return try await workspace.run(["sync", "--replica", workspace.replica, "--server", "127.0.0.1:\(port)", "--secret-file", secret] + extra)
    }

    /// Library words that must never reach a province user.
    func expectPlainWords(_ result: CLIResult, sourceLocation: SourceLocation = #_sourceLocation) {
        for word in ["errno", "NIO", "BoringSSL", "SingleConnectionFailure", "I/O on closed channel", "internal error", ".swift", "Sources/"] {
            #expect(!result.stderr.contains(word), "\(word) in: \(result.stderr)", sourceLocation: sourceLocation)
        }
    }

    @Test func connectionResetIsANetworkFailure() async throws {
        let listener = try LoopbackListener(.reset)
        defer { listener.stop() }
        let result = try await sync(port: listener.port)
        #expect(result.status == 5, "\(result)")
        // Whether the client reads the reset as ECONNRESET or as the end of the stream depends on
        // where it was when the RST arrived (a full run showed both); either way it says so plainly.
        #expect(result.stderr.contains("was reset") || result.stderr.contains("closed the connection"), "\(result)")
        #expect(result.stderr.contains("run `ocop sync` again"), "\(result)")
        expectPlainWords(result)
    }

    @Test func connectionRefusedNamesTheServerAndWhatToCheck() async throws {
        let result = try await sync(port: try LoopbackListener.closedPort())
        #expect(result.status == 3, "\(result)")
        #expect(result.stderr.contains("cannot reach the sync server at 127.0.0.1:"), "\(result)")
        #expect(result.stderr.contains("connection refused — is ocop-syncd running"), "\(result)")
        #expect(result.stderr.contains("--server"), "\(result)")
        expectPlainWords(result)
    }

    @Test func tlsToAPlainPortSaysTheServerDoesNotSpeakTLS() async throws {
        let listener = try LoopbackListener(.answer(Array("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".utf8)))
        defer { listener.stop() }
        let result = try await sync(port: listener.port, "--tls")
        #expect(result.status == 5, "\(result)")
        #expect(result.stderr.contains("TLS handshake with 127.0.0.1:\(listener.port) failed: the server does not speak TLS on this port"), "\(result)")
        expectPlainWords(result)
    }

    @Test func serverClosingTheConnectionIsSaidPlainly() async throws {
        let listener = try LoopbackListener(.close)
        defer { listener.stop() }
        let result = try await sync(port: listener.port)
        #expect(result.status == 5, "\(result)")
        #expect(result.stderr.contains("closed the connection"), "\(result)")
        #expect(result.stderr.contains("If the server uses TLS, add --tls."), "\(result)")
        expectPlainWords(result)
    }

    /// A daemon whose handshake deadline passed says GOODBYE before it closes: the province is
    /// told the server closed the connection (to sync again), with the server's reason.
    @Test func aGoodbyeInsteadOfAnAnswerIsAClosedConnection() async throws {
        let goodbye = try FrameEncoder().encode(.goodbye(Goodbye(reason: .idleTimeout, message: "no login within 3 s")))
        let listener = try LoopbackListener(.answer(goodbye))
        defer { listener.stop() }
        let result = try await sync(port: listener.port)
        #expect(result.status == 5, "\(result)")
        #expect(result.stderr.contains("closed the connection while we waited for CHALLENGE (it said: no login within 3 s)"), "\(result)")
        #expect(result.stderr.contains("run `ocop sync` again later"), "\(result)")
        expectPlainWords(result)
    }

    /// A secret file that cannot be read says why, before anything is sent.
    @Test func anUnreadableSecretFileSaysWhy() async throws {
        let workspace = try await Workspace.province()
        let missing = try await workspace.run(["sync", "--replica", workspace.replica, "--server", "127.0.0.1:9", "--secret-file", workspace.directory.appendingPathComponent("nosuch").path])
        #expect(missing.status == 2 && missing.stderr.contains("nosuch: cannot read the secret file (no such file)"), "\(missing)")
        let directory = try await workspace.run(["sync", "--replica", workspace.replica, "--server", "127.0.0.1:9", "--secret-file", workspace.directory.path])
        #expect(directory.status == 2 && directory.stderr.contains("(it is a directory)"), "\(directory)")
        expectPlainWords(missing)
    }

    @Test func unreadableCAFileIsNotAnInternalError() async throws {
        let listener = try LoopbackListener(.close)
        defer { listener.stop() }
        let result = try await sync(port: listener.port, "--tls", "--ca-file", "/nonexistent/ca.pem")
        #expect(result.status == 5, "\(result)")
        #expect(result.stderr.contains("--ca-file"), "\(result)")
        expectPlainWords(result)
    }
}
