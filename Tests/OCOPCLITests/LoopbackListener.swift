import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A raw TCP listener on 127.0.0.1 that misbehaves on purpose, to see what `ocop sync` tells
/// the user when the network or the server fails (only ever loopback).
final class LoopbackListener: @unchecked Sendable {
    /// What the listener does with each connection it accepts.
    enum Behaviour: Sendable {
        /// Reads what the client sends first, then resets (SO_LINGER 0): a server killed with -9.
        case reset
        /// Reads what the client sends first, then closes cleanly.
        case close
        /// Sends these bytes (e.g. an HTTP answer to a TLS hello), then closes.
        case answer([UInt8])
    }

    let port: Int
    private let socketDescriptor: Int32

    init(_ behaviour: Behaviour) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ListenerError.system("socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0, listen(fd, 8) == 0 else { close(fd); throw ListenerError.system("bind/listen") }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        port = Int(UInt16(bigEndian: address.sin_port))
        socketDescriptor = fd
        let thread = Thread {
            while true {
                let client = Int32(Self.retryingInterrupted { Int(accept(fd, nil, nil)) })
                guard client >= 0 else { return }
                Self.handle(client, behaviour)
            }
        }
        thread.start()
    }

    /// Closing the listening socket ends the accept loop.
    func stop() { shutdown(socketDescriptor, Int32(SHUT_RDWR)); close(socketDescriptor) }

    deinit { stop() }

    /// A port on 127.0.0.1 where nothing listens: bound, then released.
    static func closedPort() throws -> Int {
        let listener = try LoopbackListener(.close)
        let port = listener.port
        listener.stop()
        return port
    }

    private static func handle(_ client: Int32, _ behaviour: Behaviour) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        switch behaviour {
        case .reset:
            _ = Self.retryingInterrupted { read(client, &buffer, buffer.count) }
            var linger = linger(l_onoff: 1, l_linger: 0)
            setsockopt(client, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
        case .close:
            _ = Self.retryingInterrupted { read(client, &buffer, buffer.count) }
            closeGracefully(client)
            return
        case .answer(let bytes):
            _ = Self.retryingInterrupted { read(client, &buffer, buffer.count) }
            _ = bytes.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
            closeGracefully(client)
            return
        }
        close(client)
    }

    /// Ends the connection as a well-behaved server does: FIN after what was written, then what
    /// the client still sends is read until it closes (at most 5 s). Closing with unread bytes
    /// would send a reset instead, and under load a client can meet the reset before the
    /// answer, which is another test's case (`.reset`).
    private static func closeGracefully(_ client: Int32) {
        shutdown(client, Int32(SHUT_WR))
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Self.retryingInterrupted({ read(client, &buffer, buffer.count) }) > 0 {}
        close(client)
    }

    /// A system call again while a signal interrupted it. The test process's children exit all
    /// the time (SIGCHLD): an interrupted read that ended the drain early closed the socket with
    /// the client's bytes unread, and the reset that sends can discard the answer before the
    /// client reads it (a full run saw a GOODBYE lost this way).
    private static func retryingInterrupted(_ call: () -> Int) -> Int {
        var result = call()
        while result < 0 && errno == EINTR { result = call() }
        return result
    }

    enum ListenerError: Error { case system(String) }
}
