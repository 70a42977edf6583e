import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import OCOPWire

/// Turns what the network stack and the server throw into what a province user reads: what
/// happened and what to do, in their words, never a library type name or a build path.
///
/// Every failure of `ocop sync` that is not about the replica itself must end here: an error that
/// escapes unmapped becomes "internal error" (exit 70), which the docs reserve for a damaged replica.
extension SyncClientError {
    /// Where the client was trying to go, for the messages.
    struct Target: Sendable {
        var host: String
        var port: Int
        var usesTLS: Bool
        var endpoint: String { "\(host):\(port)" }
    }

    /// A failure to open the connection (before any byte was exchanged).
    static func connecting(_ error: any Error, to target: Target) -> SyncClientError {
        let prefix = "cannot reach the sync server at \(target.endpoint)"
        if let error = error as? NIOConnectionError {
            if error.connectionErrors.isEmpty, error.dnsAError != nil || error.dnsAAAAError != nil {
                return SyncClientError(kind: .unreachable, message: "\(prefix): the name '\(target.host)' cannot be resolved — check --server (or OCOP_SERVER) and the network")
            }
            if let first = error.connectionErrors.first { return connecting(first.error, to: target) }
        }
        if let channelError = error as? ChannelError, case .connectTimeout = channelError {
            return SyncClientError(kind: .unreachable, message: "\(prefix): no answer within 10 s — check the network link and --server (or OCOP_SERVER)")
        }
        if let error = error as? IOError {
            let reason: String = switch error.errnoCode {
            case ECONNREFUSED: "connection refused — is ocop-syncd running there? check --server (or OCOP_SERVER)"
            case ENETUNREACH, EHOSTUNREACH: "the network has no route to it — check the network link and --server"
            case ETIMEDOUT: "no answer — check the network link and --server"
            default: "\(Self.systemReason(error.errnoCode)) — check the network link and --server"
            }
            return SyncClientError(kind: .unreachable, message: "\(prefix): \(reason)")
        }
        return SyncClientError(kind: .unreachable, message: "\(prefix) — check the network link and --server (or OCOP_SERVER)")
    }

    /// A failure after the connection was open: the link broke, TLS failed, or the server closed.
    static func exchanging(_ error: any Error, with target: Target) -> SyncClientError {
        let retry = "nothing was lost; run `ocop sync` again"
        if error is TLSRecordSniffer.NotTLS {
            return SyncClientError(kind: .protocolFailure, message: "TLS handshake with \(target.endpoint) failed: the server does not speak TLS on this port — drop --tls, or give the port where it listens with TLS")
        }
        if let error = error as? NIOSSLError { return tls(error, target: target) }
        if error is NIOSSLExtraError {
            return SyncClientError(kind: .protocolFailure, message: "TLS handshake with \(target.endpoint) failed: the server's certificate does not name '\(target.host)' — use the name the certificate was issued for in --server")
        }
        if let error = error as? IOError {
            switch error.errnoCode {
            case ECONNRESET, EPIPE, ECONNABORTED:
                return SyncClientError(kind: .protocolFailure, message: "the connection to the sync server at \(target.endpoint) was reset (the server stopped or the network dropped the link) — \(retry) later")
            case ETIMEDOUT, EHOSTUNREACH, ENETUNREACH:
                return SyncClientError(kind: .unreachable, message: "the sync server at \(target.endpoint) stopped answering (the network link dropped) — \(retry) later")
            default:
                return SyncClientError(kind: .protocolFailure, message: "the connection to the sync server at \(target.endpoint) failed: \(Self.systemReason(error.errnoCode)) — \(retry) later")
            }
        }
        if let error = error as? ChannelError {
            switch error {
            case .connectTimeout:
                return connecting(error, to: target)
            default:
                return closedByServer(target)
            }
        }
        return SyncClientError(kind: .protocolFailure, message: "the sync with \(target.endpoint) failed unexpectedly — \(retry) later; run with --verbose for details")
    }

