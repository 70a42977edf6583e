import Foundation

/// An OCOP product registered by a province (`products`, tenant scope).
///
/// The product keeps the classification version it was classified under
/// (`classification_version`, e.g. `QD148-2023`) and a code at the finest level that version
/// has (a leaf: `1.4.a`, or `1.6` where a group has no sub-groups, or a sector for QD1048-2019).
public struct Product: OCOPRecord {
    public static let schema = OCOPSchema.products

    public var id: UUID
    public var tenantID: UUID
    public var producerID: UUID
    public var classificationCode: String
    public var classificationVersion: String
    public var nameVi: String
    public var nameEn: String?
    public var descriptionVi: String?
    public var descriptionEn: String?
    public var materialAreaID: UUID?
    /// GTIN-8, -12, -13 or -14 with a valid check digit (the barcode number).
    public var gtin: String?
    public var status: ProductStatus

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case tenantID = "tenant_id"
        case producerID = "producer_id"
        case classificationCode = "classification_code"
        case classificationVersion = "classification_version"
        case nameVi = "name_vi"
        case nameEn = "name_en"
        case descriptionVi = "description_vi"
        case descriptionEn = "description_en"
        case materialAreaID = "material_area_id"
        case gtin, status
    }

    /// Text is trimmed and normalised to NFC; blank optional text becomes `nil`.
    public init(id: UUID = UUIDv7.generate(), tenantID: UUID, producerID: UUID, classificationCode: String,
                classificationVersion: String = ClassificationVersion.qd148_2023.id, nameVi: String,
                nameEn: String? = nil, descriptionVi: String? = nil, descriptionEn: String? = nil,
                materialAreaID: UUID? = nil, gtin: String? = nil, status: ProductStatus = .registered) {
        self.id = id
        self.tenantID = tenantID
        self.producerID = producerID
        self.classificationCode = classificationCode.trimmedNFC()
        self.classificationVersion = classificationVersion.trimmedNFC()
        self.nameVi = nameVi.trimmedNFC()
        self.nameEn = nameEn?.trimmedNFCOrNil()
        self.descriptionVi = descriptionVi?.trimmedNFCOrNil()
        self.descriptionEn = descriptionEn?.trimmedNFCOrNil()
        self.materialAreaID = materialAreaID
        self.gtin = gtin?.trimmedNFCOrNil()
        self.status = status
    }

    /// Checks: Vietnamese name present; classification version known and the code a leaf of
    /// it; GTIN well-formed with a correct check digit.
    public func validationErrors(reference: ReferenceData) -> [ValidationError] {
        var check = FieldChecks(Self.schema.name)
        if let version = reference.classification(version: classificationVersion) {
            if version.node(code: classificationCode) == nil {
                check.fail("classification_code", "\"\(classificationCode)\" is not a code of classification \(version.id)")
            } else if !version.isLeaf(code: classificationCode) {
                let options = version.children(of: classificationCode).map(\.code).joined(separator: ", ")
                check.fail("classification_code", "\(classificationCode) has sub-divisions in \(version.id); choose one of \(options)")
            }
        } else {
            let known = reference.classifications.map(\.id).joined(separator: ", ")
            check.fail("classification_version", "\"\(classificationVersion)\" is not a known classification version (known: \(known))")
        }
        check.requiredText(nameVi, "name_vi")
        check.optionalText(nameEn, "name_en")
        check.optionalText(descriptionVi, "description_vi", maximumLength: FieldChecks.maximumTextLength)
        check.optionalText(descriptionEn, "description_en", maximumLength: FieldChecks.maximumTextLength)
        if let gtin, let problem = Self.gtinProblem(gtin) {
            check.fail("gtin", problem)
        }
        return check.errors
    }

    /// Why `text` is not a GTIN, or `nil` if it is one: 8, 12, 13 or 14 digits whose last digit
    /// is the GS1 mod-10 check digit of the others.
    public static func gtinProblem(_ text: String) -> String? {
        switch GTIN.parse(text) {
        case .success: return nil
        case .failure(.notDigits), .failure(.badLength): return "\"\(text)\" is not a GTIN: expected 8, 12, 13 or 14 digits"
        case .failure(.badCheckDigit(let expected)): return "\(text) has check digit \(text.last!), expected \(expected)"
        }
    }
}
