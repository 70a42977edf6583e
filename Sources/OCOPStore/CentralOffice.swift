import Foundation
import OCOPModel
import OCOPSync

/// The central office's writes to the national dataset.
///
/// Each is a write of the store's own central replica, so it is captured, stamped and numbered
/// in the feed like any province's change and reaches the owning province on its next pull.
public protocol CentralOffice: Sendable {
    /// Writes a certificate decision (``OCOPModel/CertificateLedger/Decision``: certificates and
    /// their dated events) in one transaction, after validating each row against `reference` —
    /// but only if every certificate it was decided on still has the stored status the decision
    /// read. Otherwise nothing is written and ``OCOPModel/ValidationErrors`` says which one
    /// changed: a decision never overwrites one made meanwhile (an `expire` racing a revocation).
    func saveCertificateDecision(_ decision: CertificateLedger.Decision, reference: ReferenceData) async throws

    /// Registers (or, with `valid_until`, retires) an inspection office's public key: a central
    /// write every replica receives, against which the office's inspections are verified.
    func saveInspectionKey(_ key: InspectionKey, reference: ReferenceData) async throws

    /// Settles a conflict: writes `value` to the conflict's column (nil: keep the row as it is)
    /// and records the resolution, in one transaction; the row is validated before the
    /// transaction commits. Throws ``CentralError`` if it was resolved meanwhile or the row is
    /// gone.
    func resolveConflict(_ item: ConflictItem, choice: ConflictChoice, writing value: SyncValue?,
                         reference: ReferenceData, at time: Date) async throws -> ConflictItem

    /// Merges a retired province into the one that absorbs it: its rows move; its account may
    /// still push what it had not synced, which lands in the survivor, but not pull
    /// (``RetiredProvince``).
    func mergeTenant(_ retired: UUID, into survivor: UUID, lastDay: LocalDate) async throws -> TenantMergeResult
}
