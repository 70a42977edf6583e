import Foundation

/// An OCOP producer ("chủ thể OCOP"): a cooperative, enterprise, cooperative group or household
/// business (`producers`, tenant scope).
///
/// `representative`, `national_id`, `phone` and `address` are personal data
/// (``ColumnSchema/isPersonalData`` in ``OCOPSchema/producers``): for a household they identify
/// a natural person and must never leave the country in a feed. ``personalDataFields`` names
/// them; ``withoutPersonalData()`` strips them. A household's own name usually carries its
/// owner's too: what may be published about a producer is ``PublicProducer``'s to decide.
public struct Producer: OCOPRecord {
    public static let schema = OCOPSchema.producers

    public var id: UUID
    public var tenantID: UUID
    public var name: String
    public var type: ProducerType
    /// Mã số thuế: 10 digits, 10 digits `-` 3 digits (branch), or a 12-digit personal ID
    /// number (used as the tax code of individuals and households since 1 July 2025).
    public var taxCode: String?
    public var commune: String?
    public var representative: String?
    /// Căn cước / CCCD (12 digits) or the older CMND (9 digits).
    public var nationalID: String?
    public var phone: String?
    public var address: String?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case tenantID = "tenant_id"
        case name, type
        case taxCode = "tax_code"
        case commune, representative
        case nationalID = "national_id"
        case phone, address
    }

    /// Text is trimmed and normalised to NFC; blank optional text becomes `nil`.
    public init(id: UUID = UUIDv7.generate(), tenantID: UUID, name: String, type: ProducerType,
                taxCode: String? = nil, commune: String? = nil, representative: String? = nil,
                nationalID: String? = nil, phone: String? = nil, address: String? = nil) {
        self.id = id
        self.tenantID = tenantID
        self.name = name.trimmedNFC()
        self.type = type
        self.taxCode = taxCode?.trimmedNFCOrNil()
        self.commune = commune?.trimmedNFCOrNil()
        self.representative = representative?.trimmedNFCOrNil()
        self.nationalID = nationalID?.trimmedNFCOrNil()
        self.phone = phone?.trimmedNFCOrNil()
        self.address = address?.trimmedNFCOrNil()
    }

    /// Whether the producer is a natural person (a household business): its personal fields
    /// then describe a private individual.
    public var isNaturalPerson: Bool { type == .household }

    /// The columns holding personal data, from the schema.
    public static var personalDataFields: [String] {
        schema.columns.filter(\.isPersonalData).map(\.name)
    }

    /// A copy with every personal-data field removed (the name stays: see ``PublicProducer``).
    public func withoutPersonalData() -> Producer {
        var copy = self
        copy.representative = nil
        copy.nationalID = nil
        copy.phone = nil
        copy.address = nil
        return copy
    }

    /// Checks: name present; tax code, national ID and phone well-formed when given; a
    /// household names its head (`representative`).
    public func validationErrors(reference: ReferenceData) -> [ValidationError] {
        var check = FieldChecks(Self.schema.name)
        check.requiredText(name, "name")
        if let taxCode, !Self.isTaxCode(taxCode) {
            check.fail("tax_code", "\"\(taxCode)\" is not a tax code: expected 10 digits, 10 digits-3 digits, or a 12-digit personal ID number")
        }
        check.optionalText(commune, "commune")
        check.optionalText(representative, "representative")
        if type == .household && representative == nil {
            check.fail("representative", "must name the head of the household for a household producer")
        }
        if let nationalID, !((nationalID.count == 12 || nationalID.count == 9) && FieldChecks.isASCIIDigits(Substring(nationalID))) {
            check.fail("national_id", "\"\(nationalID)\" is not an ID number: expected 12 digits (or 9 for an old ID card)")
        }
        if let phone, !Self.isPhoneNumber(phone) {
            check.fail("phone", "\"\(phone)\" is not a Vietnamese phone number: expected a mobile (0 and 9 digits) or a landline (02 and 9 digits), optionally with +84 for the 0")
        }
        check.optionalText(address, "address")
        return check.errors
    }

    /// Tax-code shapes accepted (see ``taxCode``).
    public static func isTaxCode(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: return (parts[0].count == 10 || parts[0].count == 12) && FieldChecks.isASCIIDigits(parts[0])
        case 2: return parts[0].count == 10 && parts[1].count == 3 && FieldChecks.isASCIIDigits(parts[0]) && FieldChecks.isASCIIDigits(parts[1])
        default: return false
        }
    }

    /// Vietnamese phone numbers: a mobile `0` + 9 digits (prefixes 03, 05, 07, 08, 09), or a landline `02` + 9 digits (area
    /// code included, as since 2017); `+84` or `84` may replace the leading `0`. Spaces, dots,
    /// dashes and parentheses are allowed as separators.
    public static func isPhoneNumber(_ text: String) -> Bool {
        var digits = text.filter { !" .-()".contains($0) }
        if digits.hasPrefix("+84") { digits = "0" + digits.dropFirst(3) }
        else if digits.hasPrefix("84") && (digits.count == 11 || digits.count == 12) { digits = "0" + digits.dropFirst(2) }
        guard digits.hasPrefix("0"), FieldChecks.isASCIIDigits(Substring(digits)) else { return false }
        let second = digits.dropFirst().first
        switch digits.count {
        case 10: return second.map { "35789".contains($0) } ?? false
        case 11: return second == "2"
        default: return false
        }
    }
}
