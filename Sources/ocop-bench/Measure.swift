import Foundation

/// Wall-clock timing for benchmarks. Figures are ratios against a baseline measured in the same
/// run, alternating rounds so machine noise hits both sides alike; the median round counts.
enum Measure {
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// Runs `baseline` and `candidate` alternately for `rounds` rounds and returns the median
    /// time of each.
    static func compare(rounds: Int, baseline: () throws -> Void, candidate: () throws -> Void) rethrows -> (baseline: Double, candidate: Double) {
        var base: [Double] = []
        var cand: [Double] = []
        for round in 0..<rounds {
            if round % 2 == 0 {
                base.append(try seconds(baseline))
                cand.append(try seconds(candidate))
            } else {
                cand.append(try seconds(candidate))
                base.append(try seconds(baseline))
            }
        }
        return (median(base), median(cand))
    }
}

/// A scratch directory for one benchmark.
struct ScratchDirectory {
    let url: URL
    init(_ name: String) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-bench-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    /// A directory kept between runs (created if missing).
    init(existing path: String) throws {
        url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ file: String) -> String { url.appendingPathComponent(file).path }
    /// Removes the directory, unless `OCOP_BENCH_KEEP` is set: then its files stay for inspection
    /// (with the `sqlite3` shell, say) and their place is printed.
    func remove() {
        if ProcessInfo.processInfo.environment["OCOP_BENCH_KEEP"] != nil {
            FileHandle.standardError.write(Data("# kept \(url.path)\n".utf8))
            return
        }
        try? FileManager.default.removeItem(at: url)
    }
}
