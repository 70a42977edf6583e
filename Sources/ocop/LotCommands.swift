import ArgumentParser
import Foundation
import OCOPModel
import OCOPReplica

/// `ocop lot add|edit|list|show|import|event|transform|label`: production lots (`batches`),
/// their value-chain events and their QR labels.
struct LotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lot",
        abstract: "Record production lots, their value-chain events, and print their QR labels.",
        discussion: """
            A lot is named by its id or its lot code (add --product P when two products share a code). \
            Lot codes are 1–64 GS1 AI (10) characters: letters, digits and ! " % & ' ( ) * + , - . / : ; < = > ? _ \
            (no spaces). Exit codes: 1 bad data (nothing changed), 2 not found, 64 usage.
            """,
        subcommands: [Add.self, Edit.self, List.self, Show.self, Import.self, Event.self, Transform.self, Label.self, EPCIS.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a production lot of a product; prints the new id.",
            discussion: """
                The production date may not be after today or before the OCOP programme (\(ReferenceData.programmeStart)). \
                A lot code is unique per product. The material area must be of the same province and, if it has \
                growing-area codes, one valid on the production date must cover the product's classification. Example:
                  ocop lot add --product 8934567890120 --lot-code SG-2026-031 --produced-on 2026-03-05 \\
                    --quantity 250 --unit kg --material-area VN-YBOR-0021
                """
        )

        @OptionGroup var replicaOptions: ReplicaOptions
        @Option(help: ArgumentHelp("The product: id, GTIN or name.", valueName: "product")) var product: String
        @Option(help: ArgumentHelp("The lot code printed on the package.", valueName: "code")) var lotCode: String
        @Option(help: ArgumentHelp("Production date.", valueName: "YYYY-MM-DD"), transform: ArgumentParsers.date) var producedOn: LocalDate
        @Option(help: ArgumentHelp("Amount produced (with --unit).", valueName: "number"), transform: ArgumentParsers.number) var quantity: Double?
        @Option(help: ArgumentHelp("Unit of --quantity, e.g. kg, lít, hộp.", valueName: "unit")) var unit: String?
        @Option(help: ArgumentHelp("The raw-material area: id, growing-area code or name.", valueName: "area")) var materialArea: String?

        func run() throws {
            let replica = try replicaOptions.open()
            let product = try replica.product(product)
            let area = try materialArea.map { try replica.materialArea($0) }
            let lot = Batch(tenantID: product.tenantID, productID: product.id, materialAreaID: area?.id, lotCode: lotCode,
                            producedOn: producedOn, quantity: quantity, unit: unit)
            try replica.checkLot(lot, product: product, area: area)
            try replica.save(lot)
            print(lot.id.lowercasedString)
        }
    }

    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change some fields of a lot; other fields keep their values.",
            discussion: """
                Give only the options to change; "" clears --quantity and --unit (together) or --material-area. \
                A lot stays with its product. The same rules as `lot add` apply to the result. Example:
                  ocop lot edit SG-2026-031 --quantity 240 --unit kg
                """
        )

        @OptionGroup var replicaOptions: ReplicaOptions
        @Argument(help: "The lot: id or lot code.") var lot: String
        @Option(help: ArgumentHelp("The lot's product, when its code is shared: id, GTIN or name.", valueName: "product")) var product: String?
        @Option(help: ArgumentHelp("New lot code.", valueName: "code")) var lotCode: String?
        @Option(help: ArgumentHelp("New production date.", valueName: "YYYY-MM-DD"), transform: ArgumentParsers.date) var producedOn: LocalDate?
        @Option(help: ArgumentHelp("New amount (\"\" clears it).", valueName: "number")) var quantity: String?
        @Option(help: ArgumentHelp("New unit (\"\" clears it).", valueName: "unit")) var unit: String?
        @Option(help: ArgumentHelp("New raw-material area (\"\" clears it).", valueName: "area")) var materialArea: String?

        func validate() throws {
            if [lotCode, producedOn?.description, quantity, unit, materialArea].allSatisfy({ $0 == nil }) {
                throw ArgumentParser.ValidationError("nothing to change: give at least one of --lot-code, --produced-on, --quantity, --unit, --material-area")
            }
        }

        func run() throws {
            let replica = try replicaOptions.open()
            let old = try replica.lot(lot, product: product)
            let owner = try replica.product(of: old)
            let amount: Double?? = try quantity.map { text in
                text.trimmingCharacters(in: .whitespaces).isEmpty ? nil : try ArgumentParsers.number(text)
            }
            let area: MaterialArea?? = try materialArea.map { text in
                text.trimmingCharacters(in: .whitespaces).isEmpty ? nil : try replica.materialArea(text)
            }
            let oldArea = try old.materialAreaID.flatMap { try replica.fetch(MaterialArea.self, id: $0) }
            // Through the initialiser, so the new values are normalised as on `add`.
            let new = Batch(id: old.id, tenantID: old.tenantID, productID: old.productID, materialAreaID: (area ?? oldArea)?.id,
                            lotCode: lotCode ?? old.lotCode, producedOn: producedOn ?? old.producedOn,
                            quantity: amount ?? old.quantity, unit: unit ?? old.unit)
            try replica.checkLot(new, product: owner, area: area ?? oldArea)
            let changed = changedColumns(old, new)
            guard !changed.isEmpty else {
                print("Lot \(old.id.lowercasedString) already has these values; nothing changed.")
                return
            }
            try replica.save(new)
            print("Updated lot \(new.id.lowercasedString): \(changed.joined(separator: ", ")).")
        }
    }
}