    /// The server (or something on its port) closed the connection without a word.
    static func closedByServer(_ target: Target, waitingFor expected: String? = nil, saying reason: String? = nil) -> SyncClientError {
        // With TLS, a close before the first answer is a handshake the port never spoke: a
        // plain port drops a TLS hello (the TLS layer may report it as a close, not an error).
        if target.usesTLS, expected == "CHALLENGE" {
            return SyncClientError(kind: .protocolFailure, message: "TLS handshake with \(target.endpoint) failed: the server does not speak TLS on this port — leave out --tls, or check the port")
        }
        let waiting = (expected.map { " while we waited for \($0)" } ?? "") + (reason.map { $0.isEmpty ? "" : " (it said: \($0))" } ?? "")
        // Without TLS, a TLS-only port closes on our first frame; with TLS, a plain port closes
        // on our TLS hello. Say which to try.
        let hint = target.usesTLS
            ? " If the server does not use TLS on this port, leave out --tls."
            : " If the server uses TLS, add --tls."
        return SyncClientError(kind: .protocolFailure, message: "the sync server at \(target.endpoint) closed the connection\(waiting) — it may be restarting or overloaded; run `ocop sync` again later.\(hint)")
    }

    /// An ERROR message from the server. Refused credentials and refused replicas are final
    /// (exit 4): retrying cannot help, a person must act.
    static func server(_ error: ErrorMessage, user: String) -> SyncClientError {
        let said = error.message.isEmpty ? error.code.name : "\(error.code.name): \(error.message)"
        switch error.code {
        case .authenticationFailed:
            return SyncClientError(kind: .authentication, message: "the server refused the account '\(user)' (\(said)) — check --user (or OCOP_USER) and that --secret-file holds this account's current secret; without --user the account is the replica's tenant id, so a replica made with a wrong `ocop init --tenant` must be made again with the id the central office gave; if all of that is right, the central office may have disabled the account or rotated its secret (the server does not say which, so that nobody can probe accounts): ask them")
        case .forbidden:
            return SyncClientError(kind: .authentication, message: "the server refused account '\(user)' (\(said)) — if its secret was rotated, put the new one in --secret-file; if the account was disabled, ask the central office; a replica copied from another machine or province cannot sync under this account: create a new one with `ocop init --tenant ID` for your province and sync that")
        case .versionNegotiationFailed, .schemaVersionUnsupported:
            return SyncClientError(kind: .authentication, message: "the server speaks another version (\(said)) — update ocop to the version the central office uses")
        case .busy:
            var busy = SyncClientError(kind: .unreachable, message: "the sync server is busy (\(said)) — run `ocop sync` again in a few minutes")
            busy.serverWasBusy = true
            return busy
        case .fileRefused:
            var refused = SyncClientError(kind: .protocolFailure, message: "the server refused a file (\(said))")
            refused.fileRefusal = error.message
            return refused
        case .unknownMessageType:
            var older = SyncClientError(kind: .protocolFailure, message: "the server said \(said) — it predates this version of ocop; update the daemon")
            older.serverPredatesFiles = true
            return older
        default:
            return SyncClientError(kind: .protocolFailure, message: "the server said \(said) — run `ocop sync` again later; if it repeats, tell the central office")
        }
    }

    /// TLS failures, told apart by what the user must change.
    private static func tls(_ error: NIOSSLError, target: Target) -> SyncClientError {
        let text = String(describing: error)
        let prefix = "TLS handshake with \(target.endpoint) failed"
        if text.contains("WRONG_VERSION_NUMBER") || text.contains("HTTP_REQUEST") || text.contains("PACKET_LENGTH_TOO_LONG") {
            return SyncClientError(kind: .protocolFailure, message: "\(prefix): the server does not speak TLS on this port — drop --tls, or give the port where it listens with TLS")
        }
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return SyncClientError(kind: .protocolFailure, message: "\(prefix): the server's certificate is not trusted — give its CA certificate with --ca-file")
        }
        if case .uncleanShutdown = error {
            return SyncClientError(kind: .protocolFailure, message: "the sync server at \(target.endpoint) cut the TLS connection short — run `ocop sync` again later")
        }
        return SyncClientError(kind: .protocolFailure, message: "\(prefix) — check --tls, --ca-file and that --server names the right port (\(text))")
    }

    /// The operating system's words for an errno, without the library's wrapping.
    private static func systemReason(_ code: CInt) -> String {
        String(cString: strerror(code)).lowercased()
    }
}
