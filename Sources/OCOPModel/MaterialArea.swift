import Foundation

/// A raw-material area (vùng nguyên liệu), ideally with an official growing-area code
/// (mã số vùng trồng): the start of the traceability chain area → batch → product
/// (`material_areas`, tenant scope).
public struct MaterialArea: OCOPRecord {
    public static let schema = OCOPSchema.materialAreas

    public var id: UUID
    public var tenantID: UUID
    public var name: String
    /// The official growing-area code (mã số vùng trồng), e.g. `VN-LCOR-0012`: `VN` and two to
    /// four groups of capital letters and digits, joined by `-`.
    public var growingAreaCode: String?
    public var commune: String?
    /// Area in hectares, greater than 0 when known.
    public var areaHa: Double?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case tenantID = "tenant_id"
        case name
        case growingAreaCode = "growing_area_code"
        case commune
        case areaHa = "area_ha"
    }

    /// Text is trimmed and normalised to NFC; blank optional text becomes `nil`.
    public init(id: UUID = UUIDv7.generate(), tenantID: UUID, name: String, growingAreaCode: String? = nil,
                commune: String? = nil, areaHa: Double? = nil) {
        self.id = id
        self.tenantID = tenantID
        self.name = name.trimmedNFC()
        // Codes are printed in capitals; a lower-case entry means the same code.
        self.growingAreaCode = growingAreaCode?.trimmedNFCOrNil()?.uppercased()
        self.commune = commune?.trimmedNFCOrNil()
        self.areaHa = areaHa
    }

    /// Checks: name present; growing-area code in the official shape (``isGrowingAreaCode(_:)``);
    /// area a positive number.
    public func validationErrors(reference: ReferenceData) -> [ValidationError] {
        var check = FieldChecks(Self.schema.name)
        check.requiredText(name, "name")
        if let code = growingAreaCode, !Self.isGrowingAreaCode(code) {
            check.fail("growing_area_code", "\"\(code)\" is not a growing-area code: expected VN-, then capital letters and digits in groups joined by -, e.g. VN-LCOR-0012")
        }
        check.optionalText(commune, "commune")
        if let areaHa { check.number(areaHa, "area_ha", atLeast: 0, exclusive: true) }
        return check.errors
    }

    /// Whether `code` has the shape of an official growing-area code: `VN`, then two to four
    /// groups of 1–16 capital ASCII letters and digits, each after a `-` (`VN-LCOR-0012`,
    /// `VN-HNOR-0001-01`). Spaces, `_` and lower case are typing mistakes, not codes.
    public static func isGrowingAreaCode(_ code: String) -> Bool {
        let groups = code.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.first == "VN", (3...5).contains(groups.count) else { return false }
        return groups.dropFirst().allSatisfy { group in
            (1...16).contains(group.count) && group.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
        }
    }
}
