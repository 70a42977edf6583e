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

    /// Checks: the lot code (``lotCodeProblem(_:)``); produced on or after the programme began
    /// (``ReferenceData/programmeStart``); quantity positive; quantity and unit given together.
    ///
    /// Not here, because a row synced from elsewhere cannot be judged by this machine's clock
    /// or by rows it may not have yet: "not in the future" (the CLI checks it against today) and
    /// the rules across rows (``linkErrors(product:area:areaCodes:otherLots:)``).
    ///
    /// "Not before the producer existed" is deliberately not a rule: the only trace of when a
    /// producer began is its row's UUIDv7 time, which is when the province *registered* it, and
    /// provinces back-fill lots produced years before they registered the producer. The
    /// programme's start is the earliest date any OCOP lot can have.
    public func validationErrors(reference: ReferenceData) -> [ValidationError] {
        var check = FieldChecks(Self.schema.name)
        check.requiredText(lotCode, "lot_code", maximumLength: Self.maximumLotCodeLength)
        // Spaces and control characters are reported once, by the text check above.
        if check.errors.isEmpty, let problem = Self.lotCodeProblem(lotCode) { check.fail("lot_code", problem) }
        if producedOn < ReferenceData.programmeStart {
            check.fail("produced_on", "\(producedOn) is before the OCOP programme began (\(ReferenceData.programmeStart))")
        }
        if let quantity {
            check.number(quantity, "quantity", atLeast: 0, exclusive: true)
            if unit == nil { check.fail("unit", "must be given when quantity is") }
        } else if unit != nil {
            check.fail("quantity", "must be given when unit is")
        }
        check.optionalText(unit, "unit", maximumLength: 32)
        return check.errors
    }

    /// Longest lot code accepted. GS1 barcodes carry at most 20 characters in AI (10); longer
    /// codes (some producers' internal codes) are kept, and their labels use the short link.
    public static let maximumLotCodeLength = 64

    /// The characters a lot code may use: GS1's AI-encodable set 82 (the characters AI (10)
    /// allows): ASCII letters and digits and `! " % & ' ( ) * + , - . / : ; < = > ? _`. No
    /// spaces, no diacritics: the code is printed in barcodes and typed by people reading a
    /// package, where `LÔ 01` and `LO01` would be two codes that look like one.
    public static let lotCodeCharacters: Set<Unicode.Scalar> = Set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!\"%&'()*+,-./:;<=>?_".unicodeScalars)

    /// Why `code` is not a lot code, or `nil` if it is one: 1–64 characters of
    /// ``lotCodeCharacters``.
    public static func lotCodeProblem(_ code: String) -> String? {
        if code.isEmpty { return "must not be empty" }
        if code.unicodeScalars.count > maximumLotCodeLength {
            return "is \(code.count) characters long; the maximum is \(maximumLotCodeLength)"
        }
        if let bad = code.unicodeScalars.first(where: { !lotCodeCharacters.contains($0) }) {
            let shown = bad == " " ? "a space" : bad.properties.generalCategory == .control
                ? String(format: "control character U+%04X", bad.value) : "\"\(bad)\""
            return "contains \(shown): a lot code uses the GS1 AI (10) characters only (A–Z, a–z, 0–9 and ! \" % & ' ( ) * + , - . / : ; < = > ? _)"
        }
        return nil
    }
}
