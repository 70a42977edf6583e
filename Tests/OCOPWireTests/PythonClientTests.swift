import Foundation
import OCOPTestSupport
import Testing

/// The stdlib-only Python client in `Clients/python` is the second implementation that proves
/// the spec; its own tests (every vector, both directions) run as part of `swift test`.
@Suite("Python client")
struct PythonClientTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func pythonClientPassesEveryVector() async throws {
        let run = try await ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["python3", "-m", "unittest", "discover", "-s", "Clients/python/tests", "-t", "Clients/python"],
            directory: Self.root, mergeErrors: true
        )
        #expect(run.status == 0, "python3 -m unittest failed:\n\(run.output)")
        #expect(run.output.contains("OK"), "\(run.output)")
    }

    @Test func committedVectorsMatchTheGenerator() async throws {
        let run = try await ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", "Protocol/tools/gen_vectors.py", "--check"],
            directory: Self.root, mergeErrors: true
        )
        #expect(run.status == 0, "\(run.output)")
    }
}
