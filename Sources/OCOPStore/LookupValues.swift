import Foundation
import OCOPModel

// The filters and rows of the central office's lookups, shared by every backend and by the
// HTTP API (whose JSON these Encodable forms are).

/// Which products a lookup returns. Every filter left nil matches everything.
public struct ProductFilter: Sendable, Hashable {
    /// Today's province code (`tenants.code`), e.g. `01`.
    public var provinceCode: String?
    /// `version:sector` as the stars report prints it, e.g. `QD148-2023:1`.
    public var sector: String?
    /// A classification code or a prefix of it at a dot, e.g. `1.2` (matches `1.2` and `1.2.3`).
    public var classificationCode: String?
    /// The star level of the certificate in force on ``date`` (a product counts at its highest).
    public var stars: Int?
    /// Products with a certificate in force on ``date`` (`true`) or without one (`false`).
    public var certified: Bool?
    public var producerType: ProducerType?
    public var producerID: UUID?
    public var status: ProductStatus?
    /// Words in the Vietnamese or English name, ignoring case, tones and marks (`che shan`
    /// finds `Chè Shan tuyết`).
    public var text: String?
    /// The day certificates must be in force.
    public var date: LocalDate

    /// Every field, so that a backend in another module can return one.
    public init(date: LocalDate) { self.date = date }
}

/// The certificate a product is counted at: its highest in force on the lookup's date.
public struct CertificateInForce: Encodable, Sendable, Hashable {
    public var id: UUID
    public var number: String
    public var stars: Int
    public var issuer: String
    public var issuedOn: String
    public var expiresOn: String

    enum CodingKeys: String, CodingKey { case id, number, stars, issuer, issuedOn = "issued_on", expiresOn = "expires_on" }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id.jsonText, forKey: .id)
        try container.encode(number, forKey: .number)
        try container.encode(stars, forKey: .stars)
        try container.encode(issuer, forKey: .issuer)
        try container.encode(issuedOn, forKey: .issuedOn)
        try container.encode(expiresOn, forKey: .expiresOn)
    }

    /// Every field, so that a backend in another module can return one.
    public init(id: UUID, number: String, stars: Int, issuer: String, issuedOn: String, expiresOn: String) {
        self.id = id
        self.number = number
        self.stars = stars
        self.issuer = issuer
        self.issuedOn = issuedOn
        self.expiresOn = expiresOn
    }
}

/// A product as a lookup lists it.
public struct ProductSummary: Encodable, Sendable, Hashable {
    public var id: UUID
    public var nameVi: String
    public var nameEn: String?
    public var classificationVersion: String
    public var classificationCode: String
    public var status: String
    public var gtin: String?
    public var provinceCode: String?
    public var provinceName: String?
    public var producerID: UUID
    public var producerName: String?
    public var producerType: String?
    /// Nil when no certificate is in force on the lookup's date.
    public var certificate: CertificateInForce?

    /// `version:sector`, as the stars report groups it.
    public var sector: String {
        "\(classificationVersion):\(classificationCode.split(separator: ".").first.map(String.init) ?? classificationCode)"
    }

    enum CodingKeys: String, CodingKey {
        case id, nameVi = "name_vi", nameEn = "name_en", classificationVersion = "classification_version"
        case classificationCode = "classification_code", sector, status, gtin, provinceCode = "province_code"
        case provinceName = "province_name", producerID = "producer_id", producerName = "producer_name"
        case producerType = "producer_type", stars, certificate
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id.jsonText, forKey: .id)
        try container.encode(nameVi, forKey: .nameVi)
        try container.encode(nameEn, forKey: .nameEn)
        try container.encode(classificationVersion, forKey: .classificationVersion)
        try container.encode(classificationCode, forKey: .classificationCode)
        try container.encode(sector, forKey: .sector)
        try container.encode(status, forKey: .status)
        try container.encode(gtin, forKey: .gtin)
        try container.encode(provinceCode, forKey: .provinceCode)
        try container.encode(provinceName, forKey: .provinceName)
        try container.encode(producerID.jsonText, forKey: .producerID)
        try container.encode(producerName, forKey: .producerName)
        try container.encode(producerType, forKey: .producerType)
        try container.encode(certificate?.stars, forKey: .stars)
        try container.encode(certificate, forKey: .certificate)
    }

    /// Every field, so that a backend in another module can return one.
    public init(id: UUID, nameVi: String, nameEn: String? = nil, classificationVersion: String, classificationCode: String,
                status: String, gtin: String? = nil, provinceCode: String? = nil, provinceName: String? = nil, producerID: UUID,
                producerName: String? = nil, producerType: String? = nil, certificate: CertificateInForce? = nil) {
        self.id = id
        self.nameVi = nameVi
        self.nameEn = nameEn
        self.classificationVersion = classificationVersion
        self.classificationCode = classificationCode
        self.status = status
        self.gtin = gtin
        self.provinceCode = provinceCode
        self.provinceName = provinceName
        self.producerID = producerID
        self.producerName = producerName
        self.producerType = producerType
        self.certificate = certificate
    }
}

/// A product with its history: descriptions, every certificate and evaluation, and the old
/// province it came from if a province merger moved it.
public struct ProductDetail: Encodable, Sendable {
    public struct CertificateEntry: Encodable, Sendable {
        public var id: String
        public var number: String
        public var stars: Int
        public var issuer: String
        public var issued_on: String
        public var expires_on: String
        public var status: String
        public var evaluation_id: String?

