import Foundation
import NIOCore
import OCOPModel
import OCOPSync
import PostgresNIO

/// Column values between the sync engine's ``SyncValue`` and PostgreSQL's typed columns.
///
/// A column's declared type decides how a cell is read; rows are written as JSON cast by column
/// type (``PostgresRows/write(_:_:directory:)``).
enum PostgresValues {
    static func read(_ cell: PostgresCell, as type: ColumnType) throws -> SyncValue {
        guard cell.bytes != nil else { return .null }
        switch type {
        case .uuid: return .blob(Array(buffer: try cell.decode(ByteBuffer.self)))
        case .text, .date: return .text(try cell.decode(String.self))
        case .integer: return .integer(try cell.decode(Int64.self))
        case .real: return .real(try cell.decode(Double.self))
        }
    }

    static func bytes(_ cell: PostgresCell) throws -> [UInt8]? {
        guard cell.bytes != nil else { return nil }
        return Array(buffer: try cell.decode(ByteBuffer.self))
    }

    static func keyBuffers(_ keys: some Sequence<SyncValue>) -> [ByteBuffer] {
        keys.compactMap { if case .blob(let bytes) = $0 { return ByteBuffer(bytes: bytes) } else { return nil } }
    }

    /// A value of any type in one `bytea` (conflict records keep the losing value whatever its
    /// column): a tag byte, then the value.
    static func encodeAny(_ value: SyncValue) -> ByteBuffer {
        var buffer = ByteBuffer()
        switch value {
        case .null: buffer.writeInteger(UInt8(0))
        case .integer(let number): buffer.writeInteger(UInt8(1)); buffer.writeInteger(number)
        case .real(let number): buffer.writeInteger(UInt8(2)); buffer.writeInteger(number.bitPattern)
        case .text(let text): buffer.writeInteger(UInt8(3)); buffer.writeString(text)
        case .blob(let bytes): buffer.writeInteger(UInt8(4)); buffer.writeBytes(bytes)
        }
        return buffer
    }

    static func decodeAny(_ bytes: [UInt8]) -> SyncValue {
        var buffer = ByteBuffer(bytes: bytes)
        switch buffer.readInteger(as: UInt8.self) {
        case 1: return buffer.readInteger(as: Int64.self).map { .integer($0) } ?? .null
        case 2: return buffer.readInteger(as: UInt64.self).map { .real(Double(bitPattern: $0)) } ?? .null
        case 3: return .text(buffer.readString(length: buffer.readableBytes) ?? "")
        case 4: return .blob(buffer.readBytes(length: buffer.readableBytes) ?? [])
        default: return .null
        }
    }
}

extension PostgresQuery {
    /// A statement with positional binds built by the caller (`$1`, `$2`, …).
    init(sql: String, _ bindings: PostgresBindings = PostgresBindings()) {
        self.init(unsafeSQL: sql, binds: bindings)
    }
}
