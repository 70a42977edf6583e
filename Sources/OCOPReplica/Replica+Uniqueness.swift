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

extension Replica {
    /// Refuses an area whose growing-area code another area has, or whose name another area of
    /// the province has (ignoring case and Unicode form, never tone marks): on
    /// `material_areas.growing_area_code` / `material_areas.name`.
    package func checkAreaKeysAreFree(_ area: MaterialArea) throws {
        let others = try fetchAll(MaterialArea.self).filter { $0.id != area.id }
        if let code = area.growingAreaCode, let owner = others.first(where: { $0.growingAreaCode?.lowercased() == code.lowercased() }) {
            throw ValidationErrors([ValidationError(record: MaterialArea.schema.name, field: "growing_area_code",
                                                    reason: "\(code) is already registered to \(owner.name) (\(owner.id.uuidString.lowercased()))")])
        }
        if let twin = others.first(where: { $0.tenantID == area.tenantID && VietnameseCollation.matches($0.name, area.name) }) {
            throw ValidationErrors([ValidationError(record: MaterialArea.schema.name, field: "name",
                                                    reason: "an area named \"\(twin.name)\" is already registered (\(twin.id.uuidString.lowercased())); give this one a distinguishing name")])
        }
    }

    /// Every problem with `lot` as a row of this replica: its own fields, a production day after
    /// `today` (a lot is recorded once produced), and its links (its product's province, its
    /// area's growing-area code, a lot code its product already uses).
    package func checkLot(_ lot: Batch, product: Product, area: MaterialArea?, today: LocalDate = LocalDate(Date())) throws {
        var errors = lot.validationErrors(reference: .standard)
        if lot.producedOn > today {
            errors.append(ValidationError(record: Batch.schema.name, field: "produced_on",
                                          reason: "\(lot.producedOn) is after today (\(today), Vietnam time): a lot is recorded once produced"))
        }
        errors += lot.linkErrors(product: product, area: area, areaCodes: try fetchAll(GrowingAreaCode.self), otherLots: try fetchAll(Batch.self))
        if !errors.isEmpty { throw ValidationErrors(errors) }
    }
}
