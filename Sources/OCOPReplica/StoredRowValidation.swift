import Foundation
import GRDB
import OCOPModel
import OCOPSync

/// The model's validation of one stored row, for every writer that did not build the row through
/// the typed records: the server merging a push, the central office resolving a conflict.
///
/// The row is read back as its record type (so a value no client could decode, such as a product
/// `status` of `hacked`, is a problem too) and judged by the record's own
/// ``OCOPModel/OCOPRecord/validationErrors(reference:)``: one set of rules, wherever the row came
/// from. References to other synced rows are checked as well (the row referred to exists and, for
/// a province's table, belongs to the same province).
package enum StoredRowValidation {
    /// Every problem with the row of `table` whose primary key is `key`; empty when it is valid
    /// or no longer exists.
    ///
    /// - Parameter known: rows of this write that are not stored yet but will be, so a reference
    ///   to a row later in the same batch is not a problem; it also remembers references already
    ///   found, so a batch of a thousand products of one producer looks that producer up once.
    package static func problems(
        _ db: Database, table: String, key: DatabaseValue, reference: ReferenceData,
        known: KnownRows = KnownRows()
    ) throws -> [ValidationError] {
        guard let schema = OCOPSchema.table(named: table) else { return [] }
        // A cached statement: the query interface's fetchOne(key:) costs ten times as much.
        let statement = try db.cachedStatement(sql: "SELECT * FROM \"\(schema.name)\" WHERE id = ?")
        return try problems(db, table: table, statement: statement, arguments: [key], reference: reference, known: known)
    }

    /// Every problem with a row of `table` as it is about to be stored: `values` holds the value
    /// of every column of the table's schema, in order. The server judges a merged row this way
    /// before writing it, so a refused change has written nothing.
    package static func problems(
        _ db: Database, table: SyncedTable, key: DatabaseValue, values: [SyncValue], reference: ReferenceData, known: KnownRows
    ) throws -> [ValidationError] {
        var arguments: [DatabaseValue] = [key]
        arguments.reserveCapacity(values.count + 1)
        for value in values { arguments.append(value.databaseValue) }
        return try problems(
            db, table: table.schema.name, statement: try db.cachedStatement(sql: table.selectValues),
            arguments: StatementArguments(arguments), reference: reference, known: known
        )
    }

    /// Judges the row `statement` reads, if any, while the statement is on it. A row read
    /// through its statement finds a column by name in a dictionary; a row built from a
    /// dictionary, or copied out of its statement, searches every column name, lowercased, for
    /// every column a record decodes, which made judging a merged row cost more than merging it.
    private static func problems(
        _ db: Database, table: String, statement: Statement, arguments: StatementArguments, reference: ReferenceData, known: KnownRows
    ) throws -> [ValidationError] {
        let rows = try Row.fetchCursor(statement, arguments: arguments)
        guard let row = try rows.next() else { return [] }
        return try problems(db, table: table, row: row, reference: reference, known: known)
    }

    /// The same judgement for a backend that is not SQLite: `lookup` answers whether a row a
    /// reference names exists (a deleted row's tombstone counts) and which province it belongs to.
    package static func problems(
        table: SyncedTable, key: SyncValue, values: [SyncValue], reference: ReferenceData, known: KnownRows,
        lookup: (_ table: String, _ key: SyncValue) throws -> ReferencedRow?
    ) throws -> [ValidationError] {
        var columns: [String: DatabaseValue] = ["id": key.databaseValue]
        for (index, name) in table.columnNames.enumerated() { columns[name] = values[index].databaseValue }
        return try problems(table: table.schema.name, row: Row(columns), reference: reference, known: known, lookup: { target, value in
            try lookup(target, SyncValue(value)).map { $0.tenant.databaseValue }
        }, inspectionKey: { value in
            try lookup(InspectionKey.schema.name, SyncValue(value))?.inspectionKey
        })
    }

    private static func problems(_ db: Database, table: String, row: Row, reference: ReferenceData, known: KnownRows) throws -> [ValidationError] {
        try problems(table: table, row: row, reference: reference, known: known, lookup: { target, value in
            try storedTenant(db, table: target, key: value)
        }, inspectionKey: { value in
            try InspectionKey.fetchOne(db, sql: "SELECT * FROM inspection_keys WHERE id = ?", arguments: [value])
        })
    }

    /// The tenant of the stored row of `table` with `key` (NULL for a table every province sees),
    /// or nil if there is no such row. A row deleted since (its tombstone) still counts: a product
    /// of a producer that another machine deleted meanwhile is a conflict for people to settle,
    /// not invalid data.
    private static func storedTenant(_ db: Database, table target: String, key value: DatabaseValue) throws -> DatabaseValue? {
        guard let targetSchema = OCOPSchema.table(named: target) else { return nil }
        let targetTenant = targetSchema.scope == .tenant ? "\"\(TableSchema.tenantColumn)\"" : "NULL"
        let graveyard = SyncSchemaSQL.graveyard(targetSchema)
        let sql = "SELECT \(targetTenant) AS _tenant FROM \"\(target)\" WHERE id = ?1 "
            + "UNION ALL SELECT \(targetTenant) FROM \"\(graveyard)\" WHERE id = ?1 LIMIT 1"
        return try Row.fetchOne(try db.cachedStatement(sql: sql), arguments: [value]).map { $0["_tenant"] }
    }

    private static func problems(
        table: String, row: Row, reference: ReferenceData, known: KnownRows, lookup: (String, DatabaseValue) throws -> DatabaseValue?,
        inspectionKey: (DatabaseValue) throws -> InspectionKey?
    ) throws -> [ValidationError] {
        func check<Record: SyncedRecord>(_ type: Record.Type) throws -> [ValidationError] {
            let record: Record?
            do {
                record = try Record(row: row)
            } catch let error as DatabaseError {
                throw error
            } catch {
                let (field, reason) = Self.describe(error)
                return [ValidationError(record: table, field: field, reason: "cannot be read: \(reason)")]
            }
            guard let record else { return [] }
            return record.validationErrors(reference: reference)
                + (try referenceProblems(schema: Record.schema, row: row, known: known, lookup: lookup))
                + (try namedReferenceProblems(schema: Record.schema, row: row, known: known, lookup: lookup))
        }
        switch table {
        case Tenant.schema.name: return try check(Tenant.self)
        case Producer.schema.name: return try check(Producer.self)
        case MaterialArea.schema.name: return try check(MaterialArea.self)
        case Product.schema.name: return try check(Product.self)
        case Evaluation.schema.name: return try check(Evaluation.self)
        case Certificate.schema.name: return try check(Certificate.self)
        case Batch.schema.name: return try check(Batch.self)
        case CertificateEvent.schema.name: return try check(CertificateEvent.self)
        case Dossier.schema.name: return try check(Dossier.self)
        case CouncilScoreSheet.schema.name: return try check(CouncilScoreSheet.self)
        case ProducerConsent.schema.name: return try check(ProducerConsent.self)
        case GrowingAreaCode.schema.name: return try check(GrowingAreaCode.self)
        case LotEvent.schema.name: return try check(LotEvent.self)
        case InspectionKey.schema.name: return try check(InspectionKey.self)
        case ProductOffer.schema.name: return try check(ProductOffer.self)
        case FileAttachment.schema.name: return try check(FileAttachment.self)
        case Inspection.schema.name:
            let problems = try check(Inspection.self)
            guard problems.isEmpty, let inspection = try? Inspection(row: row) else { return problems }
            return try signatureProblems(inspection, key: try inspectionKey(row["key_id"]))
        default: return []
        }
    }

    /// A row that refers to a row of a table named in its own column (an attachment's owner)
    /// that does not exist, or is another province's: checked as a column's reference is. A
    /// table name that is not a synced table is the record's own validation's to report.
    private static func namedReferenceProblems(
        schema: TableSchema, row: Row, known: KnownRows, lookup: (String, DatabaseValue) throws -> DatabaseValue?
    ) throws -> [ValidationError] {
        guard let named = schema.namedTableReference, let target = row[named.tableColumn] as String?,
              OCOPSchema.table(named: target) != nil else { return [] }
        let key: DatabaseValue = row[named.keyColumn]
        let mine: DatabaseValue = schema.scope == .tenant ? row[TableSchema.tenantColumn] : .null
        guard !key.isNull, known.pending[target]?.contains(key) != true else { return [] }
        let found = KnownRows.Found(table: target, key: key, tenant: mine)
        if known.found.contains(found) { return [] }
        let id = UUID.fromDatabaseValue(key)?.uuidString.lowercased() ?? key.description
        guard let theirs = try lookup(target, key) else {
            return [ValidationError(record: schema.name, field: named.keyColumn, reason: "no \(target) row has id \(id)")]
        }
        if !mine.isNull, !theirs.isNull, mine != theirs {
            return [ValidationError(record: schema.name, field: named.keyColumn, reason: "the \(target) row \(id) belongs to another province")]
        }
        known.found.insert(found)
        return []
    }

    /// An inspection whose signature does not verify against its office's key, or signed by a
    /// key not valid on the day of the inspection: the state's word altered, or not the state's.
    private static func signatureProblems(_ inspection: Inspection, key: InspectionKey?) throws -> [ValidationError] {
        func problem(_ field: String, _ reason: String) -> [ValidationError] {
            [ValidationError(record: Inspection.schema.name, field: field, reason: reason)]
        }
        guard let key else { return problem("key_id", "no inspection office's key has this id") }
        guard inspection.isSigned(by: key) else {
            return problem("signature", "does not verify against the key of \(key.office.isEmpty ? "its office" : key.office): the inspection was altered, or not signed by that office")
        }
        guard key.isValid(on: inspection.inspectedOn) else {
            return problem("key_id", "the office's key was not valid on \(inspection.inspectedOn) (valid \(key.validFrom) to \(key.validUntil.map(\.description) ?? "now"))")
        }
        return []
    }

    /// Columns that refer to a row that does not exist, or to another province's row.
    private static func referenceProblems(
        schema: TableSchema, row: Row, known: KnownRows, lookup: (String, DatabaseValue) throws -> DatabaseValue?
    ) throws -> [ValidationError] {
        let referring = schema.columns.filter { $0.references != nil }
        guard !referring.isEmpty else { return [] }
        let mine: DatabaseValue = schema.scope == .tenant ? row[TableSchema.tenantColumn] : .null
        var problems: [ValidationError] = []
        for column in referring {
            let value: DatabaseValue = row[column.name]
            guard !value.isNull, let target = column.references, OCOPSchema.table(named: target) != nil else { continue }
            if known.pending[target]?.contains(value) == true { continue }
            let found = KnownRows.Found(table: target, key: value, tenant: mine)
            if known.found.contains(found) { continue }
            guard let theirs = try lookup(target, value) else {
                problems.append(ValidationError(record: schema.name, field: column.name, reason: "no \(target) row has this id"))
                continue
            }
            if !mine.isNull, !theirs.isNull, mine != theirs, column.name != TableSchema.tenantColumn {
                problems.append(ValidationError(record: schema.name, field: column.name, reason: "the \(target) row belongs to another province"))
            } else {
                known.found.insert(found)
            }
        }
        return problems
    }

    /// A decoding error in a user's words: which column, what was wrong.
    private static func describe(_ error: any Error) -> (field: String, reason: String) {
        if let error = error as? DecodingError {
            switch error {
            case .dataCorrupted(let context), .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context):
                let path = context.codingPath.map(\.stringValue).joined(separator: ".")
                return (path.isEmpty ? "row" : path, context.debugDescription)
            @unknown default:
                break
            }
        }
        // GRDB's own decoding errors name the column; the row and SQL it appends say nothing more.
        let text = UnreadableRow.reason(error)
        if let start = text.range(of: "column: \""), let end = text[start.upperBound...].firstIndex(of: "\"") {
            return (String(text[start.upperBound..<end]), text)
        }
        return ("row", text)
    }
}

