import Foundation
import OCOPModel
import OCOPSync

/// A change the server will not apply, with the reason reported back to the province.
package struct Refusal: Error {
    package var code: RejectionCode
    package var message: String

    package init(code: RejectionCode, message: String) {
        self.code = code
        self.message = message
    }
}

/// What a principal may write and see, and what a valid row looks like. Enforced by the server;
/// nothing here is trusted from the client.
package struct ChangePolicy: Sendable {
    package init() {}

    /// How far ahead of the server's clock a write's clock may be (a day: time zones and sloppy
    /// clocks pass, a machine set to the wrong year does not).
    static let maximumClockDrift: UInt64 = 24 * 3_600_000

    /// Checks what a push says about itself before any of it is merged: a schema version this
    /// server accepts and counters a replica can have. Throws ``StoreError`` (nothing applied).
    package static func checkHeader(_ batch: PushBatch) throws {
        guard SchemaCompatibility.accepted.contains(batch.schemaVersion) else {
            throw StoreError(
                .schemaVersionNotSupported,
                "schema version \(batch.schemaVersion) is not accepted; this server accepts \(SchemaCompatibility.accepted.lowerBound)–\(SchemaCompatibility.accepted.upperBound)"
            )
        }
        // Database integers are signed: a counter of 2^63 or more is no replica's (counters count a
        // replica's writes one by one) and would not fit.
        guard batch.lastCounter <= UInt64(Int64.max) else {
            throw StoreError(.invalidArgument, "lastCounter \(batch.lastCounter) is beyond 2^63 − 1, which no replica reaches; nothing was applied")
        }
        guard batch.firstCounter <= batch.lastCounter else {
            throw StoreError(.invalidArgument, "firstCounter \(batch.firstCounter) is after lastCounter \(batch.lastCounter); nothing was applied")
        }
    }

    /// Checks one incoming change against the row as stored (`local`) and as it would be after
    /// the merge (`merged`). Throws a ``Refusal`` naming the row and field.
    package func check(_ change: RowChange, table: TableSchema, local: RowState?, merged: RowState, principal: Principal) throws {
        // Built only when refusing: this runs for every pushed change.
        var row: String { "\(table.name) row \(Self.describe(change.key))" }
        guard case .blob(let key) = change.key, key.count == 16 else {
            throw Refusal(code: .invalidData, message: "\(row): id must be a 16-byte UUID")
        }
        if principal.role == .province {
            guard table.scope == .tenant, let tenant = principal.tenantID else {
                throw Refusal(code: .readOnlyTable, message: "\(row): \(table.name) is written by the central office only")
            }
            let mine = SyncValue.blob(Self.bytes(of: tenant))
            if let local, let owner = local.columns[TableSchema.tenantColumn]?.value, owner != mine {
                throw Refusal(code: .forbiddenTenant, message: "\(row): the row belongs to another province")
            }
            if let incoming = change.state.columns[TableSchema.tenantColumn]?.value, incoming != mine {
                throw Refusal(code: .forbiddenTenant, message: "\(row): tenant_id must be your own province; rows cannot move to another province")
            }
            // Inspections are the state's word: only an inspection office's account writes them,
            // and such an account writes nothing else.
            if principal.isInspector != (table.name == OCOPSchema.inspections.name) {
                throw Refusal(code: .readOnlyTable, message: principal.isInspector
                    ? "\(row): an inspection office's account writes inspections only"
                    : "\(row): inspections are written by an inspection office's account only")
            }
            if table.name == OCOPSchema.certificates.name, case .integer(let stars)? = change.state.columns["stars"]?.value, stars >= 5 {
                throw Refusal(code: .forbiddenTenant, message: "\(row): stars: 5★ certificates are issued by the central office only")
            }
            // What the central office certified (5★) it alone supersedes or revokes.
            if table.name == OCOPSchema.certificates.name, local?.columns["issuer"]?.value == .text(CouncilLevel.central.rawValue) {
                throw Refusal(code: .forbiddenTenant, message: "\(row): issuer: a certificate issued by the central office is changed by the central office only")
            }
        }
        // A clock far ahead would drag every replica's hybrid clock with it and win every
        // concurrent edit; refuse it so the province fixes its clock (the change stays parked).
        let limit = HLC.wallMillisNow() + Self.maximumClockDrift
        let stamps = change.state.columns.values.map(\.stamp) + (change.state.existence.map { [$0.stamp] } ?? [])
        if let ahead = stamps.first(where: { $0.hlc.millis > limit }) {
            let hours = (ahead.hlc.millis - HLC.wallMillisNow()) / 3_600_000
            throw Refusal(code: .invalidData, message: "\(row): written with a clock \(hours) hours ahead of the server's; fix the computer's clock and edit the row again")
        }
        for (name, write) in change.state.columns {
            guard let column = table.column(named: name) else {
                throw Refusal(code: .unknownColumn, message: "\(row): unknown column \(name)")
            }
            if let problem = Self.problem(with: write.value, for: column) {
                throw Refusal(code: .invalidData, message: "\(row): \(name): \(problem)")
            }
        }
        if merged.isVisible {
            for column in table.columns where !column.isNullable {
                if merged.columns[column.name]?.value.isNull ?? true {
                    throw Refusal(code: .invalidData, message: "\(row): \(column.name): a value is required")
                }
            }
        }
    }

    /// Why `value` cannot be stored in `column`, or nil when it can.
    static func problem(with value: SyncValue, for column: ColumnSchema) -> String? {
        switch (column.type, value) {
        case (_, .null):
            return column.isNullable ? nil : "a value is required"
        case (.uuid, .blob(let bytes)):
            return bytes.count == 16 ? nil : "must be a 16-byte UUID, got \(bytes.count) bytes"
        case (.text, .text(let text)):
            return isNFC(text) ? nil : "text must be in Unicode NFC form"
        case (.date, .text(let text)):
            return isISODate(text) ? nil : "must be a date as YYYY-MM-DD, got '\(text)'"
        case (.integer, .integer):
            return nil
        case (.real, .real), (.real, .integer):
            return nil
        default:
            return "expected \(column.type.rawValue), got \(value)"
        }
    }

    static func isNFC(_ text: String) -> Bool { text.isNFC }

    static func isISODate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= days
    }

    /// Whether a row with `values` may be sent to `principal`.
    package static func canSee(table: TableSchema, tenantValue: SyncValue?, principal: Principal) -> Bool {
        guard principal.role == .province else { return true }
        guard table.scope == .tenant else { return true }
        guard let tenant = principal.tenantID else { return false }
        return tenantValue == .blob(bytes(of: tenant))
    }

    package static func bytes(of uuid: UUID) -> [UInt8] {
        withUnsafeBytes(of: uuid.uuid) { Array($0) }
    }

    package static func describe(_ key: SyncValue) -> String {
        if case .blob(let bytes) = key, bytes.count == 16, let id = ReplicaID(bytes: bytes) { return id.description }
        return key.description
    }
}
