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
            guard let product = try fetch(Product.self, id: id) else { throw CLIError.notFound("no product has id \(text)") }
            return product
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
        return try unique(all.filter { VietnameseCollation.matches($0.name, text) }, "material area", text, natural: "growing-area code or name")
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

    /// Certificates of a product, oldest first (by issue date, then id).
    func certificates(ofProduct id: UUID) throws -> [Certificate] {
        try fetchAll(Certificate.self).filter { $0.productID == id }
            .sorted { ($0.issuedOn, $0.id.uuidString) < ($1.issuedOn, $1.id.uuidString) }
    }

    /// The certificate with this number, if one has it.
    func certificate(numbered number: String) throws -> Certificate? {
        let trimmed = number.trimmedNFC()
        return try fetchAll(Certificate.self).first { $0.number == trimmed }
    }
}