/// Rows one write may refer to without looking them up again (see
/// ``StoredRowValidation/problems(_:table:key:reference:known:)``).
package final class KnownRows {
    /// A referred-to row found, for a referring row of `tenant`.
    struct Found: Hashable {
        var table: String
        var key: DatabaseValue
        var tenant: DatabaseValue
    }

    /// Rows the write creates that are not stored yet: table name → keys.
    package var pending: [String: Set<DatabaseValue>]
    var found = Set<Found>()

    package init(pending: [String: Set<DatabaseValue>] = [:]) {
        self.pending = pending
    }

    /// Rows the write creates, by table name, keyed as the sync engine carries them.
    package convenience init(pendingKeys: [String: Set<SyncValue>]) {
        self.init(pending: pendingKeys.mapValues { Set($0.map(\.databaseValue)) })
    }
}

/// A row a reference names, as a backend found it: which province it belongs to (NULL for a
/// table every province sees).
package struct ReferencedRow: Sendable, Equatable {
    package var tenant: SyncValue
    /// For a row of `inspection_keys`: the key, so an inspection's signature can be checked.
    package var inspectionKey: InspectionKey?

    package init(tenant: SyncValue, inspectionKey: InspectionKey? = nil) {
        self.tenant = tenant
        self.inspectionKey = inspectionKey
    }
}
