import Foundation
import GRDB
import OCOPModel

/// One page of a lookup: the items, the number of matches in all, and where the page starts.
public struct LookupPage<Item: Encodable & Sendable>: Encodable, Sendable {
    public var items: [Item]
    public var total: Int
    public var limit: Int
    public var offset: Int

    enum CodingKeys: String, CodingKey { case items, total, limit, offset, nextOffset = "next_offset" }

    public init(items: [Item], total: Int, limit: Int, offset: Int) {
        self.items = items
        self.total = total
        self.limit = limit
        self.offset = offset
    }

    /// The page of `all` that starts at `offset` and holds at most `limit` items.
    public init(slicing all: [Item], limit: Int, offset: Int) {
        let start = min(max(offset, 0), all.count)
        let end = min(start + max(limit, 0), all.count)
        self.init(items: Array(all[start..<end]), total: all.count, limit: limit, offset: offset)
    }

    /// The offset of the next page, nil on the last page.
    public var nextOffset: Int? { offset + items.count < total ? offset + items.count : nil }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(total, forKey: .total)
        try container.encode(limit, forKey: .limit)
        try container.encode(offset, forKey: .offset)
        try container.encode(nextOffset, forKey: .nextOffset)
    }
}

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
    }

    public struct EvaluationEntry: Encodable, Sendable {
        public var id: String
        public var evaluated_on: String
        public var council: String
        public var criteria_set: String
        public var total: Score
        public var stars: Int
    }

    public struct MergeOrigin: Encodable, Sendable {
        public var province_code: String?
        public var province_name: String?
        public var merged_on: String
    }

    public var product: ProductSummary
    public var descriptionVi: String?
    public var descriptionEn: String?
    public var certificates: [CertificateEntry]
    public var evaluations: [EvaluationEntry]
    public var mergedFrom: [MergeOrigin]

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
}

/// Product and producer lookups over the national dataset (read-only), sorted by name in
/// Vietnamese order, then id.
public struct CentralLookups: Sendable {
    public let database: any DatabaseReader

    public init(database: any DatabaseReader) {
        self.database = database
    }

    static let productSelect = """
        SELECT p.id, p.name_vi, p.name_en, p.classification_version, p.classification_code, p.status, p.gtin,
               p.producer_id, t.code AS province_code, t.name AS province_name, r.name AS producer_name, r.type AS producer_type,
               c.id AS certificate_id, c.number, c.stars, c.issuer, c.issued_on, c.expires_on
        FROM products p
        LEFT JOIN tenants t ON t.id = p.tenant_id
        LEFT JOIN producers r ON r.id = p.producer_id
        LEFT JOIN certificates c ON c.id = (
            SELECT c2.id FROM certificates c2
            WHERE c2.product_id = p.id AND c2.status = 'active' AND c2.issued_on <= :date AND c2.expires_on >= :date
            ORDER BY c2.stars DESC, c2.expires_on DESC, c2.id LIMIT 1)
        """

    /// Products matching `filter`, `limit` from `offset`.
    public func products(_ filter: ProductFilter, limit: Int, offset: Int) throws -> LookupPage<ProductSummary> {
        var clauses: [String] = []
        var arguments: [String: (any DatabaseValueConvertible)?] = ["date": filter.date.description]
        if let code = filter.provinceCode {
            try requireProvince(code)
            clauses.append("t.code = :province")
            arguments["province"] = code
        }
        if let sector = filter.sector {
            let parts = sector.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, !parts[1].contains(".") else {
                throw CentralError(.badData, "sector: \"\(sector)\" is not VERSION:SECTOR (e.g. QD148-2023:1)")
            }
            clauses.append("p.classification_version = :version AND (p.classification_code = :sector OR p.classification_code LIKE :sector || '.%')")
            arguments["version"] = parts[0]
            arguments["sector"] = parts[1]
        }
        if let code = filter.classificationCode {
            clauses.append("(p.classification_code = :code OR p.classification_code LIKE :code || '.%')")
            arguments["code"] = code
        }
        if let stars = filter.stars {
            clauses.append("c.stars = :stars")
            arguments["stars"] = stars
        }
        if let certified = filter.certified { clauses.append(certified ? "c.id IS NOT NULL" : "c.id IS NULL") }
        if let type = filter.producerType {
            clauses.append("r.type = :type")
            arguments["type"] = type.rawValue
        }
        if let producer = filter.producerID {
            clauses.append("p.producer_id = :producer")
            arguments["producer"] = producer
        }
        if let status = filter.status {
            clauses.append("p.status = :status")
            arguments["status"] = status.rawValue
        }
        // By id first: the name sort is stable, so equal names stay in id order across pages.
        let sql = Self.productSelect + (clauses.isEmpty ? "" : "\nWHERE " + clauses.joined(separator: " AND ")) + "\nORDER BY p.id"
        let words = filter.text.map(SearchText.words)
        let items = try database.read { db in
            var sql = sql
            if let words {
                // Match the names inside SQLite, before the joins: most rows fail a search.
                let match = SearchText.function(words)
                db.add(function: match)
                sql = sql.replacingOccurrences(of: "\nORDER BY p.id", with: "")
                sql += (clauses.isEmpty ? "\nWHERE " : " AND ") + "\(match.name)(p.name_vi, p.name_en)\nORDER BY p.id"
            }
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map(Self.productSummary)
        }
        return LookupPage(slicing: VietnameseCollation.sorted(items, by: \.nameVi), limit: limit, offset: offset)
    }

