import Foundation

/// How a product is sold: its price in đồng, whether it can be bought, and the net content of
/// the package the price is for (`product_offers`, tenant scope).
///
/// A product has at most one offer: the offer's `id` is its product's id, so two officers who
/// set the price and the availability on different machines merge into one offer, column by
/// column, like any row. Shops and partners read it as a schema.org `Offer`.
public struct ProductOffer: OCOPRecord {
    public static let schema = OCOPSchema.productOffers

    /// Highest price accepted, in đồng: a typo guard far above any OCOP product (10 billion đồng).
    public static let maximumPriceVND: Int64 = 10_000_000_000

    /// Whether the product can be bought (schema.org's `ItemAvailability` members).
    public enum Availability: String, Sendable, Hashable, Codable, CaseIterable {
        case inStock = "in_stock"
        case outOfStock = "out_of_stock"
        case preOrder = "pre_order"
        case discontinued

        /// The schema.org enumeration member, e.g. `InStock`.
        public var schemaOrgName: String {
            switch self {
            case .inStock: return "InStock"
            case .outOfStock: return "OutOfStock"
            case .preOrder: return "PreOrder"
            case .discontinued: return "Discontinued"
            }
        }
    }

    /// Units of net content, with their UN/CEFACT common codes (what schema.org's `unitCode` takes).
    public enum NetUnit: String, Sendable, Hashable, Codable, CaseIterable {
        case gram = "g"
        case kilogram = "kg"
        case millilitre = "ml"
        case litre = "l"
        case piece

        /// UN/CEFACT Recommendation 20 code: GRM, KGM, MLT, LTR, H87.
        public var unitCode: String {
            switch self {
            case .gram: return "GRM"
            case .kilogram: return "KGM"
            case .millilitre: return "MLT"
            case .litre: return "LTR"
            case .piece: return "H87"
            }
        }
    }

    /// The product's id (one offer per product).
    public var id: UUID
    public var tenantID: UUID
    public var productID: UUID
    /// The retail price in đồng, when known.
    public var priceVND: Int64?
    public var availability: Availability
    /// Net content of the package the price is for (500 for 500 g), with ``netUnit``.
    public var netQuantity: Double?
    public var netUnit: NetUnit?
    /// The day the price or availability was last set.
    public var recordedOn: LocalDate

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case tenantID = "tenant_id"
        case productID = "product_id"
        case priceVND = "price_vnd"
        case availability
        case netQuantity = "net_quantity"
        case netUnit = "net_unit"
        case recordedOn = "recorded_on"
    }

    /// The offer of `product`: its id is the product's.
    public init(product: Product, priceVND: Int64? = nil, availability: Availability = .inStock,
                netQuantity: Double? = nil, netUnit: NetUnit? = nil, recordedOn: LocalDate) {
        self.id = product.id
        self.tenantID = product.tenantID
        self.productID = product.id
        self.priceVND = priceVND
        self.availability = availability
        self.netQuantity = netQuantity
        self.netUnit = netUnit
        self.recordedOn = recordedOn
    }

    /// Checks: the offer's id is its product's; a price from 0 to ``maximumPriceVND``; net
    /// quantity positive and given with its unit.
    public func validationErrors(reference: ReferenceData) -> [ValidationError] {
        var check = FieldChecks(Self.schema.name)
        if id != productID {
            check.fail("id", "must equal product_id: a product has one offer, whose id is the product's")
        }
        if let priceVND, priceVND < 0 || priceVND > Self.maximumPriceVND {
            check.fail("price_vnd", "\(priceVND) is not a price in đồng from 0 to \(Self.maximumPriceVND)")
        }
        if let netQuantity { check.number(netQuantity, "net_quantity", atLeast: 0, exclusive: true) }
        if (netQuantity == nil) != (netUnit == nil) {
            check.fail(netQuantity == nil ? "net_quantity" : "net_unit", "net_quantity and net_unit are given together")
        }
        return check.errors
    }

    /// An amount as prices are written in Viet Nam: `250.000` (dots between thousands).
    public static func groupedThousands(_ value: Int64) -> String {
        var digits = String(value.magnitude)
        var groups: [String] = []
        while digits.count > 3 {
            groups.insert(String(digits.suffix(3)), at: 0)
            digits.removeLast(3)
        }
        groups.insert(digits, at: 0)
        return (value < 0 ? "-" : "") + groups.joined(separator: ".")
    }

    /// Parses net content as printed on a package: `500g`, `500 g`, `1,5 kg`, `750ml`, `1 l`,
    /// `6 piece`. A decimal comma is read as Vietnamese packages print it.
    public static func parseNetContent(_ text: String) -> (quantity: Double, unit: NetUnit)? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let split = trimmed.firstIndex(where: { $0.isLetter }) else { return nil }
        let number = trimmed[..<split].trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".")
        let unitText = trimmed[split...].trimmingCharacters(in: .whitespaces)
        guard let quantity = Double(number), quantity.isFinite, quantity > 0,
              let unit = NetUnit(rawValue: unitText == "pieces" ? "piece" : unitText) else { return nil }
        return (quantity, unit)
    }
}
