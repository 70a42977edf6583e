import Foundation
import OCOPModel
import OCOPStore
import PostgresNIO

// Product and producer lookups (NationalReads), in PostgreSQL's SQL. Free-text matching is
// SearchText's, in Swift, on the names read first: PostgreSQL's own text search and collations
// would fold Vietnamese differently from SQLite's lookups, and both backends must find the same rows.
extension PostgresNationalStore {
    /// A product with the certificate it is counted at on the day bound as `$1`: the
    /// highest-starred in force, the longest-running of equals, then the lowest id.
    static let productSelect = """
        SELECT p.id, p.name_vi, p.name_en, p.classification_version, p.classification_code, p.status, p.gtin,
               p.producer_id, t.code, t.name, r.name, r.type,
               c.id, c.number, c.stars, c.issuer, c.issued_on, c.expires_on
        FROM products p
        LEFT JOIN tenants t ON t.id = p.tenant_id
        LEFT JOIN producers r ON r.id = p.producer_id
        LEFT JOIN certificates c ON c.id = (
            SELECT c2.id FROM certificates c2
            WHERE c2.product_id = p.id AND c2.status = 'active' AND c2.issued_on <= $1 COLLATE "C" AND c2.expires_on >= $1 COLLATE "C"
            ORDER BY c2.stars DESC, c2.expires_on COLLATE "C" DESC, c2.id LIMIT 1)
        """

