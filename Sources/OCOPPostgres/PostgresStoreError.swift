import OCOPStore
import PostgresNIO

/// Errors of the PostgreSQL store that are not the store protocols' own (``StoreError``).
public enum PostgresStoreError: Error, CustomStringConvertible, Sendable {
    /// The connection URL, password file or TLS settings are wrong.
    case configuration(String)
    /// The server could not be reached or refused the login; says where and what to check.
    case unreachable(String)

    public var description: String {
        switch self {
        case .configuration(let message), .unreachable(let message): return message
        }
    }
}

/// How the store tells a database's passing trouble (retry the transaction or the push later)
/// from a problem with the data.
enum PostgresFailure {
    /// SQLSTATE classes and codes worth retrying: serialization failures and deadlocks (40),
    /// the server shutting down or out of resources (53, 57P01–03), lost connections (08).
    static func isTransient(_ error: any Error) -> Bool {
        if let error = error as? PostgresTransactionError {
            return [error.beginError, error.closureError, error.commitError].contains { $0.map(isTransient) ?? false }
        }
        guard let error = error as? PSQLError else { return false }
        if let state = sqlState(error) {
            return state.hasPrefix("40") || state.hasPrefix("08") || state.hasPrefix("53") || state.hasPrefix("57P")
        }
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed, .queryCancelled:
            return true
        default:
            return false
        }
    }

    /// Whether a retry of the same transaction may succeed at once (a serialization failure or a
    /// deadlock), as opposed to the database being away for a while.
    static func isRetryableNow(_ error: any Error) -> Bool {
        if let error = error as? PostgresTransactionError {
            return [error.closureError, error.commitError].contains { $0.map(isRetryableNow) ?? false }
        }
        guard let error = error as? PSQLError, let state = sqlState(error) else { return false }
        return state == "40001" || state == "40P01"
    }

    static func sqlState(_ error: PSQLError) -> String? { error.serverInfo?[.sqlState] }

    /// A PostgreSQL error in a person's words: its message and SQLSTATE, never the query's binds.
    static func describe(_ error: any Error) -> String {
        if let error = error as? PostgresTransactionError {
            if let inner = error.closureError ?? error.commitError ?? error.beginError { return describe(inner) }
        }
        if let error = error as? PSQLError {
            if let info = error.serverInfo {
                return "\(info[.message] ?? "error") (SQLSTATE \(info[.sqlState] ?? "?"))"
            }
            switch error.code {
            case .connectionError: return "no connection (refused, or no answer)"
            case .serverClosedConnection, .uncleanShutdown: return "the server closed the connection"
            case .sslUnsupported: return "the server does not offer TLS"
            default: return "\(error.code)"
            }
        }
        if let error = error as? StoreError { return error.message }
        return "\(error)"
    }
}
