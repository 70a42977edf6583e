import Foundation

/// A raw-material area (vùng nguyên liệu), ideally with an official growing-area code
/// (mã số vùng trồng): the start of the traceability chain area → batch → product
/// (`material_areas`, tenant scope).
public struct MaterialArea: OCOPRecord {
    public static let schema = OCOPSchema.materialAreas

    public var id: UUID
    public var tenantID: UUID
    public var name: String
    /// The official growing-area code, e.g. `VN-LCOR-0012`; letters, digits, `-`, `.`, `_`, `/`.
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
        self.growingAreaCode = growingAreaCode?.trimmedNFCOrNil()
        self.commune = commune?.trimmedNFCOrNil()
        self.areaHa = areaHa
    }

    /// Checks: name present; growing-area code of code characters only (no spaces, at most
    /// 64); area a positive number.
    public func validationErrors(reference: ReferenceData) -> [ValidationError] {
        var check = FieldChecks(Self.schema.name)
        check.requiredText(name, "name")
        if let code = growingAreaCode {
            let allowed = code.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-._/".unicodeScalars.contains($0)) }
            if code.isEmpty || !allowed || code.count > 64 {
                check.fail("growing_area_code", "\"\(code)\" is not a growing-area code: use letters, digits and - . _ / only, at most 64")
            }
        }
        check.optionalText(commune, "commune")
        if let areaHa { check.number(areaHa, "area_ha", atLeast: 0, exclusive: true) }
        return check.errors
    }
}
