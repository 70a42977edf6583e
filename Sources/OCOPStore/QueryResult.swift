import Foundation
import OCOPSync

/// One cell of a query result, as SQLite returned it: the same typed value sync carries.
public typealias QueryValue = SyncValue

/// The UUID in a 16-byte blob, or `nil`.
package func uuid(fromBlob bytes: [UInt8]) -> UUID? {
    guard bytes.count == 16 else { return nil }
    return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                       bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
}

/// The columns and rows of a query, in the order SQLite returned them.
public struct QueryResult: Sendable, Hashable {
    public var columns: [String]
    public var rows: [[QueryValue]]

    public init(columns: [String], rows: [[QueryValue]]) {
        self.columns = columns
        self.rows = rows
    }

}

/// Why a query was refused or failed.
public struct QueryError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: Sendable, Equatable {
        /// The statement would write (INSERT, UPDATE, DELETE, DDL, a write PRAGMA...).
        case writeRefused
        /// SQLite rejected the statement (syntax, unknown table...).
        case invalidSQL
        /// The file is missing or not a national dataset.
        case notFound
    }

    public let code: Code
    public let message: String
    public var description: String { message }

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}

