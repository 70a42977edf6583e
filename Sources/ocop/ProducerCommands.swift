import ArgumentParser
import Foundation
import OCOPModel
import OCOPReplica

/// `ocop producer add|edit|delete|list|show`.
struct ProducerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "producer",
        abstract: "Register and manage producers (chủ thể OCOP): cooperatives, enterprises, groups, households.",
        discussion: "A producer is named by its id, its tax code, or its exact name (ignoring case).",
        subcommands: [Add.self, Edit.self, Delete.self, List.self, Show.self, Consent.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a producer; prints the new id.",
            discussion: """
                Example:
                  ocop producer add --name "Hợp tác xã Chè Shan tuyết Suối Giàng" --type HTX \\
                    --tax-code 5200123456 --commune "Xã Suối Giàng"
                A household (--type household) must name its head with --representative.
                """
        )

        @OptionGroup var replicaOptions: ReplicaOptions
        @Option(help: "The producer's name.") var name: String
        @Option(help: "The legal form; Vietnamese names work too: HTX, doanh nghiệp, tổ hợp tác, hộ kinh doanh.")
        var type: ProducerType
        @Option(help: "Mã số thuế: 10 digits, 10-3 digits, or a 12-digit personal ID number.") var taxCode: String?
        @Option(help: "Commune (xã/phường).") var commune: String?
        @Option(help: "Representative; for a household, the head of the household (personal data).") var representative: String?
        @Option(name: .customLong("national-id"), help: "ID card number, 12 digits (or 9) (personal data).") var nationalID: String?
        @Option(help: "Phone number (personal data).") var phone: String?
        @Option(help: "Address (personal data).") var address: String?
        @Option(help: ArgumentHelp("On a central-office replica: the province the producer belongs to.", valueName: "uuid"),
                transform: ArgumentParsers.uuid)
        var tenant: UUID?

        func run() throws {
            let replica = try replicaOptions.open()
            let producer = Producer(
                tenantID: try replica.tenantForNewRows(option: tenant), name: name, type: type, taxCode: taxCode,
                commune: commune, representative: representative, nationalID: nationalID, phone: phone, address: address)
            try producer.validate()
            try replica.checkTaxCodeIsFree(producer)
            try replica.save(producer)
            print(producer.id.lowercasedString)
        }
    }

    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change some fields of a producer; other fields keep their values.",
            discussion: """
                Give only the options to change; an empty value ("") clears an optional field. Example:
                  ocop producer edit 5200123456 --phone "0912 345 678" --address ""
                """
        )

        @OptionGroup var replicaOptions: ReplicaOptions
        @Argument(help: "The producer: id, tax code or name.") var producer: String
        @Option(help: "New name.") var name: String?
        @Option(help: "New type: cooperative, enterprise, cooperative_group or household.") var type: ProducerType?
        @Option(help: "New tax code (\"\" clears it).") var taxCode: String?
        @Option(help: "New commune (\"\" clears it).") var commune: String?
        @Option(help: "New representative (\"\" clears it).") var representative: String?
        @Option(name: .customLong("national-id"), help: "New ID card number (\"\" clears it).") var nationalID: String?
        @Option(help: "New phone number (\"\" clears it).") var phone: String?
        @Option(help: "New address (\"\" clears it).") var address: String?

        func validate() throws {
            let given: [Any?] = [name, type, taxCode, commune, representative, nationalID, phone, address]
            if given.allSatisfy({ $0 == nil }) {
                throw ArgumentParser.ValidationError("nothing to change: give at least one of --name, --type, --tax-code, --commune, --representative, --national-id, --phone, --address")
            }
        }

        func run() throws {
            let replica = try replicaOptions.open()
            let old = try replica.producer(producer)
            var new = old
            if let name { new.name = name.trimmedNFC() }
            if let type { new.type = type }
            if let taxCode { new.taxCode = taxCode.trimmedNFCOrNil() }
            if let commune { new.commune = commune.trimmedNFCOrNil() }
            if let representative { new.representative = representative.trimmedNFCOrNil() }
            if let nationalID { new.nationalID = nationalID.trimmedNFCOrNil() }
            if let phone { new.phone = phone.trimmedNFCOrNil() }
            if let address { new.address = address.trimmedNFCOrNil() }
            try new.validate()
            try replica.checkTaxCodeIsFree(new)
            let changed = changedColumns(old, new)
            guard !changed.isEmpty else {
                print("Producer \(old.id.lowercasedString) already has these values; nothing changed.")
                return
            }
            try replica.save(new)
            print("Updated producer \(new.id.lowercasedString): \(changed.joined(separator: ", ")).")
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a producer that has no products.",
            discussion: "A producer whose products are still registered cannot be deleted (exit 2); delete or move the products first."
        )

        @OptionGroup var replicaOptions: ReplicaOptions
        @Argument(help: "The producer: id, tax code or name.") var producer: String

        func run() throws {
            let replica = try replicaOptions.open()
            let target = try replica.producer(producer)
            let products = try replica.fetchAll(Product.self).filter { $0.producerID == target.id }
            if !products.isEmpty {
                throw CLIError.notFound("producer \(target.id.lowercasedString) (\(target.name)) still has \(products.count) product(s); delete them or give them another producer first")
            }
            try replica.delete(Producer.self, id: target.id)
            print("Deleted producer \(target.id.lowercasedString) (\(target.name)).")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List producers in Vietnamese alphabetical order.")

        @OptionGroup var replicaOptions: ReplicaOptions
        @Option(help: "Only producers of this type.") var type: ProducerType?
        @Flag(help: "Print a JSON array of full records.") var json = false
        @Flag(help: "Print CSV (UTF-8 with a BOM) that `ocop import producers` reads back.") var csv = false

        func run() throws {
            let replica = try replicaOptions.open()
            let producers = try replica.fetchAll(Producer.self)
                .filter { type == nil || $0.type == type }
                .sorted { VietnameseCollation.compare($0.name, $1.name, caseInsensitive: true) == .orderedAscending }
            if csv {
                try writeCSV(CSVExport.producers(producers), to: nil)
                return
            }
            if json {
                try printJSON(.array(producers.map(JSONValue.record)))
                return
            }
            guard !producers.isEmpty else {
                print("No producers.")
                return
            }
            let productCounts = Dictionary(grouping: try replica.fetchAll(Product.self), by: \.producerID).mapValues(\.count)
            var table = TextTable("ID", "NAME", "TYPE", "TAX CODE", "COMMUNE", "PRODUCTS")
            for producer in producers {
                table.add(producer.id.lowercasedString, producer.name, producer.type.rawValue, producer.taxCode ?? "-",
                          producer.commune ?? "-", String(productCounts[producer.id] ?? 0))
            }
            print(table.render())
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one producer and its products.")

        @OptionGroup var replicaOptions: ReplicaOptions
        @Argument(help: "The producer: id, tax code or name.") var producer: String
        @Flag(help: "Print the full record as JSON.") var json = false

        func run() throws {
            let replica = try replicaOptions.open()
            let producer = try replica.producer(producer)
            if json {
                try printJSON(JSONValue.record(producer))
                return
            }
            printFields([
                ("id", producer.id.lowercasedString),
                ("name", producer.name),
                ("type", "\(producer.type.rawValue) (\(producer.type.vietnameseName))"),
                ("tax code", producer.taxCode),
                ("commune", producer.commune),
                ("representative", producer.representative),
                ("national id", producer.nationalID),
                ("phone", producer.phone),
                ("address", producer.address),
                ("tenant", producer.tenantID.lowercasedString),
            ])
            let products = try replica.fetchAll(Product.self).filter { $0.producerID == producer.id }
                .sorted { VietnameseCollation.compare($0.nameVi, $1.nameVi, caseInsensitive: true) == .orderedAscending }
            print(products.isEmpty ? "products: none" : "products:")
            for product in products {
                print("  \(product.id.lowercasedString)  \(product.nameVi)")
            }
        }
    }
}

