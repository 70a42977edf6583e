import Foundation
import GRDB
import OCOPModel
import OCOPSync

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
extension CertificateEvent.Kind: DatabaseValueConvertible {}
extension Dossier.Stage: DatabaseValueConvertible {}
extension Dossier.Outcome: DatabaseValueConvertible {}
extension LotEvent.EventType: DatabaseValueConvertible {}
extension Inspection.Kind: DatabaseValueConvertible {}
extension Inspection.Verdict: DatabaseValueConvertible {}
extension ProductOffer.Availability: DatabaseValueConvertible {}
extension ProductOffer.NetUnit: DatabaseValueConvertible {}
extension FileAttachment.Role: DatabaseValueConvertible {}
extension AttachmentMediaType: DatabaseValueConvertible {}

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
extension CertificateEvent: SyncedRecord {}
extension Dossier: SyncedRecord {}
extension CouncilScoreSheet: SyncedRecord {}
extension ProducerConsent: SyncedRecord {}
extension GrowingAreaCode: SyncedRecord {}
extension LotEvent: SyncedRecord {}
extension InspectionKey: SyncedRecord {}
extension Inspection: SyncedRecord {}
extension ProductOffer: SyncedRecord {}
extension FileAttachment: SyncedRecord {}

extension SyncedRecord {
    /// The record's key and column values as the sync engine carries them, for a backend that is
    /// not SQLite (the PostgreSQL store writes central-office decisions with them).
    package func syncValues() throws -> (key: SyncValue, values: [String: SyncValue]) {
        var values: [String: SyncValue] = [:]
        var key = SyncValue.null
        for (name, value) in try databaseDictionary {
            if name == TableSchema.primaryKey { key = SyncValue(value) } else { values[name] = SyncValue(value) }
        }
        return (key, values)
    }

    /// The record a row's values hold (`values` by column name, the key under `id`); throws
    /// when they do not make one.
    package init(syncValues values: [String: SyncValue]) throws {
        try self.init(row: Row(values.mapValues(\.databaseValue)))
    }
}
