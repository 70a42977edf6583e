import Foundation
import GRDB
import OCOPModel
import OCOPSync

extension Replica {
    /// Validates `record` and inserts it, or replaces the row with the same id.
    ///
    /// Throws ``OCOPModel/ValidationErrors`` naming every bad field, or a ``ReplicaError`` when
    /// a province tries to write another province's row; nothing is written then.
    package func save<Record: SyncedRecord>(_ record: Record, reference: ReferenceData = .standard) throws {
        try checkWritable(record, reference: reference)
        try write { db in try record.save(db) }
    }

    /// Saves several records in one transaction: all of them or, on the first bad one, none.
    package func saveAll<Record: SyncedRecord>(_ records: [Record], reference: ReferenceData = .standard) throws {
        for record in records { try checkWritable(record, reference: reference) }
        try write { db in for record in records { try record.save(db) } }
    }

    /// Saves records of several tables and a certificate decision in one transaction (a
    /// dossier's decision writes the council's evaluation, the certificate with its events, then
    /// the dossier): each checked as ``save(_:reference:)`` checks it, written in the order given
    /// (`records`, the decision, `after`) so a row follows the rows it refers to in the change
    /// log; all of them or, on the first bad one or a certificate changed meanwhile, none.
    ///
    /// With `audit` (the workspace's user and action), each row's history records who wrote it.
    package func saveTogether(_ records: [any SyncedRecord], decision: CertificateLedger.Decision? = nil,
                              then after: [any SyncedRecord] = [], audit: (user: String, action: String)? = nil,
                              reference: ReferenceData = .standard) throws {
        for record in records + after { try checkWritable(record, reference: reference) }
        for certificate in decision?.certificates ?? [] { try checkWritable(certificate, reference: reference) }
        for event in decision?.events ?? [] { try checkWritable(event, reference: reference) }
        try write { db in
            for record in records { try record.save(db) }
            if let decision { try Self.write(decision, db) }
            for record in after { try record.save(db) }
            if let audit {
                let written: [any SyncedRecord] = records + (decision?.certificates ?? []) + after
                for record in written {
                    try Self.recordWorkspaceWrite(db, user: audit.user, table: type(of: record).databaseTableName, key: record.id,
                                                  action: audit.action)
                }
            }
        }
    }

    /// Deletes the row with `id`; returns whether there was one.
    @discardableResult
    package func delete<Record: SyncedRecord>(_ type: Record.Type, id: UUID) throws -> Bool {
        try write { db in try Record.deleteOne(db, key: id) }
    }

    /// The row with `id`, if any.
    package func fetch<Record: SyncedRecord>(_ type: Record.Type, id: UUID) throws -> Record? {
        try read { db in try Record.fetchOne(db, key: id) }
    }

    /// Every row of the table that reads as a record, in id order (UUIDv7 ids sort by creation
    /// time).
    ///
    /// A row no record can hold (written with plain SQL, or pulled from a server older than its
    /// row validation) is left out rather than failing the whole read, so one bad value never
    /// makes a replica unreadable; ``unreadableRows(_:)`` lists them for the user.
    package func fetchAll<Record: SyncedRecord>(_ type: Record.Type) throws -> [Record] {
        try read { db in
            var records: [Record] = []
            let rows = try Row.fetchCursor(db, sql: "SELECT * FROM \"\(Record.databaseTableName)\" ORDER BY id")
            while let row = try rows.next() {
                if let record = try? Record(row: row) { records.append(record) }
            }
            return records
        }
    }

    /// The rows of the table that cannot be read as records: their id and why.
    package func unreadableRows<Record: SyncedRecord>(_ type: Record.Type) throws -> [(id: String, reason: String)] {
        try read { db in
            var unreadable: [(id: String, reason: String)] = []
            let rows = try Row.fetchCursor(db, sql: "SELECT * FROM \"\(Record.databaseTableName)\" ORDER BY id")
            while let row = try rows.next() {
                do {
                    _ = try Record(row: row)
                } catch {
                    let id = (row["id"] as Data?).flatMap { bytes in bytes.count == 16 ? UUID(uuid: bytes.withUnsafeBytes { $0.loadUnaligned(as: uuid_t.self) }).uuidString.lowercased() : nil } ?? "?"
                    unreadable.append((id, UnreadableRow.reason(error)))
                }
            }
            return unreadable
        }
    }

