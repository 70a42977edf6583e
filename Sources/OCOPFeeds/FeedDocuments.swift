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
    /// IANA's register, whose entries DCAT's `mediaType` names.
    static let mediaTypeIRI = "https://www.iana.org/assignments/media-types/"
    /// ISO 639-1 codes as the Library of Congress publishes them.
    static let languageIRI = "http://id.loc.gov/vocabulary/iso639-1/"
    /// Viet Nam in the EU's country authority list (ISO 3166-1 alpha-3), which DCAT-AP uses.
    static let countryIRI = "http://publications.europa.eu/resource/authority/country/VNM"

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

    /// Viet Nam as a schema.org `Country`.
    static var vietnam: FeedJSON {
        .object([("@type", .string("Country")), ("identifier", .string("VN")), ("name", .string("Viet Nam"))])
    }

    /// A member of a schema.org enumeration (`InStock`), as the IRI it is, not a string.
    static func member(_ name: String) -> FeedJSON { .object([("@id", .string("schema:" + name))]) }

    /// A literal with an explicit schema.org datatype: schema.org's context types some terms
    /// (`dateModified` is coerced to `Date`), which would mistype a date and time.
    static func typed(_ value: String, _ datatype: String) -> FeedJSON {
        .object([("@type", .string(datatype)), ("@value", .string(value))])
    }

    /// A schema.org `Product`: classification, certificate, province (ISO 3166-2:VN), brand,
    /// offer, net content, photos and page.
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
        let province = FeedJSON.object([
            ("@type", .string("AdministrativeArea")),
            ("identifier", .array(identifiers)),
            ("name", .string(product.provinceName)),
            ("containedInPlace", vietnam),
        ])
        let producer = product.producer
        let producerDocument = FeedJSON.object([
            ("@type", .string("Organization")),
            ("@id", producer.id.map { .string(urn($0)) }),
            ("name", .string(producer.name)),
            ("additionalType", .string(producerType(producer.type))),
            ("taxID", producer.taxID.map(FeedJSON.string)),
            // The region as ISO 3166-2:VN (what shops and customs systems read), the name if a
            // unit has no code yet.
            ("address", .object([
                ("@type", .string("PostalAddress")),
                ("addressRegion", .string(product.provinceISO ?? product.provinceName)),
                ("addressCountry", .string("VN")),
            ])),
            ("location", province),
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
            ("certificationStatus", member("CertificationActive")),
            ("issuedBy", .object([("@type", .string("Organization")), ("name", .string(issuerName(product.issuer)))])),
            ("validFrom", .string(certificate.issuedOn.description)),
            ("expires", .string(certificate.expiresOn.description)),
            // An OCOP rating is recognised nationwide, whichever council granted it.
            ("validIn", vietnam),
            ("image", product.certificateImageURLs.isEmpty ? nil : .array(product.certificateImageURLs.map(FeedJSON.string))),
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
        let gtin14 = product.gtin.flatMap(DigitalLink.gtin14)
        var offer: FeedJSON?
        var size: FeedJSON?
        if let sold = product.offer {
            offer = .object([
                ("@type", .string("Offer")),
                ("price", sold.priceVND.map { .int(Int($0)) }),
                ("priceCurrency", sold.priceVND == nil ? nil : .string("VND")),
                ("availability", member(sold.availability.schemaOrgName)),
                ("itemCondition", member("NewCondition")),
                ("url", product.pageURL.map(FeedJSON.string)),
            ])
            if let quantity = sold.netQuantity, let unit = sold.netUnit {
                size = .object([
                    ("@type", .string("QuantitativeValue")),
                    ("value", .number(quantity)),
                    ("unitCode", .string(unit.unitCode)),
                    ("unitText", .string(unit.rawValue)),
                ])
            }
        }
        let growingArea = product.growingAreaCode.map { code in
            FeedJSON.array([.object([
                ("@type", .string("PropertyValue")),
                ("propertyID", .string(vocabulary + "growingAreaCode")),
                ("name", .string("growing-area code (mã số vùng trồng)")),
                ("value", .string(code)),
            ])])
        }
        return .object([
            ("@type", .string("Product")),
            ("@id", .string(urn(product.id))),
            ("identifier", .string(urn(product.id))),
            // The Vietnamese name is the fallback whatever the profile's languages: a product always has a name.
            ("name", text([.en: product.nameEn, .vi: product.nameVi], languages: languages) ?? text([.vi: product.nameVi], languages: [.vi])),
            ("description", text([.en: product.descriptionEn, .vi: product.descriptionVi], languages: languages)),
            ("category", category),
            // The GTIN as GS1 Digital Link (schema.org's gtin takes one), and its 14 digits.
            ("gtin", gtin14.map { .string(DigitalLink.productURI(base: DigitalLink.gs1Resolver, gtin: $0, productID: product.id)) }),
            ("gtin14", gtin14.map(FeedJSON.string)),
            ("url", product.pageURL.map(FeedJSON.string)),
            ("image", product.imageURLs.isEmpty ? nil : .array(product.imageURLs.map(FeedJSON.string))),
            ("brand", .object([("@type", .string("Brand")), ("name", .string(producer.name))])),
            ("size", size),
            ("offers", offer),
            ("additionalProperty", growingArea),
            ("countryOfOrigin", vietnam),
            ("manufacturer", producerDocument),
            ("hasCertification", certification),
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
                    ("dateModified", typed(product.dateModified, "DateTime")),
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
        header += ["brand", "price_vnd", "availability", "net_quantity", "net_unit", "growing_area_code", "page_url", "image_urls",
                   "date_modified", "date_deleted"]
        return header
    }

    /// What each CSV column holds, for the CSVW metadata: title, datatype, and whether every row has it.
    static func csvColumn(_ name: String) -> (description: String, datatype: FeedJSON, required: Bool) {
        func pattern(_ regex: String) -> FeedJSON { .object([("base", .string("string")), ("format", .string(regex))]) }
        let uuid = pattern("urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
        switch name {
        case "action": return ("upsert (add or replace the product) or removal (delete it)", pattern("upsert|removal"), true)
        case "id": return ("the product's stable identifier", uuid, true)
        case "gtin": return ("GTIN (barcode number) as recorded", pattern("[0-9]{8}|[0-9]{12,14}"), false)
        case "stars": return ("OCOP stars of the certificate in force",
                              .object([("base", .string("integer")), ("minInclusive", .int(3)), ("maxInclusive", .int(5))]), false)
        case "certificate_id", "producer_id": return ("identifier", uuid, false)
        case "valid_from", "valid_until": return ("certificate's first and last day of validity", .string("date"), false)
        case "date_deleted": return ("day the product left the feed (removals)", .string("date"), false)
        case "date_modified": return ("latest change to the product or what it shows, UTC", .string("dateTime"), false)
        case "province_iso": return ("province as ISO 3166-2:VN", pattern("VN-[0-9A-Z]{2}"), false)
        case "price_vnd": return ("retail price in đồng (VND)", .object([("base", .string("integer")), ("minInclusive", .int(0))]), false)
        case "availability": return ("in_stock, out_of_stock, pre_order or discontinued",
                                     pattern(ProductOffer.Availability.allCases.map(\.rawValue).joined(separator: "|")), false)
        case "net_quantity": return ("net content of the package priced, with net_unit",
                                     .object([("base", .string("decimal")), ("minExclusive", .int(0))]), false)
        case "net_unit": return ("g, kg, ml, l or piece", pattern(ProductOffer.NetUnit.allCases.map(\.rawValue).joined(separator: "|")), false)
        case "growing_area_code": return ("official growing-area code (mã số vùng trồng) of the raw-material area", pattern("VN(-[0-9A-Z]+)+"), false)
        case "page_url": return ("the product's public page (GS1 Digital Link)", .string("anyURI"), false)
        case "image_urls": return ("the product's photos, separated by spaces", .string("anyURI"), false)
        case "brand": return ("the producer's public name", .string("string"), false)
        default: return (name.replacingOccurrences(of: "_", with: " "), .string("string"), false)
        }
    }

    /// CSVW metadata (W3C's "Metadata Vocabulary for Tabular Data") for `products.csv`: each
    /// column's name, title and datatype, so a CSVW processor reads the file typed and checked.
    static func csvMetadata(profile: FeedProfile, csvFile: String) -> FeedJSON {
        let columns: [FeedJSON] = csvHeader(profile: profile).map { name in
            let column = csvColumn(name)
            return .object([
                ("name", .string(name)),
                ("titles", .string(name)),
                ("dc:description", .string(column.description)),
                ("datatype", column.datatype),
                ("required", column.required ? .bool(true) : nil),
                ("separator", name == "image_urls" ? .string(" ") : nil),
            ])
        }
        return .object([
            ("@context", .array([.string("http://www.w3.org/ns/csvw"), .object([("@language", .string("en"))])])),
            ("url", .string(csvFile)),
            ("dc:title", .string(profile.title)),
            ("dc:description", .string("Products certified under " + programmeStatement)),
            ("dialect", .object([("encoding", .string("utf-8")), ("header", .bool(true)), ("lineTerminators", .array([.string("\r\n")]))])),
            ("tableSchema", .object([("columns", .array(columns)), ("primaryKey", .string("id"))])),
        ])
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
                "brand": product.producer.name,
                "price_vnd": product.offer?.priceVND.map(String.init) ?? "",
                "availability": product.offer?.availability.rawValue ?? "",
                "net_quantity": product.offer?.netQuantity.map { FeedJSON.number($0).serialized() } ?? "",
                "net_unit": product.offer?.netQuantity == nil ? "" : product.offer?.netUnit?.rawValue ?? "",
                "growing_area_code": product.growingAreaCode ?? "",
                "page_url": product.pageURL ?? "",
                "image_urls": product.imageURLs.joined(separator: " "),
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
                ("xsd", .string("http://www.w3.org/2001/XMLSchema#")),
            ])),
            ("@type", .string("dcat:Catalog")),
            ("@id", .string("urn:ocop-vn:catalog:\(profile.id):\(snapshot.cursor)")),
            ("dct:title", .string("OCOP Viet Nam feeds for international partners")),
            ("dct:description", .string(programmeStatement)),
            ("dct:publisher", .object([("@type", .string("foaf:Organization")), ("foaf:name", .string("Ministry of Agriculture and Environment of Viet Nam, central OCOP office"))])),
            ("dct:issued", .object([("@value", .string(generatedAt)), ("@type", .string("xsd:dateTime"))])),
            ("dcat:dataset", .array([.object([
                ("@type", .string("dcat:Dataset")),
                ("@id", .string("urn:ocop-vn:feed:\(profile.id)")),
                ("dct:title", .string(profile.title)),
                ("dct:description", .string("Products certified under " + programmeStatement + " Only products whose certificate is in force; no personal data of household producers.")),
                // Resources, as DCAT requires: languages and the country from the ISO lists.
                ("dct:language", .array(profile.languages.map { .object([("@id", .string(languageIRI + $0.rawValue))]) })),
                ("dct:spatial", .object([("@id", .string(countryIRI))])),
                ("dct:modified", .object([("@value", .string(snapshot.cursor.date.description)), ("@type", .string("xsd:date"))])),
                ("dct:conformsTo", .object([("@id", .string("https://schema.org/Product"))])),
                ("ocop:since", snapshot.since.map { .string($0.description) } ?? .null),
                ("ocop:cursor", .string(snapshot.cursor.description)),
                ("dcat:distribution", .array(files.map { file in
                    .object([
                        ("@type", .string("dcat:Distribution")),
                        // Relative to the catalogue: the files sit beside it.
                        ("dcat:downloadURL", .object([("@id", .string(file.path))])),
                        ("dcat:mediaType", .object([("@id", .string(mediaTypeIRI + file.mediaType))])),
                        ("dcat:byteSize", .int(file.bytes)),
                    ])
                })),
            ])])),
        ])
    }
}
