import ArgumentParser
import Foundation
import OCOPModel
import OCOPReplica

/// The exit statuses `ocop` promises to scripts (documented in the README and in `ocop --help`).
enum ExitStatus: Int32, Sendable {
    /// The command did what it was asked.
    case success = 0
    /// Bad data (a record, a score sheet or a CSV file failed validation): nothing was changed.
    case badData = 1
    /// Not found or bad state: no replica, an unknown id, a file that cannot be read, a row
    /// that other rows still refer to. Nothing was changed.
    case notFound = 2
    /// Bad command-line usage (ArgumentParser's `EX_USAGE`).
    case usage = 64
    /// An internal error (a bug, a corrupt replica, a failing disk): `EX_SOFTWARE`.
    case internalError = 70
}

/// An error a command reports to the user: the lines to print on stderr (one problem per line,
/// naming the file, row or field) and the exit status.
///
/// Commands other engineers add may throw this too; any other error type is mapped by
/// ``CLIError/report(_:)`` (model validation → 1, replica state → 2, everything else → 70).
struct CLIError: Error, CustomStringConvertible, Sendable {
    var status: ExitStatus
    /// Printed to stderr as given, one per line.
    var lines: [String]

    init(_ status: ExitStatus, lines: [String]) {
        self.status = status
        self.lines = lines
    }

    /// Bad data: `error: <message>` per line, exit 1.
    static func badData(_ messages: String...) -> CLIError {
        CLIError(.badData, lines: messages.map { "error: " + $0 })
    }

    /// Not found or bad state: `error: <message>`, exit 2.
    static func notFound(_ message: String) -> CLIError {
        CLIError(.notFound, lines: ["error: " + message])
    }

    /// A usage problem only noticed while running: `error: <message>`, exit 64.
    static func usage(_ message: String) -> CLIError {
        CLIError(.usage, lines: ["error: " + message])
    }

    var description: String { lines.joined(separator: "\n") }

    /// Maps any error thrown by a command to what is printed and the exit status; `nil` for
    /// ArgumentParser's own errors (help, usage, `ExitCode`), which it reports itself.
    static func report(_ error: any Error) -> CLIError? {
        // ArgumentParser's errors (help requests from its built-in commands included, whose
        // type is internal to it) are reported by ArgumentParser.
        if String(reflecting: type(of: error)).hasPrefix("ArgumentParser.") { return nil }
        switch error {
        case let error as CLIError:
            return error
        case let error as ValidationErrors:
            return CLIError(.badData, lines: error.errors.map { "error: \($0)" })
        case let error as OCOPModel.ValidationError:
            return CLIError(.badData, lines: ["error: \(error)"])
        case let error as CSVImportFailure:
            return CLIError(.badData, lines: error.errors.map { "error: \($0)" })
        case let error as ReplicaError:
            switch error.code {
            case .notAReplica, .alreadyExists: return CLIError(.notFound, lines: ["error: \(error)"])
            case .invalidArgument, .invalidChange: return CLIError(.badData, lines: ["error: \(error)"])
            case .corrupt: return CLIError(.internalError, lines: ["error: replica is damaged: \(error)"])
            }
        default:
            return CLIError(.internalError, lines: ["error: internal error: \(error)"])
        }
    }

    /// Prints the lines to stderr, each on one line.
    func printToStandardError() {
        for line in lines {
            StandardError.print(line.replacingOccurrences(of: "\n", with: " "))
        }
    }
}

/// Writing to stderr, unbuffered.
enum StandardError {
    static func print(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
