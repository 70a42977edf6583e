import Foundation
import OCOPModel

/// The JSON-LD and CSV forms of feed content. Vocabularies: schema.org (Product, Certification,
/// DataFeed), DCAT and Dublin Core for the catalogue; our own terms use the `ocop:` prefix
/// (`urn:ocop-vn:vocab:`).
public enum FeedDocuments {
    /// Which programme the data is about: Vietnam's OCOP, not FAO's.
    public static let programmeStatement =
        "Vietnam's national OCOP programme (Mỗi xã một sản phẩm, One Commune One Product; Decision 148/QĐ-TTg of 2023), run by the Ministry of Agriculture and Environment of Viet Nam. Not FAO's \"One Country One Priority Product\" initiative, which is also abbreviated OCOP."

    static let vocabulary = "urn:ocop-vn:vocab:"

    static var context: FeedJSON {
        .array([.string("https://schema.org/"), .object([("ocop", .string(vocabulary))])])
    }

    static var programme: FeedJSON {
        .object([
            ("@type", .string("Thing")),
            ("@id", .string("urn:ocop-vn:programme")),
            ("name", .string("OCOP Viet Nam (One Commune One Product)")),
            ("description", .string(programmeStatement)),
        ])
    }

    static func urn(_ id: UUID) -> String { "urn:uuid:" + id.uuidString.lowercased() }

    /// Language-tagged values in the profile's languages, leaving out missing ones; `nil` when
    /// none remain.
    static func text(_ values: [Language: String?], languages: [Language]) -> FeedJSON? {
        let items: [FeedJSON] = languages.compactMap { language in
            guard let value = values[language] ?? nil else { return nil }
            return .object([("@language", .string(language.rawValue)), ("@value", .string(value))])
        }
        return items.isEmpty ? nil : .array(items)
    }

    /// The issuer in English, from the authority as it was named on the day of issue.
    static func issuerName(_ issuer: DecisionAuthority, reference: ReferenceData = .standard) -> String {
        switch issuer.level {
        case .central:
            return issuer.name == DecisionAuthority.central(on: DecisionAuthority.ministryRenamed).name
                ? "Ministry of Agriculture and Environment of Viet Nam (central OCOP office)"
                : "Ministry of Agriculture and Rural Development of Viet Nam (central OCOP office)"
        case .province:
            return "\(issuer.name) — People's Committee\(provinceSuffix(issuer)) (provincial OCOP council)"
        case .district:
            return "\(issuer.name) — District People's Committee\(provinceSuffix(issuer)) (district OCOP council, until 2025)"
        }
    }

    private static func provinceSuffix(_ issuer: DecisionAuthority) -> String {
        issuer.code.map { " of province code \($0)" } ?? ""
    }

    static func producerType(_ type: ProducerType) -> String {
        switch type {
        case .cooperative: return "cooperative"
        case .enterprise: return "enterprise"
        case .cooperativeGroup: return "cooperative group"
        case .household: return "household business"
        }
    }