    /// One product with its certificates, evaluations and merge origin; nil if there is none.
    public func product(id: UUID, date: LocalDate) throws -> ProductDetail? {
        try database.read { db in
            guard let row = try Row.fetchOne(db, sql: Self.productSelect + "\nWHERE p.id = :id",
                                             arguments: ["id": id, "date": date.description]) else { return nil }
            let descriptions = try Row.fetchOne(db, sql: "SELECT description_vi, description_en FROM products WHERE id = ?", arguments: [id])
            let certificates = try Row.fetchAll(db, sql: """
                SELECT id, number, stars, issuer, issued_on, expires_on, status, evaluation_id FROM certificates
                WHERE product_id = ? ORDER BY issued_on, id
                """, arguments: [id]).map { row in
                ProductDetail.CertificateEntry(
                    id: (row["id"] as UUID).jsonText, number: row["number"], stars: row["stars"], issuer: row["issuer"],
                    issued_on: row["issued_on"], expires_on: row["expires_on"], status: row["status"],
                    evaluation_id: (row["evaluation_id"] as UUID?)?.jsonText)
            }
            let evaluations = try Row.fetchAll(db, sql: """
                SELECT id, evaluated_on, council, criteria_set, total, stars FROM evaluations
                WHERE product_id = ? ORDER BY evaluated_on, id
                """, arguments: [id]).map { row in
                ProductDetail.EvaluationEntry(
                    id: (row["id"] as UUID).jsonText, evaluated_on: row["evaluated_on"], council: row["council"],
                    criteria_set: row["criteria_set"], total: Score(row["total"]), stars: row["stars"])
            }
            var origins: [ProductDetail.MergeOrigin] = []
            if try db.tableExists("_tenant_merges") {
                origins = try Row.fetchAll(db, sql: """
                    SELECT t.code, t.name, m.merged_on FROM _tenant_merges m LEFT JOIN tenants t ON t.id = m.from_tenant
                    WHERE m.tbl = 'products' AND m.pk = ? ORDER BY m.merged_on
                    """, arguments: [id]).map { row in
                    ProductDetail.MergeOrigin(province_code: row["code"], province_name: row["name"], merged_on: row["merged_on"])
                }
            }
            return ProductDetail(
                product: Self.productSummary(row), descriptionVi: descriptions?["description_vi"],
                descriptionEn: descriptions?["description_en"], certificates: certificates, evaluations: evaluations, mergedFrom: origins)
        }
    }

    /// Producers matching `filter`, `limit` from `offset`.
    public func producers(_ filter: ProducerFilter, limit: Int, offset: Int) throws -> LookupPage<ProducerSummary> {
        var items = try producerSummaries(filter, id: nil)
        if let text = filter.text {
            let words = SearchText.words(text)
            items = items.filter { SearchText.matches(words, in: [$0.name]) }
        }
        return LookupPage(slicing: VietnameseCollation.sorted(items, by: \.name), limit: limit, offset: offset)
    }

    /// One producer; nil if there is none.
    public func producer(id: UUID, date: LocalDate) throws -> ProducerSummary? {
        try producerSummaries(ProducerFilter(date: date), id: id).first
    }

