import Foundation
import GRDB
import OCOPModel

extension Replica {
    /// Validates `record` and inserts it, or replaces the row with the same id.
    ///
    /// Throws ``OCOPModel/ValidationErrors`` naming every bad field, or a ``ReplicaError`` when
    /// a province tries to write another province's row; nothing is written then.
    public func save<Record: SyncedRecord>(_ record: Record, reference: ReferenceData = .standard) throws {
        try checkWritable(record, reference: reference)
        try write { db in try record.save(db) }
    }

    /// Saves several records in one transaction: all of them or, on the first bad one, none.
    public func saveAll<Record: SyncedRecord>(_ records: [Record], reference: ReferenceData = .standard) throws {
        for record in records { try checkWritable(record, reference: reference) }
        try write { db in for record in records { try record.save(db) } }
    }

    /// Deletes the row with `id`; returns whether there was one.
    @discardableResult
    public func delete<Record: SyncedRecord>(_ type: Record.Type, id: UUID) throws -> Bool {
        try write { db in try Record.deleteOne(db, key: id) }
    }

    /// The row with `id`, if any.
    public func fetch<Record: SyncedRecord>(_ type: Record.Type, id: UUID) throws -> Record? {
        try read { db in try Record.fetchOne(db, key: id) }
    }

    /// Every row of the table, in id order (UUIDv7 ids sort by creation time).
    public func fetchAll<Record: SyncedRecord>(_ type: Record.Type) throws -> [Record] {
        try read { db in try Record.order(Column("id")).fetchAll(db) }
    }

    private func checkWritable<Record: SyncedRecord>(_ record: Record, reference: ReferenceData) throws {
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
