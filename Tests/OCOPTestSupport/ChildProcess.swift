import Foundation

/// Runs child processes for tests without holding a thread of Swift's cooperative pool.
///
/// The pool has one thread per core; on a two-core machine two tests blocked in
/// `waitUntilExit()` stop every in-process server, client and timer of the whole run until
/// their children exit. The blocking wait happens here on a thread of its own instead.
public enum ChildProcess {
    /// Runs `executable` with `arguments` and returns its exit status and what it printed.
    ///
    /// Output goes to temporary files rather than pipes, so a child that prints a lot never
    /// blocks on a full pipe. `mergeErrors` sends stderr to the same place as stdout.
    public static func run(
        _ executable: URL,
        _ arguments: [String],
        environment: [String: String]? = nil,
        directory: URL? = nil,
        mergeErrors: Bool = false
    ) async throws -> ToolRun {
        try await onDedicatedThread {
            let process = Process()
            process.executableURL = executable
            process.arguments = arguments
            if let environment { process.environment = environment }
            if let directory { process.currentDirectoryURL = directory }
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: scratch) }
            let outURL = scratch.appendingPathComponent("stdout")
            let errURL = scratch.appendingPathComponent("stderr")
            _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
            _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
            let out = try FileHandle(forWritingTo: outURL)
            let err = try FileHandle(forWritingTo: errURL)
            process.standardOutput = out
            process.standardError = mergeErrors ? out : err
            process.standardInput = FileHandle.nullDevice
            try launch(process)
            process.waitUntilExit()
            try out.close()
            try err.close()
            return ToolRun(
                status: process.terminationStatus,
                output: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                errors: String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
            )
        }
    }

    /// Starts `process`, one launch at a time in the whole test run. A full run crashed inside
    /// Foundation's `Process.run()` (a `memcpy` while dozens of tests launched children at once);
    /// starting is quick, so launches take turns, and only the waiting runs side by side.
    public static func launch(_ process: Process) throws {
        try launching.withLock { try process.run() }
    }

    private static let launching = NSLock()

    /// Waits for a started process to exit, off the cooperative pool.
    public static func waitForExit(_ process: Process) async {
        _ = try? await onDedicatedThread { process.waitUntilExit() }
    }

}
