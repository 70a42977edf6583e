import ArgumentParser
import Foundation
import OCOPModel
import OCOPReplica

extension MaterialAreaCommand {
    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change some fields of a raw-material area; other fields keep their values.",
            discussion: """
                Give only the options to change; an empty value ("") clears an optional field. Example:
                  ocop material-area edit "Vùng chè Suối Giàng" --code VN-YBOR-0021 --area-ha 125
                """
        )

        @OptionGroup var replicaOptions: ReplicaOptions
        @Argument(help: "The area: id, growing-area code or name.") var area: String
        @Option(help: "New name.") var name: String?
        @Option(help: ArgumentHelp("New growing-area code, e.g. VN-LCOR-0012 (\"\" clears it).", valueName: "code")) var code: String?
        @Option(help: "New commune (\"\" clears it).") var commune: String?
        @Option(help: ArgumentHelp("New area in hectares (\"\" clears it).", valueName: "hectares")) var areaHa: String?

        func validate() throws {
            if [name, code, commune, areaHa].allSatisfy({ $0 == nil }) {
                throw ArgumentParser.ValidationError("nothing to change: give at least one of --name, --code, --commune, --area-ha")
            }
        }

        func run() throws {
            let replica = try replicaOptions.open()
            let old = try replica.materialArea(area)
            // Through the initialiser, so the new values are normalised as on `add`.
            let hectares: Double?? = try areaHa.map { text in
                text.trimmingCharacters(in: .whitespaces).isEmpty ? nil : try ArgumentParsers.number(text)
            }
            let new = MaterialArea(
                id: old.id, tenantID: old.tenantID, name: name ?? old.name, growingAreaCode: code ?? old.growingAreaCode,
                commune: commune ?? old.commune, areaHa: hectares ?? old.areaHa
            )
            try new.validate()
            try replica.checkAreaKeysAreFree(new)
            let changed = changedColumns(old, new)
            guard !changed.isEmpty else {
                print("Material area \(old.id.lowercasedString) already has these values; nothing changed.")
                return
            }
            try replica.save(new)
            print("Updated material area \(new.id.lowercasedString): \(changed.joined(separator: ", ")).")
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a raw-material area no product or batch refers to.",
            discussion: "An area that products or batches (lots) refer to is part of their traceability and cannot be deleted (exit 2)."
        )

        @OptionGroup var replicaOptions: ReplicaOptions
        @Argument(help: "The area: id, growing-area code or name.") var area: String

        func run() throws {
            let replica = try replicaOptions.open()
            let target = try replica.materialArea(area)
            let products = try replica.fetchAll(Product.self).filter { $0.materialAreaID == target.id }.count
            let batches = try replica.fetchAll(Batch.self).filter { $0.materialAreaID == target.id }.count
            if products + batches > 0 {
                throw CLIError.notFound("material area \(target.id.lowercasedString) (\(target.name)) is referred to by \(products) product(s) and \(batches) batch(es); it cannot be deleted")
            }
            try replica.delete(MaterialArea.self, id: target.id)
            print("Deleted material area \(target.id.lowercasedString) (\(target.name)).")
        }
    }
}
