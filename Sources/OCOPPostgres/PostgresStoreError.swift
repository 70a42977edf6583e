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

/// How the store tells a failure worth retrying at once (a serialization failure, a deadlock)
/// from the rest, and how it says a PostgreSQL error in words.
enum PostgresFailure {
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
            case .authMechanismRequiresPassword: return "the server asks for a password and none was given"
            default: return "\(error.code)"
            }
        }
        if let error = error as? StoreError { return error.message }
        return "\(error)"
    }
}
