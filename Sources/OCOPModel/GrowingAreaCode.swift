import Foundation

/// An official growing-area code (mã số vùng trồng) granted to a material area
/// (`growing_area_codes`, tenant scope): the crop it covers, the product classification that
/// crop supplies, who issued it and for how long, and where the area lies.
public struct GrowingAreaCode: OCOPRecord {
    public static let schema = OCOPSchema.growingAreaCodes

    public var id: UUID
    public var tenantID: UUID
    public var materialAreaID: UUID
    /// The code as issued, e.g. `VN-LCA-SAPA-0012`.
    public var code: String
    /// The crop, e.g. `chè shan tuyết`.
    public var crop: String
    /// The product classification the crop supplies (a code of any classification version,
    /// e.g. `1.5.a` for tea): a lot of a product of another group cannot come from this area.
    public var classificationCode: String
    /// The issuing authority, e.g. `Chi cục Trồng trọt và Bảo vệ thực vật tỉnh Lào Cai`.
    public var issuedBy: String
    public var validFrom: LocalDate
    public var validUntil: LocalDate?
    public var latitude: Double?
    public var longitude: Double?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case tenantID = "tenant_id"
        case materialAreaID = "material_area_id"
        case code, crop
        case classificationCode = "classification_code"
        case issuedBy = "issued_by"
        case validFrom = "valid_from"
        case validUntil = "valid_until"
        case latitude, longitude
    }

    /// Text is trimmed and normalised to NFC.
    public init(id: UUID = UUIDv7.generate(), tenantID: UUID, materialAreaID: UUID, code: String, crop: String,
                classificationCode: String, issuedBy: String, validFrom: LocalDate, validUntil: LocalDate? = nil,
                latitude: Double? = nil, longitude: Double? = nil) {
        self.id = id
        self.tenantID = tenantID
        self.materialAreaID = materialAreaID
        // Codes are printed in capitals; a lower-case entry means the same code.
        self.code = code.trimmedNFC().uppercased()
        self.crop = crop.trimmedNFC()
        self.classificationCode = classificationCode.trimmedNFC()
        self.issuedBy = issuedBy.trimmedNFC()
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.latitude = latitude
        self.longitude = longitude
    }

    /// Whether the code is valid on `date`.
    public func isValid(on date: LocalDate) -> Bool {
        validFrom <= date && (validUntil.map { date <= $0 } ?? true)
    }

    /// Whether a product of `productClassification` may come from this area: the code's
    /// classification is the product's or a group containing it, compared by whole dotted
    /// parts (`1.5` covers `1.5.a`; `1.5` does not cover `1.50`).
    public func supplies(_ productClassification: String) -> Bool {
        productClassification == classificationCode || productClassification.hasPrefix(classificationCode + ".")
    }

    /// Checks: code in the official shape (``MaterialArea/isGrowingAreaCode(_:)``), crop and issuer present; the classification code exists in some
    /// classification version; validity in order; coordinates within Viet Nam's bounds.
    public func validationErrors(reference: ReferenceData) -> [ValidationError] {
        var check = FieldChecks(Self.schema.name)
        check.requiredText(code, "code", maximumLength: 64)
        if check.errors.isEmpty, !MaterialArea.isGrowingAreaCode(code) {
            check.fail("code", "\"\(code)\" is not a growing-area code: expected VN-, then capital letters and digits in groups joined by -, e.g. VN-LCOR-0012")
        }
        check.requiredText(crop, "crop")
        check.requiredText(issuedBy, "issued_by")
        if !reference.classifications.contains(where: { $0.node(code: classificationCode) != nil }) {
            check.fail("classification_code", "\"\(classificationCode)\" is not a product classification code")
        }
        if let validUntil, validUntil < validFrom {
            check.fail("valid_until", "\(validUntil) is before valid_from \(validFrom)")
        }
        if let latitude, !(8.0...23.5).contains(latitude) { check.fail("latitude", "\(latitude) is outside Viet Nam (8°–23.5° N)") }
        if let longitude, !(102.0...110.0).contains(longitude) { check.fail("longitude", "\(longitude) is outside Viet Nam (102°–110° E)") }
        if (latitude == nil) != (longitude == nil) { check.fail(latitude == nil ? "latitude" : "longitude", "latitude and longitude go together") }
        return check.errors
    }
}
