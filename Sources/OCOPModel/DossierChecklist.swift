/// The documents a dossier holds under one rules version (a criteria set id, as in
/// `dossiers.rules`), each required or not. Looked up through
/// ``ReferenceData/dossierChecklist(rules:)``; the built-in lists and their sources are in
/// `DossierRules-Builtin.swift`.
public struct DossierChecklist: Sendable, Hashable, Codable {
    /// The criteria set (rules version) this list belongs to, e.g. `QD148-2023`.
    public var rules: String
    /// The documents, in the order a receipt lists them.
    public var documents: [DossierDocument]
    /// Where the list comes from, and what was chosen where the sources leave a choice.
    public var source: String

    public init(rules: String, documents: [DossierDocument], source: String) {
        self.rules = rules
        self.documents = documents
        self.source = source
    }

    /// The document with this code, or `nil`.
    public func document(code: String) -> DossierDocument? {
        documents.first { $0.code == code }
    }

    /// Every document code, in list order.
    public var codes: [String] { documents.map(\.code) }

    /// A full checklist with exactly `present` marked present and every other document missing.
    /// Throws a ``ValidationError`` on `dossiers.checklist` naming codes that are not documents
    /// of this list.
    public func checklist(present: Set<String>) throws(ValidationError) -> [String: Bool] {
        let unknown = present.subtracting(codes).sorted()
        if !unknown.isEmpty {
            throw ValidationError(record: Dossier.schema.name, field: "checklist", reason: unknownReason(unknown))
        }
        return Dictionary(uniqueKeysWithValues: documents.map { ($0.code, present.contains($0.code)) })
    }

    /// The required documents a checklist does not mark present, in list order.
    public func missingRequired(in checklist: [String: Bool]) -> [DossierDocument] {
        documents.filter { $0.isRequired && checklist[$0.code] != true }
    }

    /// The documents a checklist marks missing (required or not), in list order.
    public func missing(in checklist: [String: Bool]) -> [DossierDocument] {
        documents.filter { checklist[$0.code] != true }
    }

    /// What is wrong with a checklist's items for this list: codes that are not documents of it,
    /// documents it does not mention. Empty for a well-formed checklist.
    func problems(in checklist: [String: Bool]) -> [String] {
        var problems: [String] = []
        let unknown = Set(checklist.keys).subtracting(codes).sorted()
        if !unknown.isEmpty { problems.append(unknownReason(unknown)) }
        let unlisted = codes.filter { checklist[$0] == nil }
        if !unlisted.isEmpty {
            problems.append("does not say whether \(unlisted.joined(separator: ", ")) \(unlisted.count == 1 ? "is" : "are") present: the \(rules) checklist lists every document present or missing")
        }
        return problems
    }

    private func unknownReason(_ unknown: [String]) -> String {
        "\(unknown.map { "\"\($0)\"" }.joined(separator: ", ")) \(unknown.count == 1 ? "is not a document" : "are not documents") of the \(rules) checklist (documents: \(codes.joined(separator: ", ")))"
    }
}
