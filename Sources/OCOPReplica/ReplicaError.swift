import OCOPSync

/// An error from a replica, saying which row, field or file is at fault and why.
public struct ReplicaError: Error, CustomStringConvertible, Sendable {
    public enum Code: Sendable, Equatable {
        case invalidChange
        case corrupt
        case notAReplica
        case alreadyExists
        case invalidArgument
    }

    public let code: Code
    public let message: String

    public var description: String { message }

    static func invalidChange(table: String, key: SyncValue, reason: String) -> ReplicaError {
        ReplicaError(code: .invalidChange, message: "\(table) row \(key): \(reason)")
    }

    package static func corrupt(_ message: String) -> ReplicaError {
        ReplicaError(code: .corrupt, message: message)
    }

    static func notAReplica(_ path: String) -> ReplicaError {
        ReplicaError(code: .notAReplica, message: "\(path) is not an OCOP replica (run `ocop init` to create one)")
    }

    static func alreadyExists(_ path: String) -> ReplicaError {
        ReplicaError(code: .alreadyExists, message: "\(path) already exists; refusing to overwrite it")
    }

    static func invalidArgument(_ message: String) -> ReplicaError {
        ReplicaError(code: .invalidArgument, message: message)
    }
}
