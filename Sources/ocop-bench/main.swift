import Foundation

// Runs every benchmark of the project and prints one `name=value` line per figure.
// Usage: swift run -c release ocop-bench [--quick]
let quick = CommandLine.arguments.contains("--quick")
let benchmarks: [(String, (Bool) throws -> [Figure])] = [
    ("capture", CaptureBenchmark.run),
    ("wire", WireBenchmark.run),
    ("merge", MergeBenchmark.run),
]
var failed = false
for (name, run) in benchmarks {
    do {
        for figure in try run(quick) {
            print("# \(figure.note)")
            print("\(figure.name)=\(String(format: "%.3f", figure.value))")
        }
    } catch {
        FileHandle.standardError.write(Data("benchmark \(name) failed: \(error)\n".utf8))
        failed = true
    }
}
exit(failed ? 1 : 0)
