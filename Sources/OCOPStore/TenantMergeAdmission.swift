import Foundation
import OCOPModel

/// Why a tenant merge is refused, naming the option it comes from (`retired`, `into`,
/// `last-day`, `reform`) so a command can name it, and in the message the `tenants` row and
/// field at fault.
public struct TenantMergeAdmissionError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Field: String, Sendable { case retired, into, lastDay = "last-day", reform }
    public var field: Field
    public var message: String
    public var description: String { "\(field.rawValue): \(message)" }
}

/// Checks a tenant merge against the reference table of provincial units before anything is
/// written: a province is merged only into the unit the 2025 table says it became, on the last
/// day the table gives, unless the operator names a later reform (``check(retired:survivor:lastDay:reform:registry:)``'s
/// `reform`), for which the table cannot know the pairs yet.
///
/// The store's own `mergeTenant` moves rows and nothing else (tests and data migrations merge
/// units of other periods); administrators merge through ``CentralOffice/mergeTenantFollowingReference(_:into:lastDay:reform:registry:)``.
public enum TenantMergeAdmission {
    /// The succession row the merge follows, or `nil` when `reform` stands in for the table.
    ///
    /// Whatever `reform` says, a province is never merged into itself, twice, into a province
    /// that is itself merged, or with a last day before its first (`valid_from`).
    public static func check(retired: Tenant, survivor: Tenant, lastDay: LocalDate, reform: String?,
                             registry: ProvinceRegistry = .standard) throws(TenantMergeAdmissionError) -> ProvinceSuccession? {
        func label(_ tenant: Tenant) -> String { "\(tenant.code) (\(tenant.name), tenants row \(tenant.id.uuidString.lowercased()))" }
        guard retired.id != survivor.id else {
            throw TenantMergeAdmissionError(field: .into, message: "\(label(retired)) cannot be merged into itself")
        }
        if let target = retired.mergedInto {
            throw TenantMergeAdmissionError(field: .retired, message: """
                \(label(retired)) is already merged: its merged_into is \(target.uuidString.lowercased())\
                \(retired.validUntil.map { " (last day \($0))" } ?? "")
                """)
        }
        if let target = survivor.mergedInto {
            throw TenantMergeAdmissionError(field: .into, message: """
                \(label(survivor)) is itself merged (merged_into \(target.uuidString.lowercased())); merge into the province that took it
                """)
        }
        if let first = retired.validFrom, lastDay < first {
            throw TenantMergeAdmissionError(field: .lastDay, message: """
                \(lastDay) is before the valid_from of \(label(retired)), \(first): a province's last day cannot come before its first
                """)
        }
        if let reform {
            guard !reform.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw TenantMergeAdmissionError(field: .reform, message: "empty: name the reform's legal basis (e.g. its resolution number)")
            }
            return nil
        }
        let override = "; a merger of a later reform is given with --reform \"its legal basis\""
        guard let succession = registry.succession(ofOldCode: retired.code),
              succession.newCode == survivor.code, succession.oldCode != succession.newCode else {
            let known: String
            if let succession = registry.succession(ofOldCode: retired.code) {
                known = succession.oldCode == succession.newCode
                    ? "\(succession.oldCode) (\(succession.oldName)) continues as \(succession.newCode) (\(succession.newName)) after \(succession.validUntil)"
                    : "\(succession.oldCode) (\(succession.oldName)) became \(succession.newCode) (\(succession.newName)) after \(succession.validUntil)"
            } else {
                known = "\(retired.code) is not a code of the table"
            }
            throw TenantMergeAdmissionError(field: .into, message: """
                the 2025 reference table has no merger of \(retired.code) (\(retired.name)) into \(survivor.code) \
                (\(survivor.name)) with last day \(lastDay): \(known)\(override)
                """)
        }
        guard lastDay == succession.validUntil else {
            throw TenantMergeAdmissionError(field: .lastDay, message: """
                \(lastDay) is not the last day of \(succession.oldCode) (\(succession.oldName)) before it became \
                \(succession.newCode) (\(succession.newName)): the 2025 reference table gives \(succession.validUntil)\(override)
                """)
        }
        return succession
    }
}

extension CentralOffice where Self: NationalReads {
    /// Merges `retired` into `survivor` after ``TenantMergeAdmission/check(retired:survivor:lastDay:reform:registry:)``
    /// accepted it: what administrators run. Nothing is written when the check refuses.
    ///
    /// The tenants are read through the feed's consistent read (every backend has it; a
    /// merge happens once per reform, so reading the national dataset whole is affordable).
    public func mergeTenantFollowingReference(_ retired: UUID, into survivor: UUID, lastDay: LocalDate, reform: String?,
                                              registry: ProvinceRegistry = .standard) async throws -> TenantMergeResult {
        let tenants = try await readFeed(since: nil) { $0.tenants }
        func tenant(_ id: UUID, _ field: TenantMergeAdmissionError.Field) throws -> Tenant {
            guard let tenant = tenants.first(where: { $0.id == id }) else {
                throw TenantMergeAdmissionError(field: field, message: "no tenants row \(id.uuidString.lowercased()) in the national dataset")
            }
            return tenant
        }
        _ = try TenantMergeAdmission.check(retired: try tenant(retired, .retired), survivor: try tenant(survivor, .into),
                                           lastDay: lastDay, reform: reform, registry: registry)
        return try await mergeTenant(retired, into: survivor, lastDay: lastDay)
    }
}
