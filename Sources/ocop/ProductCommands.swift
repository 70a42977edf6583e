import ArgumentParser
import Foundation
import OCOPModel
import OCOPReplica
import OCOPSync

/// `ocop product add|edit|delete|list|show`.
struct ProductCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "product",
        abstract: "Register and manage OCOP products.",
        discussion: "A product is named by its id, its GTIN, or its exact Vietnamese name (ignoring case).",
        subcommands: [Add.self, Edit.self, Delete.self, List.self, Show.self, Price.self]
    )

    /// The newest classification version: the default for new products.
    static var currentClassificationVersion: String {
        ReferenceData.standard.newestClassification?.id ?? ClassificationVersion.qd148_2023.id
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a product; prints the new id.",
            discussion: """
                Example:
                  ocop product add --name-vi "Chè Shan tuyết Suối Giàng" \\
                    --name-en "Suoi Giang Shan Tuyet tea" --classification 1.5.a \\
                    --producer 5200123456 --gtin 8934567890120
                The classification code is a leaf of the version (default \(ProductCommand.currentClassificationVersion)), \
                e.g. 1.2.b honey, 1.4.a fish sauce, 1.5.a tea, 2.1.a rice spirit.
                """
        )

        @OptionGroup var replicaOptions: ReplicaOptions
        @Option(help: "Vietnamese name (the original).") var nameVi: String
        @Option(help: "English name.") var nameEn: String?
        @Option(help: ArgumentHelp("Classification code, a leaf such as 1.2.b.", valueName: "code")) var classification: String
        @Option(help: ArgumentHelp("Classification version (default: the current one).", valueName: "version"))
        var classificationVersion: String = ProductCommand.currentClassificationVersion
        @Option(help: ArgumentHelp("The producer: id, tax code or name.", valueName: "producer")) var producer: String
        @Option(help: "Vietnamese description.") var descriptionVi: String?
        @Option(help: "English description.") var descriptionEn: String?
        @Option(help: "GTIN (barcode number) with its check digit.") var gtin: String?
        @Option(help: ArgumentHelp("The raw-material area: id, growing-area code or name.", valueName: "area")) var materialArea: String?
        @Option(help: "draft, registered or discontinued.") var status: ProductStatus = .registered

        func run() throws {
            let replica = try replicaOptions.open()
            let owner = try replica.producer(producer)
            let area = try materialArea.map { try replica.materialArea($0) }
            let product = Product(
                tenantID: owner.tenantID, producerID: owner.id, classificationCode: classification,
                classificationVersion: classificationVersion, nameVi: nameVi, nameEn: nameEn, descriptionVi: descriptionVi,
                descriptionEn: descriptionEn, materialAreaID: area?.id, gtin: gtin, status: status)
            try product.validate()
            try replica.checkGTINIsFree(product)
            try replica.checkNameIsFree(product)
            try replica.save(product)
            print(product.id.lowercasedString)
        }
    }

    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change some fields of a product; other fields keep their values.",
            discussion: """
                Give only the options to change; an empty value ("") clears an optional field. Example:
                  ocop product edit 8934567890120 --name-en "Suoi Giang ancient tea"
                """
        )

        @OptionGroup var replicaOptions: ReplicaOptions
        @Argument(help: "The product: id, GTIN or name.") var product: String
        @Option(help: "New Vietnamese name.") var nameVi: String?
        @Option(help: "New English name (\"\" clears it).") var nameEn: String?
        @Option(help: ArgumentHelp("New classification code.", valueName: "code")) var classification: String?
        @Option(help: ArgumentHelp("New classification version.", valueName: "version")) var classificationVersion: String?
        @Option(help: ArgumentHelp("New producer: id, tax code or name.", valueName: "producer")) var producer: String?
        @Option(help: "New Vietnamese description (\"\" clears it).") var descriptionVi: String?
        @Option(help: "New English description (\"\" clears it).") var descriptionEn: String?
        @Option(help: "New GTIN (\"\" clears it).") var gtin: String?
        @Option(help: ArgumentHelp("New material area: id, code or name (\"\" clears it).", valueName: "area")) var materialArea: String?
        @Option(help: "New status: draft, registered or discontinued.") var status: ProductStatus?

        func validate() throws {
            let given: [Any?] = [nameVi, nameEn, classification, classificationVersion, producer, descriptionVi, descriptionEn,
                                 gtin, materialArea, status]
            if given.allSatisfy({ $0 == nil }) {
                throw ArgumentParser.ValidationError("nothing to change: give at least one option, e.g. --name-vi or --status (see --help)")
            }
        }

        func run() throws {
            let replica = try replicaOptions.open()
            let (old, repaired) = try original(replica)
            var new = old
            if let nameVi { new.nameVi = nameVi.trimmedNFC() }
            if let nameEn { new.nameEn = nameEn.trimmedNFCOrNil() }
            if let classification { new.classificationCode = classification.trimmedNFC() }
            if let classificationVersion { new.classificationVersion = classificationVersion.trimmedNFC() }
            if let producer {
                let owner = try replica.producer(producer)
                guard owner.tenantID == old.tenantID else {
                    throw CLIError.badData("products.producer_id: producer \(owner.name) belongs to another province")
                }
                new.producerID = owner.id
            }
            if let descriptionVi { new.descriptionVi = descriptionVi.trimmedNFCOrNil() }
            if let descriptionEn { new.descriptionEn = descriptionEn.trimmedNFCOrNil() }
            if let gtin { new.gtin = gtin.trimmedNFCOrNil() }
            if let materialArea {
                new.materialAreaID = try materialArea.trimmedNFCOrNil().map { try replica.materialArea($0).id }
            }
            if let status { new.status = status }
            try new.validate()
            try replica.checkGTINIsFree(new)
            try replica.checkNameIsFree(new)
            if repaired {
                try replica.save(new)
                print("Repaired product \(new.id.lowercasedString): \(try givenColumns(replica).keys.sorted().joined(separator: ", ")).")
                return
            }
            let changed = changedColumns(old, new)
            guard !changed.isEmpty else {
                print("Product \(old.id.lowercasedString) already has these values; nothing changed.")
                return
            }
            try replica.save(new)
            print("Updated product \(new.id.lowercasedString): \(changed.joined(separator: ", ")).")
        }

        /// The product to edit, and whether it is a row no record could hold (a value written
        /// with plain SQL at the centre) that the values given make readable: giving the field
        /// that is wrong repairs it, as `product list`'s warning says.
        private func original(_ replica: Replica) throws -> (Product, repaired: Bool) {
            guard let id = UUID(uuidString: product.trimmedNFC()) else { return (try replica.product(product), false) }
            do {
                guard let stored = try replica.storedRecord(Product.self, id: id) else { return (try replica.product(product), false) }
                return (stored, false)
            } catch is UnreadableRow {
                do {
                    guard let stored = try replica.storedRecord(Product.self, id: id, replacing: try givenColumns(replica)) else {
                        return (try replica.product(product), false)
                    }
                    return (stored, true)
                } catch let row as UnreadableRow {
                    throw CLIError.badData("\(row); give a valid value for that column (e.g. --status draft); nothing changed")
                }
            }
        }

        /// The columns this command sets, with their stored values.
        private func givenColumns(_ replica: Replica) throws -> [String: SyncValue] {
            func text(_ value: String?) -> SyncValue { value.map { SyncValue.text($0) } ?? .null }
            func key(_ id: UUID) -> SyncValue { .blob(withUnsafeBytes(of: id.uuid) { Array($0) }) }
            var columns: [String: SyncValue] = [:]
            if let nameVi { columns["name_vi"] = text(nameVi.trimmedNFC()) }
            if let nameEn { columns["name_en"] = text(nameEn.trimmedNFCOrNil()) }
            if let classification { columns["classification_code"] = text(classification.trimmedNFC()) }
            if let classificationVersion { columns["classification_version"] = text(classificationVersion.trimmedNFC()) }
            if let producer { columns["producer_id"] = key(try replica.producer(producer).id) }
            if let descriptionVi { columns["description_vi"] = text(descriptionVi.trimmedNFCOrNil()) }
            if let descriptionEn { columns["description_en"] = text(descriptionEn.trimmedNFCOrNil()) }
            if let gtin { columns["gtin"] = text(gtin.trimmedNFCOrNil()) }
            if let materialArea {
                columns["material_area_id"] = try materialArea.trimmedNFCOrNil().map { key(try replica.materialArea($0).id) } ?? .null
            }
            if let status { columns["status"] = text(status.rawValue) }
            return columns
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a product that has no evaluations, certificates, batches or dossiers.",
            discussion: """
                A product with a history cannot be deleted (exit 2); mark it discontinued instead:
                  ocop product edit ID --status discontinued
                """
        )

        @OptionGroup var replicaOptions: ReplicaOptions
        @Argument(help: "The product: id, GTIN or name.") var product: String

        func run() throws {
            let replica = try replicaOptions.open()
            let target = try replica.product(product)
            let evaluations = try replica.evaluations(ofProduct: target.id).count
            let certificates = try replica.certificates(ofProduct: target.id).count
            let batches = try replica.fetchAll(Batch.self).filter { $0.productID == target.id }.count
            let dossiers = try replica.fetchAll(Dossier.self).filter { $0.productID == target.id }.count
            if evaluations + certificates + batches + dossiers > 0 {
                throw CLIError.notFound("product \(target.id.lowercasedString) (\(target.nameVi)) has \(evaluations) evaluation(s), \(certificates) certificate(s), \(batches) batch(es) and \(dossiers) dossier(s); mark it discontinued instead: ocop product edit \(target.id.lowercasedString) --status discontinued")
            }
            try replica.delete(Product.self, id: target.id)
            print("Deleted product \(target.id.lowercasedString) (\(target.nameVi)).")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List products in Vietnamese alphabetical order, with their current certificate.")

        @OptionGroup var replicaOptions: ReplicaOptions
        @Option(help: ArgumentHelp("Only products of this producer (id, tax code or name).", valueName: "producer")) var producer: String?
        @Option(help: "Only products with this status.") var status: ProductStatus?
        @Flag(help: "Print a JSON array of full records.") var json = false
        @Flag(help: "Print CSV (UTF-8 with a BOM) that `ocop import products` reads back.") var csv = false

        func run() throws {
            let replica = try replicaOptions.open()
            let owner = try producer.map { try replica.producer($0) }
            for row in try replica.unreadableRows(Product.self) {
                StandardError.print("warning: products row \(row.id) cannot be read and is not listed (\(row.reason)); fix it with `ocop product edit \(row.id)` and a valid value for that column (e.g. --status draft), or ask the central office")
            }
            let products = try replica.fetchAll(Product.self)
                .filter { (owner == nil || $0.producerID == owner?.id) && (status == nil || $0.status == status) }
                .sorted { VietnameseCollation.compare($0.nameVi, $1.nameVi, caseInsensitive: true) == .orderedAscending }
            if csv {
                let text = CSVExport.products(products, producers: try replica.fetchAll(Producer.self),
                                              materialAreas: try replica.fetchAll(MaterialArea.self))
                try writeCSV(text, to: nil)
                return
            }
            if json {
                try printJSON(.array(products.map(JSONValue.record)))
                return
            }
            guard !products.isEmpty else {
                print("No products.")
                return
            }
            let producerNames = Dictionary(uniqueKeysWithValues: try replica.fetchAll(Producer.self).map { ($0.id, $0.name) })
            let date = today()
            let current = Dictionary(grouping: try replica.fetchAll(Certificate.self).filter { $0.effectiveStatus(on: date) == .active },
                                     by: \.productID)
            var table = TextTable("ID", "NAME", "CLASS", "PRODUCER", "STATUS", "STARS")
            for product in products {
                let stars = current[product.id]?.max { $0.issuedOn < $1.issuedOn }.map { starsText($0.stars) } ?? "-"
                table.add(product.id.lowercasedString, product.nameVi, product.classificationCode,
                          producerNames[product.producerID] ?? product.producerID.lowercasedString, product.status.rawValue, stars)
            }
            print(table.render())
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one product with its evaluations and certificates.")

        @OptionGroup var replicaOptions: ReplicaOptions
        @Argument(help: "The product: id, GTIN or name.") var product: String
        @Flag(help: "Print the full record as JSON.") var json = false

        func run() throws {
            let replica = try replicaOptions.open()
            let product = try replica.product(product)
            if json {
                try printJSON(JSONValue.record(product))
                return
            }
            let reference = ReferenceData.standard
            let producer = try replica.fetch(Producer.self, id: product.producerID)
            let classification = reference.classificationNode(version: product.classificationVersion, code: product.classificationCode)
            let area = try product.materialAreaID.flatMap { try replica.fetch(MaterialArea.self, id: $0) }
            printFields([
                ("id", product.id.lowercasedString),
                ("name (vi)", product.nameVi),
                ("name (en)", product.nameEn),
                ("classification", "\(product.classificationCode) \(classification.map { "\($0.name.vi) / \($0.name.en)" } ?? "") (\(product.classificationVersion))"),
                ("producer", producer.map { "\($0.name) (\($0.id.lowercasedString))" } ?? product.producerID.lowercasedString),
                ("description (vi)", product.descriptionVi),
                ("description (en)", product.descriptionEn),
                ("gtin", product.gtin),
                ("material area", area.map { "\($0.name)\($0.growingAreaCode.map { " [\($0)]" } ?? "")" }),
                ("status", product.status.rawValue),
                ("offer", try replica.fetch(ProductOffer.self, id: product.id).map { Price.summary($0, of: product) }),
                ("attachments", String(try replica.fetchAll(FileAttachment.self).filter { $0.ownerID == product.id }.count)),
                ("tenant", product.tenantID.lowercasedString),
            ])
            let evaluations = try replica.evaluations(ofProduct: product.id)
            print(evaluations.isEmpty ? "evaluations: none" : "evaluations:")
            for evaluation in evaluations {
                print("  \(evaluation.evaluatedOn)  \(evaluation.criteriaSet)  \(evaluation.council.rawValue)  total \(formatScore(evaluation.total))  \(starsText(evaluation.stars))  \(evaluation.id.lowercasedString)")
            }
            let certificates = try replica.certificates(ofProduct: product.id)
            print(certificates.isEmpty ? "certificates: none" : "certificates:")
            let date = today()
            for certificate in certificates {
                print("  \(certificate.number)  \(starsText(certificate.stars))  \(certificate.issuedOn) → \(certificate.expiresOn)  \(certificate.effectiveStatus(on: date).rawValue)  \(certificate.id.lowercasedString)")
            }
        }
    }
}

