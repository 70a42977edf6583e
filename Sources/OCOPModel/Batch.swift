import Foundation

/// A production batch (lot) of a product, optionally tied to the raw-material area it came
/// from: the traceability link area → batch → product (`batches`, tenant scope). The fastest
/// growing table.
public struct Batch: OCOPRecord {
    public static let schema = OCOPSchema.batches

    public var id: UUID
    public var tenantID: UUID
    public var productID: UUID
    public var materialAreaID: UUID?
    /// The producer's lot code as printed on the package.
    public var lotCode: String
    public var producedOn: LocalDate
    /// Amount produced, greater than 0 when known, in ``unit``.
    public var quantity: Double?
    /// Unit of ``quantity``, e.g. `kg`, `lít`, `chai`, `hộp`.
    public var unit: String?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case tenantID = "tenant_id"
        case productID = "product_id"
        case materialAreaID = "material_area_id"
        case lotCode = "lot_code"
        case producedOn = "produced_on"
        case quantity, unit
    }

    /// Text is trimmed and normalised to NFC; blank optional text becomes `nil`.
    public init(id: UUID = UUIDv7.generate(), tenantID: UUID, productID: UUID, materialAreaID: UUID? = nil,
                lotCode: String, producedOn: LocalDate, quantity: Double? = nil, unit: String? = nil) {
        self.id = id
        self.tenantID = tenantID
        self.productID = productID
        self.materialAreaID = materialAreaID
        self.lotCode = lotCode.trimmedNFC()
        self.producedOn = producedOn
        self.quantity = quantity
        self.unit = unit?.trimmedNFCOrNil()
    }

    /// Checks: lot code present (at most 64 characters); quantity positive and, when given,
    /// with a unit.
    public func validationErrors(reference: ReferenceData) -> [ValidationError] {
        var check = FieldChecks(Self.schema.name)
        check.requiredText(lotCode, "lot_code", maximumLength: 64)
        if let quantity {
            check.number(quantity, "quantity", atLeast: 0, exclusive: true)
            if unit == nil { check.fail("unit", "must be given when quantity is") }
        }
        check.optionalText(unit, "unit", maximumLength: 32)
        return check.errors
    }
}