    public func products(matching filter: ProductFilter) async throws -> [ProductSummary] {
        var parameters = ReadParameters()
        _ = parameters.bind(filter.date.description) // $1, as productSelect expects
        var clauses: [String] = []
        if let code = filter.provinceCode { clauses.append("t.code = \(parameters.bind(code))") }
        if let sector = filter.sector {
            let parts = sector.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw CentralError(.badData, "sector: \"\(sector)\" is not VERSION:SECTOR (e.g. QD148-2023:1)") }
            let code = parameters.bind(parts[1])
            clauses.append("p.classification_version = \(parameters.bind(parts[0])) AND \(Self.codeOrBelow("p.classification_code", code))")
        }
        if let code = filter.classificationCode { clauses.append(Self.codeOrBelow("p.classification_code", parameters.bind(code))) }
        if let stars = filter.stars { clauses.append("c.stars = \(parameters.bind(Int64(stars)))") }
        if let certified = filter.certified { clauses.append(certified ? "c.id IS NOT NULL" : "c.id IS NULL") }
        if let type = filter.producerType { clauses.append("r.type = \(parameters.bind(type.rawValue))") }
        if let producer = filter.producerID { clauses.append("p.producer_id = \(parameters.bind(producer))") }
        if let status = filter.status { clauses.append("p.status = \(parameters.bind(status.rawValue))") }
        let words = filter.text.map(SearchText.words)
        return try await reading { connection in
            var clauses = clauses
            var parameters = parameters
            if let words {
                // Names are matched before the joins, as on SQLite: most products fail a search,
                // and the certificate in force is then looked up for the few that pass.
                var matching: [UUID] = []
                for row in try await rows(connection, "SELECT id, name_vi, name_en FROM products") {
                    let row = ReadRow(row)
                    if SearchText.matches(words, in: [try row.optionalText(1), try row.optionalText(2)].compactMap { $0 }) {
                        matching.append(try row.uuid(0))
                    }
                }
                guard !matching.isEmpty else { return [] }
                clauses.append("p.id = ANY(\(parameters.bind(matching)))")
            }
            // By id first: the callers' name sort is stable, so equal names stay in id order across pages.
            let sql = Self.productSelect + (clauses.isEmpty ? "" : "\nWHERE " + clauses.joined(separator: " AND ")) + "\nORDER BY p.id"
            return try await rows(connection, sql, parameters.bindings).map { try Self.productSummary(ReadRow($0)) }
        }
    }

    /// `column` is `code` or a code below it (`1.2` matches `1.2` and `1.2.3`), matched as
    /// SQLite's `LIKE code || '.%'` matches it: ASCII case ignored, `_` and `%` wildcards, no
    /// escape character.
    private static func codeOrBelow(_ column: String, _ code: String) -> String {
        "(\(column) = \(code) OR \(column) ILIKE (\(code) || '.%') ESCAPE '')"
    }

    public func product(id: UUID, date: LocalDate) async throws -> ProductDetail? {
        var parameters = ReadParameters()
        _ = parameters.bind(date.description)
        let key = parameters.bind(id)
        var byProduct = ReadParameters()
        _ = byProduct.bind(id)
        return try await reading { connection in
            guard let row = try await rows(connection, Self.productSelect + "\nWHERE p.id = \(key)", parameters.bindings).first else {
                return nil
            }
            let descriptions = try await rows(connection, "SELECT description_vi, description_en FROM products WHERE id = $1", byProduct.bindings)
                .first.map(ReadRow.init)
            let certificates = try await rows(connection, """
                SELECT id, number, stars, issuer, issued_on, expires_on, status, evaluation_id FROM certificates
                WHERE product_id = $1 ORDER BY issued_on COLLATE "C", id
                """, byProduct.bindings).map { row in
                let row = ReadRow(row)
                return ProductDetail.CertificateEntry(
                    id: try row.uuid(0).jsonText, number: try row.text(1), stars: try row.int(2), issuer: try row.text(3),
                    issued_on: try row.text(4), expires_on: try row.text(5), status: try row.text(6),
                    evaluation_id: try row.optionalUUID(7)?.jsonText)
            }
            let evaluations = try await rows(connection, """
                SELECT id, evaluated_on, council, criteria_set, total, stars FROM evaluations
                WHERE product_id = $1 ORDER BY evaluated_on COLLATE "C", id
                """, byProduct.bindings).map { row in
                let row = ReadRow(row)
                return ProductDetail.EvaluationEntry(
                    id: try row.uuid(0).jsonText, evaluated_on: try row.text(1), council: try row.text(2),
                    criteria_set: try row.text(3), total: Score(try row.double(4)), stars: try row.int(5))
            }
            let origins = try await rows(connection, """
                SELECT t.code, t.name, m.merged_on FROM _tenant_merges m LEFT JOIN tenants t ON t.id = m.from_tenant
                WHERE m.tbl = 'products' AND m.pk = $1 ORDER BY m.merged_on COLLATE "C"
                """, byProduct.bindings).map { row in
                let row = ReadRow(row)
                return ProductDetail.MergeOrigin(province_code: try row.optionalText(0), province_name: try row.optionalText(1), merged_on: try row.text(2))
            }
            return ProductDetail(
                product: try Self.productSummary(ReadRow(row)), descriptionVi: try descriptions?.optionalText(0),
                descriptionEn: try descriptions?.optionalText(1), certificates: certificates, evaluations: evaluations, mergedFrom: origins)
        }
    }

    public func producers(matching filter: ProducerFilter) async throws -> [ProducerSummary] {
        SQLiteNationalReader.producers(try await producerSummaries(filter, id: nil), matchingText: filter.text)
    }

    public func producer(id: UUID, date: LocalDate) async throws -> ProducerSummary? {
        try await producerSummaries(ProducerFilter(date: date), id: id).first
    }

    private func producerSummaries(_ filter: ProducerFilter, id: UUID?) async throws -> [ProducerSummary] {
        var parameters = ReadParameters()
        let day = parameters.bind(filter.date.description)
        var clauses: [String] = []
        if let code = filter.provinceCode { clauses.append("t.code = \(parameters.bind(code))") }
        if let type = filter.type { clauses.append("r.type = \(parameters.bind(type.rawValue))") }
        if let id { clauses.append("r.id = \(parameters.bind(id))") }
        let sql = """
            SELECT r.id, r.name, r.type, r.tax_code, r.commune, t.code, t.name,
                   (SELECT count(*) FROM products p WHERE p.producer_id = r.id),
                   (SELECT count(*) FROM products p WHERE p.producer_id = r.id AND EXISTS (
                        SELECT 1 FROM certificates c WHERE c.product_id = p.id AND c.status = 'active'
                        AND c.issued_on <= \(day) COLLATE "C" AND c.expires_on >= \(day) COLLATE "C"))
            FROM producers r LEFT JOIN tenants t ON t.id = r.tenant_id
            """ + (clauses.isEmpty ? "" : "\nWHERE " + clauses.joined(separator: " AND ")) + "\nORDER BY r.id"
        return try await reading { connection in
            try await rows(connection, sql, parameters.bindings).map { row in
                let row = ReadRow(row)
                return ProducerSummary(
                    id: try row.uuid(0), name: try row.text(1), type: try row.text(2), taxCode: try row.optionalText(3),
                    commune: try row.optionalText(4), provinceCode: try row.optionalText(5), provinceName: try row.optionalText(6),
                    products: try row.int(7), certifiedProducts: try row.int(8))
            }
        }
    }

    public func tenantID(provinceCode code: String) async throws -> UUID? {
        var parameters = ReadParameters()
        let wanted = parameters.bind(code)
        return try await reading { connection in
            try await rows(connection, "SELECT id FROM tenants WHERE code = \(wanted) ORDER BY valid_until IS NOT NULL LIMIT 1", parameters.bindings)
                .first.map { try ReadRow($0).uuid(0) }
        }
    }

    /// A row selected with ``productSelect``.
    static func productSummary(_ row: ReadRow) throws -> ProductSummary {
        var certificate: CertificateInForce?
        if let id = try row.optionalUUID(12) {
            certificate = CertificateInForce(
                id: id, number: try row.text(13), stars: try row.int(14), issuer: try row.text(15),
                issuedOn: try row.text(16), expiresOn: try row.text(17))
        }
        return ProductSummary(
            id: try row.uuid(0), nameVi: try row.text(1), nameEn: try row.optionalText(2), classificationVersion: try row.text(3),
            classificationCode: try row.text(4), status: try row.text(5), gtin: try row.optionalText(6),
            provinceCode: try row.optionalText(8), provinceName: try row.optionalText(9), producerID: try row.uuid(7),
            producerName: try row.optionalText(10), producerType: try row.optionalText(11), certificate: certificate)
    }
}
