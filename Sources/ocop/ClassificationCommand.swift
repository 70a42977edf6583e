import ArgumentParser
import OCOPModel

/// `ocop classification`: the product classification, so an officer can find the code a product
/// needs (a CSV row or `product add --classification` names a code of it).
struct ClassificationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classification",
        abstract: "List the product classification (bộ phân loại sản phẩm): the codes products use.",
        discussion: """
            Products take a code of the finest level (marked *), e.g. 1.5.a for Chè. \
            Give a code to list only its part of the tree.
            """
    )

    @Option(help: "Classification version (default: the one in force, QD148-2023).") var version: String?
    @Flag(help: "English names.") var english = false
    @Argument(help: "Only this code and what is under it, e.g. 1 or 1.5.") var code: String?

    func run() throws {
        let reference = ReferenceData.standard
        let id = version ?? ClassificationVersion.qd148_2023.id
        guard let classification = reference.classification(version: id) else {
            let known = reference.classifications.map(\.id).joined(separator: ", ")
            throw ValidationError("--version: \(id) is not a known classification (known: \(known))")
        }
        if let code, classification.node(code: code) == nil {
            throw ValidationError("\(code) is not a code of \(id); run `ocop classification` for the whole list")
        }
        print("\(classification.id) (\(classification.decision))")
        func show(_ node: ClassificationNode, depth: Int) {
            let leaf = classification.isLeaf(code: node.code)
            let name = english ? node.name.en : node.name.vi
            print(String(repeating: "  ", count: depth) + node.code + (leaf ? " * " : "   ") + name)
            for child in classification.children(of: node.code) { show(child, depth: depth + 1) }
        }
        let roots = code.flatMap { classification.node(code: $0) }.map { [$0] } ?? classification.sectors
        for root in roots { show(root, depth: 0) }
    }
}
