import Foundation

/// A row of one of the synced tables in ``OCOPSchema``.
///
/// Conforming types are plain values: `Codable` with coding keys equal to the table's column
/// names (plus `id`), so the storage layer can map them to rows without a translation table;
/// `Sendable` and `Hashable` so they cross tasks and compare by content. Validation is
/// separate from construction: rows arriving from another replica or an old schema are decoded
/// first and then judged, so a bad row can be reported (table, field, reason) instead of
/// failing to exist.
public protocol OCOPRecord: Codable, Sendable, Hashable, Identifiable where ID == UUID {
    /// The table the record is a row of.
    static var schema: TableSchema { get }
    /// The primary key: a UUIDv7 made where the row was created.
    var id: UUID { get }
    /// Every problem with this record, in field order; empty if it is valid. Reference data
    /// supplies classifications, criteria sets and provinces.
    func validationErrors(reference: ReferenceData) -> [ValidationError]
}

extension OCOPRecord {
    /// Throws ``ValidationErrors`` listing every problem, or returns if the record is valid.
    public func validate(reference: ReferenceData = .standard) throws(ValidationErrors) {
        let errors = validationErrors(reference: reference)
        if !errors.isEmpty { throw ValidationErrors(errors) }
    }

    /// Whether ``validationErrors(reference:)`` is empty.
    public func isValid(reference: ReferenceData = .standard) -> Bool {
        validationErrors(reference: reference).isEmpty
    }
}
