import Foundation

/// A province OCOP office: one tenant per provincial-level unit (`tenants`, central scope).
///
/// The 2025 merger closes tenants rather than renumbering them: a merged tenant gets
/// `valid_until` and `merged_into` (the tenant that took its rows), so history is kept and ids
/// never change. `code` is the two-digit unit code of the tenant's period.
public struct Tenant: OCOPRecord {
    public static let schema = OCOPSchema.tenants

    public var id: UUID
    public var code: String
    public var name: String
    public var kind: ProvinceKind
    public var mergedInto: UUID?
    public var validFrom: LocalDate?
    public var validUntil: LocalDate?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id, code, name, kind
        case mergedInto = "merged_into"
        case validFrom = "valid_from"
        case validUntil = "valid_until"
    }

    /// Text is trimmed and normalised to NFC.
    public init(id: UUID = UUIDv7.generate(), code: String, name: String, kind: ProvinceKind,
                mergedInto: UUID? = nil, validFrom: LocalDate? = nil, validUntil: LocalDate? = nil) {
        self.id = id
        self.code = code.trimmedNFC()
        self.name = name.trimmedNFC()
        self.kind = kind
        self.mergedInto = mergedInto
        self.validFrom = validFrom
        self.validUntil = validUntil
    }

    /// A tenant for a unit from the reference data (units whose kind our sources do not give
    /// become `.province`).
    public init(id: UUID = UUIDv7.generate(), province: Province) {
        self.init(id: id, code: province.code, name: province.name, kind: province.kind ?? .province,
                  validFrom: province.validFrom, validUntil: province.validUntil)
    }

    /// Checks: code is two digits and names a unit of the reference data (on `valid_from` if
    /// set), name present, `valid_from` ≤ `valid_until`, a merged tenant has `valid_until`, and
    /// `merged_into` is not the tenant itself.
    public func validationErrors(reference: ReferenceData) -> [ValidationError] {
        var check = FieldChecks(Self.schema.name)
        if code.count != 2 || !FieldChecks.isASCIIDigits(Substring(code)) {
            check.fail("code", "\"\(code)\" is not a two-digit province code")
        } else if let from = validFrom {
            if reference.provinces.province(code: code, on: from) == nil {
                check.fail("code", "\(code) was not a province code on \(from)")
            }
        } else if !reference.provinces.allUnits.contains(where: { $0.code == code }) {
            check.fail("code", "\(code) is not a known province code")
        }
        check.requiredText(name, "name")
        if let from = validFrom, let until = validUntil, until < from {
            check.fail("valid_until", "\(until) is before valid_from \(from)")
        }
        if mergedInto != nil && validUntil == nil {
            check.fail("valid_until", "must be set when the tenant is merged into another")
        }
        check.notSelf(mergedInto, id: id, "merged_into")
        return check.errors
    }
}
