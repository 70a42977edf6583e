import Foundation
import OCOPModel

/// Rules that look beyond one record: what the replica already holds. Every writer of a
/// province's records (the command line, the workspace, CSV imports) checks them the same way.
extension Replica {
    /// A tax code names one producer: refuses `producer` when another has its tax code.
    package func checkTaxCodeIsFree(_ producer: Producer) throws {
        guard let taxCode = producer.taxCode else { return }
        if let owner = try fetchAll(Producer.self).first(where: { $0.taxCode == taxCode && $0.id != producer.id }) {
            throw ValidationErrors([ValidationError(
                record: "producers", field: "tax_code",
                reason: "tax code \(taxCode) is already registered to \(owner.name) (\(owner.id.uuidString.lowercased()))")])
        }
    }

    /// A GTIN names one product: refuses `product` when another has its GTIN.
    package func checkGTINIsFree(_ product: Product) throws {
        guard let gtin = product.gtin else { return }
        if let owner = try fetchAll(Product.self).first(where: { $0.gtin == gtin && $0.id != product.id }) {
            throw ValidationErrors([ValidationError(
                record: "products", field: "gtin",
                reason: "GTIN \(gtin) is already used by \(owner.nameVi) (\(owner.id.uuidString.lowercased()))")])
        }
    }

    /// A producer's products are told apart by name (`ocop product show NAME`, CSV imports): refuses a
    /// second product with the same name for one producer, compared as the lookup compares (NFC,
    /// case-insensitive), so a name that works today keeps working.
    package func checkNameIsFree(_ product: Product) throws {
        let twin = try fetchAll(Product.self).first {
            $0.id != product.id && $0.producerID == product.producerID && VietnameseCollation.matches($0.nameVi, product.nameVi)
        }
        if let twin {
            throw ValidationErrors([ValidationError(
                record: "products", field: "name_vi",
                reason: "this producer already has a product named \"\(twin.nameVi)\" (\(twin.id.uuidString.lowercased())); give the new one a distinguishing name, or edit that one")])
        }
    }
}

/// The columns whose stored values differ between two versions of a record, in schema order:
/// what an edit changed (the command line says it, the workspace's history keeps it).
package func changedColumns<Record: SyncedRecord>(_ old: Record, _ new: Record) -> [String] {
    guard let before = try? old.databaseDictionary, let after = try? new.databaseDictionary else { return [] }
    return Record.schema.columns.map(\.name).filter { before[$0] != after[$0] }
}