    private func producerSummaries(_ filter: ProducerFilter, id: UUID?) throws -> [ProducerSummary] {
        var clauses: [String] = []
        var arguments: [String: (any DatabaseValueConvertible)?] = ["date": filter.date.description]
        if let code = filter.provinceCode {
            try requireProvince(code)
            clauses.append("t.code = :province")
            arguments["province"] = code
        }
        if let type = filter.type {
            clauses.append("r.type = :type")
            arguments["type"] = type.rawValue
        }
        if let id {
            clauses.append("r.id = :id")
            arguments["id"] = id
        }
        let sql = """
            SELECT r.id, r.name, r.type, r.tax_code, r.commune, t.code, t.name AS province_name,
                   (SELECT count(*) FROM products p WHERE p.producer_id = r.id) AS products,
                   (SELECT count(*) FROM products p WHERE p.producer_id = r.id AND EXISTS (
                        SELECT 1 FROM certificates c WHERE c.product_id = p.id AND c.status = 'active'
                        AND c.issued_on <= :date AND c.expires_on >= :date)) AS certified
            FROM producers r LEFT JOIN tenants t ON t.id = r.tenant_id
            """ + (clauses.isEmpty ? "" : "\nWHERE " + clauses.joined(separator: " AND ")) + "\nORDER BY r.id"
        return try database.read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
                ProducerSummary(
                    id: row["id"], name: row["name"], type: row["type"], taxCode: row["tax_code"], commune: row["commune"],
                    provinceCode: row["code"], provinceName: row["province_name"], products: row["products"],
                    certifiedProducts: row["certified"])
            }
        }
    }

    /// The tenant with a province code: the current one if an old code was reused. A code no
    /// tenant has is a mistake worth saying (``CentralError/Code/badData``), not an empty page.
    public func province(code: String) throws -> UUID {
        let tenant = try database.read { db in
            try UUID.fetchOne(db, sql: "SELECT id FROM tenants WHERE code = ? ORDER BY valid_until IS NOT NULL LIMIT 1", arguments: [code])
        }
        guard let tenant else { throw CentralError(.badData, "province: no province with code \"\(code)\" in the national dataset") }
        return tenant
    }

    private func requireProvince(_ code: String) throws { _ = try province(code: code) }

    static func productSummary(_ row: Row) -> ProductSummary {
        let certificate: CertificateInForce? = (row["certificate_id"] as UUID?).map { id in
            CertificateInForce(id: id, number: row["number"], stars: row["stars"], issuer: row["issuer"],
                               issuedOn: row["issued_on"], expiresOn: row["expires_on"])
        }
        return ProductSummary(
            id: row["id"], nameVi: row["name_vi"], nameEn: row["name_en"], classificationVersion: row["classification_version"],
            classificationCode: row["classification_code"], status: row["status"], gtin: row["gtin"],
            provinceCode: row["province_code"], provinceName: row["province_name"], producerID: row["producer_id"],
            producerName: row["producer_name"], producerType: row["producer_type"], certificate: certificate)
    }
}

/// Free-text matching for lookups: every word typed must start a word of one of the fields,
/// ignoring case, tones and marks (`đ` matches `d`), so people can type without a Vietnamese
/// keyboard: `nuoc mam` finds `Nước mắm`, `ch` finds `Chè`, `he` does not.
enum SearchText {
    /// Latin letters with marks → their folded base (`ằ` → `a`, `Đ` → `d`), computed once with
    /// Foundation; folding a name is then a table lookup per scalar.
    private static let table: [UInt32: Unicode.Scalar] = {
        var table: [UInt32: Unicode.Scalar] = [:]
        for range in [UInt32(0x00C0)...0x024F, 0x1E00...0x1EFF] {
            for value in range {
                guard let scalar = Unicode.Scalar(value) else { continue }
                let folded = String(scalar).folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
                if let first = folded.unicodeScalars.first, folded.unicodeScalars.count == 1, first.value != value {
                    table[value] = first
                }
            }
        }
        table[0x0110] = "d" // Đ
        table[0x0111] = "d" // đ
        return table
    }()

    static func fold(_ text: String) -> String {
        fold(normalized: text.precomposedStringWithCanonicalMapping)
    }

    /// `fold` for text already in NFC (everything stored is: input is normalised on the way in).
    static func fold(normalized text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x41...0x5A: scalars.append(Unicode.Scalar(scalar.value + 0x20)!)
            case 0...0x7F: scalars.append(scalar)
            case 0x0300...0x036F: continue // combining marks left over
            default:
                if let folded = table[scalar.value] { scalars.append(folded) } else {
                    scalars.append(contentsOf: String(scalar).lowercased().unicodeScalars)
                }
            }
        }
        return String(scalars)
    }

    static func words(_ text: String) -> [Substring] {
        fold(text).split(whereSeparator: { $0.isWhitespace || $0.isPunctuation })
    }

    /// An SQL function `ocop_search_N(a, b, ...)`: 1 if every word starts a word of the
    /// arguments (NULLs ignored).
    static func function(_ words: [Substring]) -> DatabaseFunction {
        DatabaseFunction("ocop_search_\(words.count)", argumentCount: nil, pure: true) { values in
            matches(words, in: values.compactMap { String.fromDatabaseValue($0) })
        }
    }

    static func matches(_ words: [Substring], in fields: [String]) -> Bool {
        let haystack = Array(fold(normalized: fields.joined(separator: " ")).utf8)
        return words.allSatisfy { startsAWord(Array($0.utf8), in: haystack) }
    }

    /// Whether `word` occurs in `haystack` at the start of a word (after a space or punctuation).
    private static func startsAWord(_ word: [UInt8], in haystack: [UInt8]) -> Bool {
        guard !word.isEmpty, word.count <= haystack.count else { return word.isEmpty }
        for start in 0...(haystack.count - word.count) {
            if start > 0 {
                let before = haystack[start - 1]
                // Letters, digits and bytes of non-ASCII characters continue a word.
                if before >= 0x80 || (before >= 0x30 && before <= 0x39) || (before >= 0x61 && before <= 0x7A) { continue }
            }
            if haystack[start] == word[0], haystack[start..<(start + word.count)].elementsEqual(word) { return true }
        }
        return false
    }
}