    /// A schema.org `Product` with `hasCertification`.
    public static func product(_ product: FeedProduct, profile: FeedProfile) -> FeedJSON {
        let languages = profile.languages
        let certificate = product.certificate
        var identifiers = [FeedJSON.object([
            ("@type", .string("PropertyValue")),
            ("propertyID", .string("VN-province-code-2025")),
            ("value", .string(product.provinceCode)),
        ])]
        if let iso = product.provinceISO {
            identifiers.append(.object([("@type", .string("PropertyValue")), ("propertyID", .string("ISO 3166-2")), ("value", .string(iso))]))
        }
        let provinceID = FeedJSON.array(identifiers)
        let province = FeedJSON.object([
            ("@type", .string("AdministrativeArea")),
            ("identifier", provinceID),
            ("name", .string(product.provinceName)),
            ("containedInPlace", .object([("@type", .string("Country")), ("identifier", .string("VN")), ("name", .string("Viet Nam"))])),
        ])
        let producer = product.producer
        let producerDocument = FeedJSON.object([
            ("@type", .string("Organization")),
            ("@id", producer.id.map { .string(urn($0)) }),
            ("name", .string(producer.name)),
            ("additionalType", .string(producerType(producer.type))),
            ("taxID", producer.taxID.map(FeedJSON.string)),
            ("address", .object([
                ("@type", .string("PostalAddress")),
                ("addressRegion", .string(product.provinceName)),
                ("addressCountry", .string("VN")),
            ])),
        ])
        let certification = FeedJSON.object([
            ("@type", .string("Certification")),
            ("@id", .string(urn(certificate.id))),
            ("name", .string("OCOP \(certificate.stars)-star product (Viet Nam)")),
            ("description", .string(programmeStatement)),
            ("certificationIdentification", profile.fields.contains(.certificateNumber) ? .string(certificate.number) : nil),
            ("certificationRating", .object([
                ("@type", .string("Rating")),
                ("ratingValue", .int(certificate.stars)),
                ("bestRating", .int(5)),
                ("worstRating", .int(3)),
            ])),
            ("certificationStatus", .string("https://schema.org/CertificationActive")),
            ("issuedBy", .object([("@type", .string("Organization")), ("name", .string(issuerName(product.issuer)))])),
            ("validFrom", .string(certificate.issuedOn.description)),
            ("expires", .string(certificate.expiresOn.description)),
            ("validIn", province),
        ])
        let category = FeedJSON.object([
            ("@type", .string("CategoryCode")),
            ("codeValue", .string(product.classificationCode)),
            ("name", text([.en: product.classificationLabelEn, .vi: product.classificationLabelVi], languages: languages)),
            ("inCodeSet", .object([
                ("@type", .string("CategoryCodeSet")),
                ("@id", .string("urn:ocop-vn:classification:" + product.classificationVersion)),
                ("name", .string(product.classificationVersion)),
            ])),
        ])
        return .object([
            ("@type", .string("Product")),
            ("@id", .string(urn(product.id))),
            ("identifier", .string(urn(product.id))),
            // The Vietnamese name is the fallback whatever the profile's languages: a product always has a name.
            ("name", text([.en: product.nameEn, .vi: product.nameVi], languages: languages) ?? text([.vi: product.nameVi], languages: [.vi])),
            ("description", text([.en: product.descriptionEn, .vi: product.descriptionVi], languages: languages)),
            ("category", category),
            ("gtin", product.gtin.map(FeedJSON.string)),
            ("countryOfOrigin", .object([("@type", .string("Country")), ("identifier", .string("VN")), ("name", .string("Viet Nam"))])),
            ("ocop:province", province),
            ("manufacturer", producerDocument),
            ("hasCertification", certification),
            ("dateModified", .string(product.dateModified)),
        ])
    }

    /// A schema.org `DataFeed` page: products to add or replace (`DataFeedItem` with `item`)
    /// and removals (`DataFeedItem` with `dateDeleted`).
    static func page(_ entries: ArraySlice<FeedEntry>, snapshot: FeedSnapshot, number: Int, count: Int) -> FeedJSON {
        let profile = snapshot.profile
        let items: [FeedJSON] = entries.map { entry in
            switch entry {
            case .upsert(let product):
                return .object([
                    ("@type", .string("DataFeedItem")),
                    ("ocop:action", .string("upsert")),
                    ("dateModified", .string(product.dateModified)),
                    ("item", self.product(product, profile: profile)),
                ])
            case .removal(let id):
                return .object([
                    ("@type", .string("DataFeedItem")),
                    ("ocop:action", .string("removal")),
                    ("dateDeleted", .string(snapshot.cursor.date.description)),
                    ("item", .object([("@type", .string("Product")), ("@id", .string(urn(id)))])),
                ])
            }
        }
        return .object([
            ("@context", context),
            ("@type", .string("DataFeed")),
            ("@id", .string("urn:ocop-vn:feed:\(profile.id):\(snapshot.cursor):page:\(number)")),
            ("name", .string(profile.title)),
            ("about", programme),
            ("inLanguage", .array(profile.languages.map { .string($0.rawValue) })),
            ("ocop:profile", .string(profile.id)),
            ("ocop:since", snapshot.since.map { .string($0.description) } ?? .null),
            ("ocop:cursor", .string(snapshot.cursor.description)),
            ("ocop:page", .int(number)),
            ("ocop:pageCount", .int(count)),
            ("dataFeedElement", .array(items)),
        ])
    }

    /// CSV header for a profile: fixed columns, text columns per language.
    static func csvHeader(profile: FeedProfile) -> [String] {
        var header = ["action", "id"]
        for language in profile.languages { header.append("name_\(language.rawValue)") }
        if profile.fields.contains(.description) {
            for language in profile.languages { header.append("description_\(language.rawValue)") }
        }
        header += ["classification_version", "classification_code"]
        for language in profile.languages { header.append("classification_label_\(language.rawValue)") }
        if profile.fields.contains(.gtin) { header.append("gtin") }
        header += ["stars", "certificate_id"]
        if profile.fields.contains(.certificateNumber) { header.append("certificate_number") }
        header += ["certificate_issuer", "valid_from", "valid_until", "province_code", "province_name", "province_iso",
                   "producer_id", "producer_name", "producer_type"]
        if profile.fields.contains(.producerTaxID) { header.append("producer_tax_id") }
        header += ["date_modified", "date_deleted"]
        return header
    }

