import Foundation

// Runs every benchmark of the project and prints one `name=value` line per figure.
// Usage: swift run -c release ocop-bench [--quick]
// Usage: swift run -c release ocop-bench [--quick] [--only capture|wire|merge|growth|end-to-end|pull|http|trace|files|workspace]
//        swift run -c release ocop-bench [--quick] --store postgres://USER@HOST:PORT/DATABASE   (PostgreSQL figures;
//        the password from OCOP_STORE_PASSWORD_FILE or PGPASSWORD; each run makes databases of its own)
let quick = CommandLine.arguments.contains("--quick")
func argument(after flag: String) -> String? {
    CommandLine.arguments.firstIndex(of: flag).flatMap { CommandLine.arguments.indices.contains($0 + 1) ? CommandLine.arguments[$0 + 1] : nil }
}
let only = argument(after: "--only")
if let url = argument(after: "--store") {
    do {
        for figure in try await PostgresBenchmark.run(url: url, quick: quick) {
            print("# \(figure.note)")
            print("\(figure.name)=\(String(format: "%.3f", figure.value))")
        }
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("benchmark postgres failed: \(error)\n".utf8))
        exit(1)
    }
}
let benchmarks: [(String, (Bool) throws -> [Figure])] = [
    ("capture", CaptureBenchmark.run),
    ("wire", WireBenchmark.run),
    ("merge", MergeBenchmark.run),
    ("growth", MergeGrowthBenchmark.run),
    ("end-to-end", EndToEndBenchmark.run),
    ("pull", PullBenchmark.run),
]
var failed = false
var figures: [String: Double] = [:]
@MainActor func report(_ figure: Figure) {
    figures[figure.name] = figure.value
    print("# \(figure.note)")
    print("\(figure.name)=\(String(format: "%.3f", figure.value))")
}
for (name, run) in benchmarks where only == nil || only == name {
    do {
        for figure in try run(quick) { report(figure) }
    } catch {
        FileHandle.standardError.write(Data("benchmark \(name) failed: \(error)\n".utf8))
        failed = true
    }
}
// Over HTTP, on an in-process server.
let serverBenchmarks: [(String, (Bool) async throws -> [Figure])] = [
    ("http", HTTPBenchmark.run), ("trace", TraceBenchmark.run), ("files", FilesBenchmark.run), ("workspace", WorkspaceBenchmark.run),
]
for (name, run) in serverBenchmarks where only == nil || only == name {
    do {
        for figure in try await run(quick) { report(figure) }
    } catch {
        FileHandle.standardError.write(Data("benchmark \(name) failed: \(error)\n".utf8))
        failed = true
    }
}
if let endToEnd = figures["e2e_changes_per_s"], let merge = figures["merge_changes_per_s"] {
    report(Figure(name: "e2e_vs_merge_ratio", value: endToEnd / merge,
                  note: "end-to-end rate over the in-process merge rate (clients and daemon share this machine's cores)"))
}
if let merge = figures["merge_changes_per_s"] {
    for (pull, what) in [("pull_initial_changes_per_s", "initial"), ("pull_night_changes_per_s", "night")] {
        guard let rate = figures[pull] else { continue }
        report(Figure(name: "pull_apply_vs_merge_ratio_\(what)", value: rate / merge,
                      note: "a replica's pull-and-apply rate (\(what) sync) over the server's merge rate, same run (target ≥ 1.0)"))
    }
}
exit(failed ? 1 : 0)
