import Foundation

/// Debian's `wrk` HTTP load generator, run as a child process: it keeps its connections open
/// and measures every request, so the figures are the server's, not a Swift client's.
struct Wrk {
    var median: Double
    var p99: Double
    var requests: Int
    var requestsPerSecond: Double

    /// Runs `wrk --latency` for `seconds` against `url` and reads its latency distribution.
    /// Fails if any answer was not 2xx/3xx or a socket error occurred.
    static func run(url: String, script: String? = nil, threads: Int, connections: Int, seconds: Int,
                    environment: [String: String] = [:]) throws -> Wrk {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/wrk")
        process.arguments = ["-t\(threads)", "-c\(connections)", "-d\(seconds)s", "--latency", "--timeout", "10s"]
            + (script.map { ["-s", $0] } ?? []) + [url]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchmarkError("wrk exited \(process.terminationStatus): \(text)") }
        return try parse(text)
    }

    /// Reads wrk's report: the `50%` and `99%` lines of "Latency Distribution", the request
    /// count and `Requests/sec`.
    static func parse(_ text: String) throws -> Wrk {
        if let bad = text.split(separator: "\n").first(where: { $0.contains("Non-2xx") || $0.contains("Socket errors") }) {
            throw BenchmarkError("wrk saw failures: \(bad.trimmingCharacters(in: .whitespaces))\n\(text)")
        }
        func field(_ prefix: String) -> String? {
            text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.first { $0.hasPrefix(prefix) }
                .map { String($0.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces) }
        }
        guard let median = field("50%").flatMap(duration), let p99 = field("99%").flatMap(duration),
              let rate = field("Requests/sec:").flatMap(Double.init),
              let count = text.split(separator: "\n").first(where: { $0.contains("requests in") })?
                .split(separator: " ", omittingEmptySubsequences: true).first.flatMap({ Int($0) })
        else { throw BenchmarkError("wrk's report could not be read:\n\(text)") }
        return Wrk(median: median, p99: p99, requests: count, requestsPerSecond: rate)
    }

    /// "812.00us", "9.80ms", "1.02s" in seconds.
    static func duration(_ text: String) -> Double? {
        for (unit, scale) in [("us", 1e-6), ("ms", 1e-3), ("s", 1.0)] where text.hasSuffix(unit) {
            return Double(text.dropLast(unit.count)).map { $0 * scale }
        }
        return nil
    }
}