        enum CodingKeys: String, CodingKey { case id, number, stars, issuer, issued_on, expires_on, status, evaluation_id }

        /// Every key is present; a certificate without an evaluation has `evaluation_id: null`.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(number, forKey: .number)
            try container.encode(stars, forKey: .stars)
            try container.encode(issuer, forKey: .issuer)
            try container.encode(issued_on, forKey: .issued_on)
            try container.encode(expires_on, forKey: .expires_on)
            try container.encode(status, forKey: .status)
            try container.encode(evaluation_id, forKey: .evaluation_id)
        }

        /// Every field, so that a backend in another module can return one.
        public init(id: String, number: String, stars: Int, issuer: String, issued_on: String, expires_on: String,
                    status: String, evaluation_id: String? = nil) {
            self.id = id
            self.number = number
            self.stars = stars
            self.issuer = issuer
            self.issued_on = issued_on
            self.expires_on = expires_on
            self.status = status
            self.evaluation_id = evaluation_id
        }
    }

    public struct EvaluationEntry: Encodable, Sendable {
        public var id: String
        public var evaluated_on: String
        public var council: String
        public var criteria_set: String
        public var total: Score
        public var stars: Int

        /// Every field, so that a backend in another module can return one.
        public init(id: String, evaluated_on: String, council: String, criteria_set: String, total: Score, stars: Int) {
            self.id = id
            self.evaluated_on = evaluated_on
            self.council = council
            self.criteria_set = criteria_set
            self.total = total
            self.stars = stars
        }
    }

    public struct MergeOrigin: Encodable, Sendable {
        public var province_code: String?
        public var province_name: String?
        public var merged_on: String

        /// Every field, so that a backend in another module can return one.
        public init(province_code: String? = nil, province_name: String? = nil, merged_on: String) {
            self.province_code = province_code
            self.province_name = province_name
            self.merged_on = merged_on
        }
    }

    public var product: ProductSummary
    public var descriptionVi: String?
    public var descriptionEn: String?
    public var certificates: [CertificateEntry]
    public var evaluations: [EvaluationEntry]
    public var mergedFrom: [MergeOrigin]

    /// Every field, so that a backend in another module can return one.
    public init(product: ProductSummary, descriptionVi: String?, descriptionEn: String?, certificates: [CertificateEntry],
                evaluations: [EvaluationEntry], mergedFrom: [MergeOrigin]) {
        self.product = product
        self.descriptionVi = descriptionVi
        self.descriptionEn = descriptionEn
        self.certificates = certificates
        self.evaluations = evaluations
        self.mergedFrom = mergedFrom
    }

    enum CodingKeys: String, CodingKey {
        case descriptionVi = "description_vi", descriptionEn = "description_en", certificates, evaluations, mergedFrom = "merged_from"
    }

    public func encode(to encoder: any Encoder) throws {
        try product.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(descriptionVi, forKey: .descriptionVi)
        try container.encode(descriptionEn, forKey: .descriptionEn)
        try container.encode(certificates, forKey: .certificates)
        try container.encode(evaluations, forKey: .evaluations)
        try container.encode(mergedFrom, forKey: .mergedFrom)
    }
}

/// Which producers a lookup returns.
public struct ProducerFilter: Sendable, Hashable {
    public var provinceCode: String?
    public var type: ProducerType?
    /// Words in the name, ignoring case, tones and marks.
    public var text: String?
    /// The day certificates must be in force (for the certified-product count).
    public var date: LocalDate

    /// Every field, so that a backend in another module can return one.
    public init(date: LocalDate) { self.date = date }
}

/// A producer as the central office's API shows it. Never the personal data of a household
/// (head of household, ID number, phone, address): the API does not need them to answer its
/// questions, and a page in a browser is easy to share.
public struct ProducerSummary: Encodable, Sendable, Hashable {
    public var id: UUID
    public var name: String
    public var type: String
    public var taxCode: String?
    public var commune: String?
    public var provinceCode: String?
    public var provinceName: String?
    public var products: Int
    public var certifiedProducts: Int

    enum CodingKeys: String, CodingKey {
        case id, name, type, taxCode = "tax_code", commune, provinceCode = "province_code", provinceName = "province_name"
        case products, certifiedProducts = "certified_products"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id.jsonText, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(type, forKey: .type)
        // A household's tax code is its head's personal ID number (since 2025): left out.
        try container.encode(type == ProducerType.household.rawValue ? nil : taxCode, forKey: .taxCode)
        try container.encode(commune, forKey: .commune)
        try container.encode(provinceCode, forKey: .provinceCode)
        try container.encode(provinceName, forKey: .provinceName)
        try container.encode(products, forKey: .products)
        try container.encode(certifiedProducts, forKey: .certifiedProducts)
    }

    /// Every field, so that a backend in another module can return one.
    public init(id: UUID, name: String, type: String, taxCode: String? = nil, commune: String? = nil,
                provinceCode: String? = nil, provinceName: String? = nil, products: Int, certifiedProducts: Int) {
        self.id = id
        self.name = name
        self.type = type
        self.taxCode = taxCode
        self.commune = commune
        self.provinceCode = provinceCode
        self.provinceName = provinceName
        self.products = products
        self.certifiedProducts = certifiedProducts
    }
}


extension UUID {
    /// Lowercase, as ids are written everywhere in OCOP Sync's output.
    package var jsonText: String { uuidString.lowercased() }
}