    static func csvRow(_ entry: FeedEntry, snapshot: FeedSnapshot) -> [String] {
        let header = csvHeader(profile: snapshot.profile)
        var values = [String: String]()
        switch entry {
        case .removal(let id):
            values["action"] = "removal"
            values["id"] = urn(id)
            values["date_deleted"] = snapshot.cursor.date.description
        case .upsert(let product):
            let certificate = product.certificate
            values = [
                "action": "upsert", "id": urn(product.id),
                "name_en": product.nameEn ?? "", "name_vi": product.nameVi,
                "description_en": product.descriptionEn ?? "", "description_vi": product.descriptionVi ?? "",
                "classification_version": product.classificationVersion, "classification_code": product.classificationCode,
                "classification_label_en": product.classificationLabelEn ?? "", "classification_label_vi": product.classificationLabelVi ?? "",
                "gtin": product.gtin ?? "", "stars": String(certificate.stars), "certificate_id": urn(certificate.id),
                "certificate_number": certificate.number,
                "certificate_issuer": issuerName(product.issuer),
                "valid_from": certificate.issuedOn.description, "valid_until": certificate.expiresOn.description,
                "province_code": product.provinceCode, "province_name": product.provinceName, "province_iso": product.provinceISO ?? "",
                "producer_id": product.producer.id.map(urn) ?? "", "producer_name": product.producer.name,
                "producer_type": producerType(product.producer.type), "producer_tax_id": product.producer.taxID ?? "",
                "date_modified": product.dateModified,
            ]
        }
        return header.map { values[$0] ?? "" }
    }

    /// RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled; CRLF
    /// line ends.
    static func csvLine(_ fields: [String]) -> String {
        fields.map { field in
            field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                : field
        }.joined(separator: ",") + "\r\n"
    }

    /// A DCAT catalogue describing the export: one dataset (the profile's feed) with one
    /// distribution per file.
    static func catalog(snapshot: FeedSnapshot, files: [(path: String, mediaType: String, bytes: Int)], generatedAt: String) -> FeedJSON {
        let profile = snapshot.profile
        return .object([
            ("@context", .object([
                ("dcat", .string("http://www.w3.org/ns/dcat#")),
                ("dct", .string("http://purl.org/dc/terms/")),
                ("foaf", .string("http://xmlns.com/foaf/0.1/")),
                ("ocop", .string(vocabulary)),
            ])),
            ("@type", .string("dcat:Catalog")),
            ("@id", .string("urn:ocop-vn:catalog:\(profile.id):\(snapshot.cursor)")),
            ("dct:title", .string("OCOP Viet Nam feeds for international partners")),
            ("dct:description", .string(programmeStatement)),
            ("dct:publisher", .object([("@type", .string("foaf:Organization")), ("foaf:name", .string("Ministry of Agriculture and Environment of Viet Nam, central OCOP office"))])),
            ("dct:issued", .string(generatedAt)),
            ("dcat:dataset", .array([.object([
                ("@type", .string("dcat:Dataset")),
                ("@id", .string("urn:ocop-vn:feed:\(profile.id)")),
                ("dct:title", .string(profile.title)),
                ("dct:description", .string("Products certified under " + programmeStatement + " Only products whose certificate is in force; no personal data of household producers.")),
                ("dct:language", .array(profile.languages.map { .string($0.rawValue) })),
                ("dct:spatial", .string("VN")),
                ("dct:modified", .string(snapshot.cursor.date.description)),
                ("dct:conformsTo", .string("https://schema.org/Product")),
                ("ocop:since", snapshot.since.map { .string($0.description) } ?? .null),
                ("ocop:cursor", .string(snapshot.cursor.description)),
                ("dcat:distribution", .array(files.map { file in
                    .object([
                        ("@type", .string("dcat:Distribution")),
                        ("dcat:downloadURL", .string(file.path)),
                        ("dcat:mediaType", .string(file.mediaType)),
                        ("dcat:byteSize", .int(file.bytes)),
                    ])
                })),
            ])])),
        ])
    }
}
