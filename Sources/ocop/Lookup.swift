import Foundation
import OCOPModel
import OCOPReplica

/// Finding the record a user means: by id, or by a natural key people know (a producer's tax
/// code or name, a product's GTIN or name, a material area's growing-area code or name).
/// Not found or ambiguous is exit 2.
extension Replica {
    func producer(_ reference: String) throws -> Producer {
        let text = reference.trimmedNFC()
        if let id = UUID(uuidString: text) {
            guard let producer = try fetch(Producer.self, id: id) else { throw CLIError.notFound("no producer has id \(text)") }
            return producer
        }
        let all = try fetchAll(Producer.self)
        if let byTaxCode = all.first(where: { $0.taxCode == text }) { return byTaxCode }
        return try unique(all.filter { VietnameseCollation.matches($0.name, text) }, "producer", text, natural: "tax code or name")
    }

    func product(_ reference: String) throws -> Product {
        let text = reference.trimmedNFC()
        if let id = UUID(uuidString: text) {
            do {
                guard let product = try storedRecord(Product.self, id: id) else { throw CLIError.notFound("no product has id \(text)") }
                return product
            } catch let row as UnreadableRow {
                throw CLIError.badData("\(row); fix it with `ocop product edit \(row.id)` and a valid value for that column, or ask the central office")
            }
        }
        let all = try fetchAll(Product.self)
        if let byGTIN = all.first(where: { $0.gtin == text }) { return byGTIN }
        return try unique(all.filter { VietnameseCollation.matches($0.nameVi, text) }, "product", text, natural: "GTIN or name")
    }

    func materialArea(_ reference: String) throws -> MaterialArea {
        let text = reference.trimmedNFC()
        if let id = UUID(uuidString: text) {
            guard let area = try fetch(MaterialArea.self, id: id) else { throw CLIError.notFound("no material area has id \(text)") }
            return area
        }
        let all = try fetchAll(MaterialArea.self)
        if let byCode = all.first(where: { $0.growingAreaCode?.lowercased() == text.lowercased() }) { return byCode }
        // Codes granted later are recorded in growing_area_codes (`material-area code add`).
        if let granted = try fetchAll(GrowingAreaCode.self).first(where: { $0.code == text.uppercased() }),
           let area = all.first(where: { $0.id == granted.materialAreaID }) {
            return area
        }
        return try unique(all.filter { VietnameseCollation.matches($0.name, text) }, "material area", text, natural: "growing-area code or name")
    }

    /// A lot by id, or by lot code (any case) among the lots of `product` when given, else of
    /// every product: a code two products share must be given with `--product` or as the id.
    func lot(_ reference: String, product: String? = nil) throws -> Batch {
        let text = reference.trimmedNFC()
        if let id = UUID(uuidString: text) {
            guard let lot = try fetch(Batch.self, id: id) else { throw CLIError.notFound("no lot has id \(text)") }
            return lot
        }
        let productID = try product.map { try self.product($0).id }
        let matches = try fetchAll(Batch.self).filter { $0.lotCode.lowercased() == text.lowercased() && (productID == nil || $0.productID == productID) }
        if matches.count > 1 { throw CLIError.notFound("\"\(text)\" is a lot code of \(matches.count) products; give --product or the lot's id") }
        return try unique(matches, "lot", text, natural: "lot code")
    }

    /// The product a lot is of (exit 2 if this replica does not have it).
    func product(of lot: Batch) throws -> Product {
        guard let product = try fetch(Product.self, id: lot.productID) else {
            throw CLIError.notFound("lot \(lot.id.lowercasedString)'s product \(lot.productID.lowercasedString) is not in this replica")
        }
        return product
    }

    func evaluation(_ id: UUID) throws -> Evaluation {
        guard let evaluation = try fetch(Evaluation.self, id: id) else {
            throw CLIError.notFound("no evaluation has id \(id.lowercasedString)")
        }
        return evaluation
    }

    private func unique<Record>(_ matches: [Record], _ kind: String, _ text: String, natural: String) throws -> Record {
        switch matches.count {
        case 1: return matches[0]
        case 0: throw CLIError.notFound("no \(kind) has the id, \(natural) \"\(text)\"")
        default: throw CLIError.notFound("\"\(text)\" names \(matches.count) \(kind)s; give the id instead")
        }
    }

    /// Evaluations of a product, oldest first (by date, then id).
    func evaluations(ofProduct id: UUID) throws -> [Evaluation] {
        try fetchAll(Evaluation.self).filter { $0.productID == id }
            .sorted { ($0.evaluatedOn, $0.id.uuidString) < ($1.evaluatedOn, $1.id.uuidString) }
    }

}