    /// The stored row with `id` read as a record once the columns of `replacing` hold those
    /// values, writing nothing; nil when no row has the id. This is how a row no record can hold
    /// is repaired: the user gives the field that is wrong, and the record is saved as usual.
    /// Throws ``UnreadableRow`` when even so it cannot be read.
    package func storedRecord<Record: SyncedRecord>(
        _ type: Record.Type, id: UUID, replacing values: [String: SyncValue] = [:]
    ) throws -> Record? {
        try read { db in
            let statement = try db.cachedStatement(sql: "SELECT * FROM \"\(Record.databaseTableName)\" WHERE id = ?")
            guard let stored = try Row.fetchOne(statement, arguments: [id]) else { return nil }
            var columns: [String: DatabaseValue] = [:]
            for (name, value) in stored { columns[name] = value }
            for (name, value) in values { columns[name] = value.databaseValue }
            do {
                return try Record(row: Row(columns))
            } catch {
                throw UnreadableRow(table: Record.databaseTableName, id: id.uuidString.lowercased(), reason: UnreadableRow.reason(error))
            }
        }
    }

    func checkWritable<Record: SyncedRecord>(_ record: Record, reference: ReferenceData) throws {
        try record.validate(reference: reference)
        guard role == .province else { return }
        if Record.schema.scope == .central {
            throw ReplicaError.invalidArgument("\(Record.schema.name) is written by the central office only")
        }
        let encoded = try record.databaseDictionary
        if let owner = encoded["tenant_id"].flatMap(UUID.fromDatabaseValue), owner != tenantID {
            throw ReplicaError.invalidArgument("\(Record.schema.name).tenant_id: a province replica writes only its own province's rows")
        }
    }
}

extension Replica {
    /// Writes a certificate decision in one transaction, if every certificate it was decided on
    /// still has the stored status the decision read; otherwise writes nothing and throws
    /// ``OCOPModel/ValidationErrors`` naming the certificate that changed meanwhile.
    package func save(_ decision: CertificateLedger.Decision, reference: ReferenceData = .standard) throws {
        try saveTogether([], decision: decision, reference: reference)
    }

    private static func write(_ decision: CertificateLedger.Decision, _ db: Database) throws {
        try checkUnchanged(decision.expectedStatuses) { id in
            try String.fetchOne(db, sql: "SELECT status FROM certificates WHERE id = ?", arguments: [id])
        }
        for certificate in decision.certificates { try certificate.save(db) }
        for event in decision.events { try event.save(db) }
    }

    /// Saves `first`, then `decision` if there is one, in one transaction: an evaluation and what
    /// it does to the product's certificates are recorded together or not at all.
    package func save<Record: SyncedRecord>(_ first: Record, then decision: CertificateLedger.Decision?, reference: ReferenceData = .standard) throws {
        try saveTogether([first], decision: decision, reference: reference)
    }

    /// The dated facts of these certificates, by effective date then id.
    package func certificateEvents(ofCertificates ids: [UUID]) throws -> [CertificateEvent] {
        let wanted = Set(ids)
        return try fetchAll(CertificateEvent.self).filter { wanted.contains($0.certificateID) }
            .sorted { ($0.effectiveOn, $0.id.uuidString) < ($1.effectiveOn, $1.id.uuidString) }
    }

    /// Throws unless each certificate's stored status (read by `status`) is the expected one.
    package static func checkUnchanged(
        _ expected: [UUID: CertificateStatus], status: (UUID) throws -> String?
    ) throws {
        var problems: [ValidationError] = []
        for (id, wanted) in expected.sorted(by: { $0.key.uuidString < $1.key.uuidString }) {
            let stored = try status(id)
            if stored != wanted.rawValue {
                problems.append(ValidationError(
                    record: Certificate.schema.name, field: "status",
                    reason: "certificate \(id.uuidString.lowercased()) changed meanwhile (now \(stored ?? "gone"), was \(wanted.rawValue) when the decision was made); nothing was written, decide again"))
            }
        }
        if !problems.isEmpty { throw ValidationErrors(problems) }
    }
}

/// A stored row no record can hold: a value written with plain SQL, or pulled from an older
/// server, that no client could have written.
package struct UnreadableRow: Error, CustomStringConvertible {
    package var table: String
    package var id: String
    /// What is wrong, naming the column.
    package var reason: String

    package var description: String { "\(table) row \(id) cannot be read (\(reason))" }

    /// A decoding error without the whole row and the SQL that GRDB appends to it: the value,
    /// the type it should have been and the column are what a user can act on.
    static func reason(_ error: any Error) -> String {
        let text = "\(error)"
        guard let end = text.range(of: ", row: ") else { return text }
        return String(text[..<end.lowerBound])
    }
}
