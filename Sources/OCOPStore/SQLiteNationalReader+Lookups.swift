import Foundation
import GRDB
import OCOPModel

// Product and producer lookups (NationalReads), in SQLite's SQL; free-text matching runs
// inside SQLite as a function, before the joins.
extension SQLiteNationalReader {
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

    public func products(matching filter: ProductFilter) async throws -> [ProductSummary] {
        var clauses: [String] = []
        var arguments: [String: (any DatabaseValueConvertible)?] = ["date": filter.date.description]
        if let code = filter.provinceCode {
            clauses.append("t.code = :province")
            arguments["province"] = code
        }
        if let sector = filter.sector {
            let parts = sector.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw CentralError(.badData, "sector: \"\(sector)\" is not VERSION:SECTOR (e.g. QD148-2023:1)") }
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
        let match = filter.text.map { SearchText.function(SearchText.words($0)) }
        let arguments_ = StatementArguments(arguments)
        let filtered = !clauses.isEmpty
        return try await reading { db in
            var sql = sql
            if let match {
                // Match the names inside SQLite, before the joins: most rows fail a search.
                db.add(function: match)
                sql = sql.replacingOccurrences(of: "\nORDER BY p.id", with: "")
                sql += (filtered ? " AND " : "\nWHERE ") + "\(match.name)(p.name_vi, p.name_en)\nORDER BY p.id"
            }
            return try Row.fetchAll(db, sql: sql, arguments: arguments_).map(Self.productSummary)
        }
    }

    public func product(id: UUID, date: LocalDate) async throws -> ProductDetail? {
        try await reading { db in
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

    public func producers(matching filter: ProducerFilter) async throws -> [ProducerSummary] {
        Self.producers(try await producerSummaries(filter, id: nil), matchingText: filter.text)
    }

    /// The producers among `items` whose name has every word of `text` (all when nil): the
    /// free-text part of a producer lookup, done after the query on every backend.
    package static func producers(_ items: [ProducerSummary], matchingText text: String?) -> [ProducerSummary] {
        guard let text else { return items }
        let words = SearchText.words(text)
        return items.filter { SearchText.matches(words, in: [$0.name]) }
    }

    public func producer(id: UUID, date: LocalDate) async throws -> ProducerSummary? {
        try await producerSummaries(ProducerFilter(date: date), id: id).first
    }

    private func producerSummaries(_ filter: ProducerFilter, id: UUID?) async throws -> [ProducerSummary] {
        var clauses: [String] = []
        var arguments: [String: (any DatabaseValueConvertible)?] = ["date": filter.date.description]
        if let code = filter.provinceCode {
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
        let arguments_ = StatementArguments(arguments)
        return try await reading { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments_).map { row in
                ProducerSummary(
                    id: row["id"], name: row["name"], type: row["type"], taxCode: row["tax_code"], commune: row["commune"],
                    provinceCode: row["code"], provinceName: row["province_name"], products: row["products"],
                    certifiedProducts: row["certified"])
            }
        }
    }


    public func tenantID(provinceCode code: String) async throws -> UUID? {
        try await reading { db in
            try UUID.fetchOne(db, sql: "SELECT id FROM tenants WHERE code = ? ORDER BY valid_until IS NOT NULL LIMIT 1", arguments: [code])
        }
    }

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
