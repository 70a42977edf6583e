import Foundation
import OCOPModel
import OCOPReplica

/// Products: searched by name, producer, GTIN or classification, with the classification of
/// the newest version; a saved product offers to receive its OCOP dossier.
struct ProductKind: RecordKind {
    typealias Record = Product
    let path = "/products"
    let listKey = "products"
    let newKey = "newProduct"

    func columns(_ words: [String: String]) -> [String] {
        [words["nameVi"], words["producer"], words["classification"], words["gtin"], words["status"]].map { $0 ?? "" }
    }

    func listing(_ replica: Replica, words: [String: String], language: WorkspaceLanguage) throws -> [ListedRecord] {
        let producerNames = Dictionary(uniqueKeysWithValues: try replica.fetchAll(Producer.self).map { ($0.id, $0.name) })
        return try replica.fetchAll(Product.self).map { product in
            ListedRecord(
                id: product.id, sortName: product.nameVi,
                searched: [product.nameVi, product.nameEn, producerNames[product.producerID], product.gtin, product.classificationCode],
                cells: [
                    .init(text: product.nameVi, link: "\(path)/\(product.id.uuidString.lowercased())"),
                    .init(text: producerNames[product.producerID] ?? "", link: "/producers/\(product.producerID.uuidString.lowercased())"),
                    .init(text: product.classificationCode), .init(text: product.gtin ?? ""),
                    .init(text: words["status_\(product.status.rawValue)"] ?? product.status.rawValue),
                ])
        }
    }

    func csv(_ replica: Replica, ids: [UUID]) throws -> String {
        let byID = Dictionary(uniqueKeysWithValues: try replica.fetchAll(Product.self).map { ($0.id, $0) })
        return CSVExport.products(ids.compactMap { byID[$0] }, producers: try replica.fetchAll(Producer.self),
                                  materialAreas: try replica.fetchAll(MaterialArea.self))
    }

    func form(_ product: Product?, replica: Replica, strings: WorkspaceStrings, language: WorkspaceLanguage, query: FormData) throws -> RecordForm {
        let text = { (key: String) in strings.text(key, language) }
        let labels: Language = language == .vi ? .vi : .en
        let producers = VietnameseCollation.sorted(try replica.fetchAll(Producer.self), by: \.name)
        let version = ReferenceData.standard.classifications.first { $0.id == product?.classificationVersion }
            ?? ReferenceData.standard.newestClassification
        let leaves = (version?.nodes ?? []).filter { version?.isLeaf(code: $0.code) == true }
        // "Add a product" from a producer's page starts with that producer chosen.
        let producerID = product?.producerID.uuidString.lowercased() ?? query["producer"] ?? ""
        return RecordForm(groups: [
            .init(legend: text("general"), fields: [
                FormField(id: "name_vi", label: text("nameVi"), value: product?.nameVi ?? "", required: true, maximumLength: 200),
                FormField(id: "name_en", label: text("nameEn"), value: product?.nameEn ?? "", maximumLength: 200),
                FormField(id: "producer_id", label: text("producer"), value: producerID, kind: .select,
                          required: true, options: [("", "—")] + producers.map { ($0.id.uuidString.lowercased(), $0.name) }),
                FormField(id: "classification_code", label: text("classification"), value: product?.classificationCode ?? "", kind: .select,
                          required: true,
                          options: [("", "—")] + leaves.map { ($0.code, "\($0.code) · \(version?.label(code: $0.code, in: labels) ?? "")") }),
                FormField(id: "gtin", label: text("gtin"), value: product?.gtin ?? "", maximumLength: 14),
                FormField(id: "status", label: text("status"), value: product?.status.rawValue ?? ProductStatus.registered.rawValue,
                          kind: .select, options: ProductStatus.allCases.map { ($0.rawValue, text("status_\($0.rawValue)")) }),
                FormField(id: "description_vi", label: text("descriptionVi"), value: product?.descriptionVi ?? "", kind: .textArea,
                          maximumLength: 5_000),
                FormField(id: "description_en", label: text("descriptionEn"), value: product?.descriptionEn ?? "", kind: .textArea,
                          maximumLength: 5_000),
            ]),
        ])
    }

    func record(from values: FormData, old: Product?, replica: Replica) throws -> Product {
        guard let producerID = values["producer_id"].flatMap(UUID.init(uuidString:)),
              let producer = try replica.fetch(Producer.self, id: producerID) else {
            throw ValidationErrors([ValidationError(record: Product.schema.name, field: "producer_id", reason: "is not a producer of this replica")])
        }
        var product = old ?? Product(tenantID: producer.tenantID, producerID: producerID, classificationCode: "", nameVi: "")
        // The product belongs to its producer's province.
        product.tenantID = producer.tenantID
        product.producerID = producerID
        product.nameVi = values.text("name_vi") ?? ""
        product.nameEn = values.text("name_en")
        product.classificationCode = values.text("classification_code") ?? ""
        product.classificationVersion = old?.classificationVersion ?? ReferenceData.standard.newestClassification?.id ?? ""
        product.gtin = values.text("gtin")
        product.status = ProductStatus(rawValue: values["status"] ?? "") ?? .registered
        product.descriptionVi = values.text("description_vi")
        product.descriptionEn = values.text("description_en")
        try product.validate()
        try replica.checkGTINIsFree(product)
        try replica.checkNameIsFree(product)
        return product
    }

    func heading(_ product: Product) -> String { product.nameVi }

    func links(_ product: Product, words: [String: String]) -> [(href: String, label: String)] {
        [("/dossiers/new?product=\(product.id.uuidString.lowercased())", words["receiveDossier"] ?? "")]
    }

    /// The product's lots and certificates.
    func sections(_ product: Product, replica: Replica, words: [String: String], language: WorkspaceLanguage) throws -> [RecordSection] {
        let id = product.id.uuidString.lowercased()
        let lots = try replica.fetchAll(Batch.self).filter { $0.productID == product.id }.sorted { $0.producedOn > $1.producedOn }
        let certificates = try replica.certificates(ofProduct: product.id).reversed()
        return [
            RecordSection(id: "lots", title: words["lots"] ?? "", columns: [words["lotCode"], words["producedOn"], words["quantity"]].map { $0 ?? "" },
                          rows: lots.map { lot in
                              [lot.lotCode, Workspace.day(lot.producedOn, language), lot.quantity.map { "\(CriteriaSet.format($0)) \(lot.unit ?? "")" } ?? ""]
                          },
                          empty: words["nothingFound"] ?? "", link: ("/lots/new?product=\(id)", words["newLot"] ?? "")),
            RecordSection(id: "certificates", title: words["certificates"] ?? "",
                          columns: [words["certificateNumber"], words["stars"], words["issuedOn"], words["expiresOn"], words["status"]].map { $0 ?? "" },
                          rows: certificates.map { certificate in
                              let status = certificate.effectiveStatus(on: LocalDate(Date()))
                              return [certificate.number, "\(certificate.stars)★", Workspace.day(certificate.issuedOn, language),
                                      Workspace.day(certificate.expiresOn, language), words["certificate_\(status.rawValue)"] ?? status.rawValue]
                          },
                          empty: words["nothingFound"] ?? ""),
        ]
    }
}
