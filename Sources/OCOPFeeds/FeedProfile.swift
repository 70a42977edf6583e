import OCOPModel

/// Optional content a profile may publish. Identity, names, classification, the certificate,
/// the province and the producer's business name are always published.
public enum FeedField: String, Sendable, Hashable, Codable, CaseIterable {
    /// The product description.
    case description
    /// The GTIN (barcode number).
    case gtin
    /// The certificate (decision) number as printed.
    case certificateNumber = "certificate_number"
    /// An organisation producer's tax code. Never published for households, whose tax code is
    /// a personal ID number since 1 July 2025.
    case producerTaxID = "producer_tax_id"
}

/// What one partner's feed contains: configuration, not code. Every profile runs through the
/// same engine (``FeedExporter``).
public struct FeedProfile: Sendable, Hashable, Codable {
    /// Short name used in identifiers and file names (`asean`).
    public var id: String
    public var title: String
    /// Included sectors per classification version (`"QD148-2023": ["1", "2"]`); an empty list
    /// includes every sector of that version; a version not named is excluded. `nil` includes
    /// every product.
    public var sectors: [String: [String]]?
    /// Minimum star level of the certificate in force (3...5).
    public var minimumStars: Int
    /// Optional fields published.
    public var fields: Set<FeedField>
    /// Languages of text, in order of preference (`en` first for partners abroad; `vi` keeps
    /// the original).
    public var languages: [Language]
    /// Products per JSON-LD page.
    public var pageSize: Int

    public init(id: String, title: String, sectors: [String: [String]]?, minimumStars: Int, fields: Set<FeedField>,
                languages: [Language], pageSize: Int = 1000) {
        self.id = id
        self.title = title
        self.sectors = sectors
        self.minimumStars = minimumStars
        self.fields = fields
        self.languages = languages
        self.pageSize = pageSize
    }

    /// ASEAN OVOP partners: every sector of both classification versions, 3★ and above, all
    /// optional fields.
    public static let asean = FeedProfile(
        id: "asean", title: "Vietnam OCOP certified products for ASEAN OVOP partners",
        sectors: nil, minimumStars: 3, fields: Set(FeedField.allCases), languages: [.en, .vi]
    )

    /// The iOCOP network: goods only (food, beverages, herbal products, handicrafts; not
    /// ornamentals or tourism services), 4★ and above, no tax codes.
    public static let iocop = FeedProfile(
        id: "iocop", title: "Vietnam OCOP certified products for the international OCOP network (iOCOP)",
        sectors: ["QD148-2023": ["1", "2", "3", "4"], "QD1048-2019": ["1", "2", "3", "4", "5"]],
        minimumStars: 4, fields: [.description, .gtin, .certificateNumber], languages: [.en, .vi]
    )

    /// The built-in profiles.
    public static let builtIn: [FeedProfile] = [.asean, .iocop]

    /// The built-in profile named `id`, or `nil`.
    public static func named(_ id: String) -> FeedProfile? { builtIn.first { $0.id == id } }

    /// Whether the profile includes a product classified `(version, code)` with `stars`.
    public func includes(classificationVersion version: String, code: String, stars: Int) -> Bool {
        guard stars >= minimumStars else { return false }
        guard let sectors else { return true }
        guard let allowed = sectors[version] else { return false }
        let sector = code.split(separator: ".").first.map(String.init) ?? code
        return allowed.isEmpty || allowed.contains(sector)
    }
}
