import NIOConcurrencyHelpers
import OCOPWire

/// Memory the daemon lets all connections together spend on frames being received and decoded.
///
/// Each connection reserves a frame's cost (``OCOPWire/FrameDecoder/nextFrameCost``) before the
/// frame's bytes accumulate, and gives it back once the session has handled the decoded message.
/// So the frames in flight across the whole daemon never take more than the budget, whatever
/// peers send at once — except that one frame may always go through alone, however large, so a
/// legitimate push at the protocol's maximum is never refused for ever.
public final class FrameMemoryBudget: Sendable {
    /// Bytes all connections may hold in frames at once.
    public let capacity: Int
    private let reserved = NIOLockedValueBox(0)

    public init(capacity: Int) {
        self.capacity = capacity
    }

    /// Bytes currently reserved.
    public var inUse: Int { reserved.withLockedValue { $0 } }

    /// Reserves `bytes`, or returns false when that would pass the capacity (and something else
    /// is reserved already).
    func reserve(_ bytes: Int) -> Bool {
        reserved.withLockedValue { total in
            guard total == 0 || total + bytes <= capacity else { return false }
            total += bytes
            return true
        }
    }

    func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        reserved.withLockedValue { $0 -= bytes }
    }
}

/// One connection's side of the frame limits: whether its peer has authenticated (anonymous peers
/// get ``OCOPWire/WireLimits/beforeAuthentication``) and which of its frames hold memory from the
/// daemon's ``FrameMemoryBudget``.
///
/// The decoder reserves a frame's cost when its header arrives and queues the reservation with the
/// decoded message; the session releases the oldest one after handling each message, in the same
/// order. Whatever is still held when the connection closes is released then.
public final class ConnectionFrameGate: Sendable {
    private struct State {
        var authenticated = false
        /// A reservation for the frame being received, not yet decoded.
        var pending = 0
        /// Reservations of decoded messages not yet handled by the session, oldest first.
        var queued: [Int] = []
    }

    let budget: FrameMemoryBudget?
    private let state = NIOLockedValueBox(State())

    /// - Parameters:
    ///   - budget: the daemon-wide budget; nil on a client, which trusts its server.
    ///   - authenticated: true on a client, which has no anonymous phase to protect.
    public init(budget: FrameMemoryBudget?, authenticated: Bool) {
        self.budget = budget
        state.withLockedValue { $0.authenticated = authenticated }
    }

    /// Whether the full protocol limits apply (the peer authenticated).
    var isAuthenticated: Bool { state.withLockedValue { $0.authenticated } }

    /// Lifts the limits for anonymous peers. Call before sending AUTH_OK.
    func markAuthenticated() {
        state.withLockedValue { $0.authenticated = true }
    }

    /// Reserves the cost of the frame being received, once per frame. False: refuse the frame.
    func reserveCurrentFrame(_ cost: Int) -> Bool {
        guard let budget else { return true }
        if state.withLockedValue({ $0.pending > 0 }) { return true }
        guard budget.reserve(cost) else { return false }
        state.withLockedValue { $0.pending = cost }
        return true
    }

    /// The frame being received was decoded into a message the session will handle.
    func frameDecoded() {
        guard budget != nil else { return }
        state.withLockedValue { state in
            state.queued.append(state.pending)
            state.pending = 0
        }
    }

    /// The frame being received was refused; nothing of it will reach the session.
    func frameDiscarded() {
        let bytes = state.withLockedValue { state in
            defer { state.pending = 0 }
            return state.pending
        }
        budget?.release(bytes)
    }

    /// The session has handled its oldest decoded message.
    func messageHandled() {
        guard budget != nil else { return }
        let bytes = state.withLockedValue { $0.queued.isEmpty ? 0 : $0.queued.removeFirst() }
        budget?.release(bytes)
    }

    /// The connection closed: everything it held goes back to the budget.
    func releaseAll() {
        let bytes = state.withLockedValue { state in
            defer {
                state.pending = 0
                state.queued = []
            }
            return state.pending + state.queued.reduce(0, +)
        }
        budget?.release(bytes)
    }
}
