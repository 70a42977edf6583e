/// Tests that start several servers at once (daemons, database clusters, dozens of clients)
/// take turns: on a two-core machine two of them together starve the rest of the suite, whose
/// handshakes and reads then miss their deadlines. Everything else still runs beside them.
public actor HeavyTests {
    public static let gate = HeavyTests()
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    private func acquire() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }

    /// Runs `body` when no other heavy test is running.
    public static func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await gate.acquire()
        do {
            let value = try await body()
            await gate.release()
            return value
        } catch {
            await gate.release()
            throw error
        }
    }
}
