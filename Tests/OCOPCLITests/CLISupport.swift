import Foundation
import OCOPTestSupport
import OCOPModel
import OCOPReplica
import Testing

/// What one run of `ocop` did.
struct CLIResult: CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String

    /// Standard output parsed as JSON (a test failure if it is not JSON).
    func json() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(stdout.utf8), options: [.fragmentsAllowed])
    }

    /// Standard output parsed as a JSON object.
    func object() throws -> [String: Any] {
        try #require(try json() as? [String: Any], "not a JSON object: \(stdout)")
    }

    /// Standard output parsed as a JSON array of objects.
    func array() throws -> [[String: Any]] {
        try #require(try json() as? [[String: Any]], "not a JSON array of objects: \(stdout)")
    }

    /// Standard output without the final newline: what `$(ocop ...)` gives a shell script.
    var output: String { stdout.trimmingCharacters(in: .newlines) }

    var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }

    var description: String { "exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}

/// The built `ocop` executable.
///
/// Looked up, in order: `$OCOP_CLI_BINARY`; next to the test executable (SwiftPM puts products
/// and the test bundle in the same build directory, whatever `--build-path` or triple is used);
/// then `.build*/debug/ocop` and `.build*/*/debug/ocop` under the package root.
enum OCOPBinary {
    static let url: URL? = locate()

    private static func locate() -> URL? {
        let fileManager = FileManager.default
        var candidates: [URL] = []
        if let override = ProcessInfo.processInfo.environment["OCOP_CLI_BINARY"], !override.isEmpty {
            candidates.append(URL(fileURLWithPath: override))
        }
        var directories: [URL] = []
        if let executable = Bundle.main.executableURL { directories.append(executable.deletingLastPathComponent()) }
        directories.append(Bundle.main.bundleURL)
        directories.append(Bundle.main.bundleURL.deletingLastPathComponent())
        if let first = CommandLine.arguments.first {
            directories.append(URL(fileURLWithPath: first).resolvingSymlinksInPath().deletingLastPathComponent())
        }
        // An `.xctest` bundle (macOS) sits in the build directory: climb out of it.
        for directory in directories {
            var url = directory
            while url.pathComponents.count > 1 {
                candidates.append(url.appendingPathComponent("ocop"))
                if !url.pathComponents.contains(where: { $0.hasSuffix(".xctest") }) { break }
                url.deleteLastPathComponent()
            }
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        if let entries = try? fileManager.contentsOfDirectory(atPath: root.path) {
            for build in entries.filter({ $0.hasPrefix(".build") }).sorted() {
                let buildURL = root.appendingPathComponent(build)
                candidates.append(buildURL.appendingPathComponent("debug/ocop"))
                for triple in (try? fileManager.contentsOfDirectory(atPath: buildURL.path)) ?? [] {
                    candidates.append(buildURL.appendingPathComponent(triple).appendingPathComponent("debug/ocop"))
                }
            }
        }
        return candidates.first { url in
            var isDirectory: ObjCBool = false
            return fileManager.fileExists(atPath: url.path, isDirectory: &isDirectory) && !isDirectory.boolValue
                && fileManager.isExecutableFile(atPath: url.path)
        }
    }
}

/// A temporary directory with a replica path, where `ocop` runs; removed when the test ends.
final class Workspace {
    let directory: URL
    /// The replica path passed as `--replica` by ``ocop(_:)`` helpers that need one.
    let replica: String

    /// Fixed tenant ids (as the central office would hand them out).
    static let laoCai = UUID(uuidString: "01900000-0000-7000-8000-000000000015")!
    static let hue = UUID(uuidString: "01900000-0000-7000-8000-000000000046")!

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-cli-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        replica = directory.appendingPathComponent("lao-cai.sqlite").path
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// A workspace with a province replica for Lào Cai already created.
    static func province() async throws -> Workspace {
        let workspace = try Workspace()
        let result = try await workspace.run(["init", "--replica", workspace.replica, "--tenant", laoCai.uuidString.lowercased()])
        #expect(result.status == 0, "\(result)")
        return workspace
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Writes a file in the workspace and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let path = path(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Runs `ocop` with `arguments` as given, in the workspace directory, waiting off the
    /// cooperative pool (see `ChildProcess`).
    func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> CLIResult {
        let binary = try #require(OCOPBinary.url, "the ocop executable was not found; run `swift build` or set OCOP_CLI_BINARY")
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "OCOP_REPLICA")
        env.merge(environment) { _, new in new }
        let run = try await ChildProcess.run(binary, arguments, environment: env, directory: directory)
        return CLIResult(status: run.status, stdout: run.output, stderr: run.errors)
    }

    /// Runs `ocop` on this workspace's replica: `--replica` is appended to `arguments`.
    func ocop(_ arguments: String...) async throws -> CLIResult {
        try await run(arguments + ["--replica", replica])
    }

    /// Runs `ocop` on this workspace's replica and requires exit 0; returns trimmed stdout.
    @discardableResult
    func ok(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let result = try await run(arguments + ["--replica", replica])
        try #require(result.status == 0, "\(arguments.joined(separator: " ")) → \(result)", sourceLocation: sourceLocation)
        return result.output
    }

    /// Opens the replica with the library, to check what the CLI stored.
    func openReplica() throws -> Replica { try Replica.open(at: replica) }
}

/// A full QD148-2023 score sheet with the given total: criteria filled in order up to their
/// maxima (A1 8, A2 6, ..., C5 5) until the total is reached, the rest 0.
func sheet(totalling total: Double) -> [String: Double] {
    var remaining = total
    var scores: [String: Double] = [:]
    for criterion in CriteriaSet.qd148_2023.allCriteria {
        let points = min(criterion.maximum, remaining)
        scores[criterion.code] = points
        remaining -= points
    }
    return scores
}

/// `--score CODE=POINTS` arguments for a sheet.
func scoreArguments(_ scores: [String: Double]) -> [String] {
    scores.keys.sorted().flatMap { ["--score", "\($0)=\(formatted($0, scores[$0]!))"] }
}

private func formatted(_ code: String, _ value: Double) -> String {
    value == value.rounded() ? String(Int(value)) : String(value)
}

/// A sheet as the JSON text of a `--sheet` file.
func sheetJSON(_ scores: [String: Double], extra: [String: Any] = [:]) throws -> String {
    var object: [String: Any] = scores
    object.merge(extra) { _, new in new }
    return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
}
