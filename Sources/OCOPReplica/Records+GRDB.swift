import Foundation
import GRDB
import OCOPModel

// The OCOP record types map to their tables through their Codable conformance: coding keys are
// the column names. Values that are text in SQLite (dates, vocabularies) are stored as text.

extension LocalDate: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { description.databaseValue }
    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> LocalDate? {
        String.fromDatabaseValue(dbValue).flatMap { LocalDate($0) }
    }
}

extension ProducerType: DatabaseValueConvertible {}
extension ProductStatus: DatabaseValueConvertible {}
extension CertificateStatus: DatabaseValueConvertible {}
extension CouncilLevel: DatabaseValueConvertible {}
extension ProvinceKind: DatabaseValueConvertible {}

/// A record of a synced table, readable and writable through GRDB.
package protocol SyncedRecord: OCOPRecord, FetchableRecord, PersistableRecord {}

extension SyncedRecord {
    public static var databaseTableName: String { schema.name }
}

extension Tenant: SyncedRecord {}
extension Producer: SyncedRecord {}
extension MaterialArea: SyncedRecord {}
extension Product: SyncedRecord {}
extension Evaluation: SyncedRecord {}
extension Certificate: SyncedRecord {}
extension Batch: SyncedRecord {}
