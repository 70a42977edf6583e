import ArgumentParser
import Foundation
import OCOPModel
import OCOPReplica

extension LotCommand {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List lots, newest production date first.")

        @OptionGroup var replicaOptions: ReplicaOptions
        @Option(help: ArgumentHelp("Only this product's lots: id, GTIN or name.", valueName: "product")) var product: String?
        @Flag(help: "Print a JSON array of full records.") var json = false

        func run() throws {
            let replica = try replicaOptions.open()
            let productID = try product.map { try replica.product($0).id }
            let lots = try replica.fetchAll(Batch.self).filter { productID == nil || $0.productID == productID }
                .sorted { ($1.producedOn, $0.lotCode) < ($0.producedOn, $1.lotCode) }
            try printList(lots, json: json, none: "No lots.") {
                let names = Dictionary(try replica.fetchAll(Product.self).map { ($0.id, $0.nameVi) }, uniquingKeysWith: { first, _ in first })
                var table = TextTable("ID", "LOT", "PRODUCED", "QUANTITY", "PRODUCT")
                for lot in lots {
                    table.add(lot.id.lowercasedString, lot.lotCode, lot.producedOn.description, quantityText(lot.quantity, lot.unit),
                              names[lot.productID] ?? lot.productID.lowercasedString)
                }
                return table
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a lot with its events and its chain: the lots it was made from and the lots it went into.",
            discussion: "The chain follows transformations transitively (a blend of blends leads back to every harvest)."
        )

        @OptionGroup var replicaOptions: ReplicaOptions
        @Argument(help: "The lot: id or lot code.") var lot: String
        @Option(help: ArgumentHelp("The lot's product, when its code is shared: id, GTIN or name.", valueName: "product")) var product: String?
        @Flag(help: "Print the lot, its events and its chain as JSON.") var json = false

        func run() throws {
            let replica = try replicaOptions.open()
            let lot = try replica.lot(lot, product: product)
            let lots = Dictionary(try replica.fetchAll(Batch.self).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let products = Dictionary(try replica.fetchAll(Product.self).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let allEvents = try replica.fetchAll(LotEvent.self)
            let events = allEvents.filter { $0.concerns(lot.id) }.sorted(by: LotEvent.chronological)
            let trace = LotChain(events: allEvents)
            let upstream = trace.upstream(of: lot.id)
            let downstream = trace.downstream(of: lot.id)
            if json {
                func chain(_ steps: [LotChain.Step]) -> JSONValue {
                    .array(steps.map { step in
                        .object([
                            "lot_id": .uuid(step.lotID), "depth": .int(step.depth), "event_id": .uuid(step.eventID),
                            "lot_code": .string(lots[step.lotID]?.lotCode), "produced_on": .string(lots[step.lotID]?.producedOn.description),
                            "product": .string(lots[step.lotID].flatMap { products[$0.productID]?.nameVi }),
                        ])
                    })
                }
                try printJSON(.object([
                    "lot": try JSONValue.record(lot),
                    "product": .string(products[lot.productID]?.nameVi),
                    "events": .array(try events.map(JSONValue.record)),
                    "inputs": chain(upstream),
                    "outputs": chain(downstream),
                ]))
                return
            }
            printFields([
                ("id", lot.id.lowercasedString),
                ("lot code", lot.lotCode),
                ("product", products[lot.productID].map { "\($0.nameVi) (\($0.id.lowercasedString))" } ?? lot.productID.lowercasedString),
                ("produced on", lot.producedOn.description),
                ("quantity", lot.quantity == nil ? nil : quantityText(lot.quantity, lot.unit)),
                ("material area", try lot.materialAreaID.map { id in
                    try replica.fetch(MaterialArea.self, id: id).map { "\($0.name) (\(id.lowercasedString))" } ?? id.lowercasedString
                }),
            ])
            print("\nEvents:")
            if events.isEmpty { print("  none") }
            for event in events {
                let lotsText = event.eventType == .transformation ? " " + chainText(event, lots) : ""
                print("  \(event.eventTime)  \(event.bizStep)  \(event.action ?? event.eventType.rawValue)\(lotsText)"
                      + (event.readPoint.map { "  at \($0)" } ?? "") + (event.quantity == nil ? "" : "  " + quantityText(event.quantity, event.unit))
                      + (event.measurements == "{}" ? "" : "  " + event.measurements))
            }
            for (title, steps) in [("Made from (inputs, transitively):", upstream), ("Went into (outputs, transitively):", downstream)] {
                print("\n" + title)
                if steps.isEmpty { print("  none") }
                for step in steps {
                    let other = lots[step.lotID]
                    print(String(repeating: "  ", count: step.depth) + (other?.lotCode ?? "?") + "  " + step.lotID.lowercasedString
                          + "  " + (other?.producedOn.description ?? "not in this replica"))
                }
            }
        }

        private func chainText(_ event: LotEvent, _ lots: [UUID: Batch]) -> String {
            func codes(_ json: String) -> String {
                ((try? LotEvent.decodeLots(json, field: "")) ?? []).map { lots[$0]?.lotCode ?? $0.lowercasedString }.joined(separator: ",")
            }
            return "[\(codes(event.inputs))] → [\(codes(event.outputs))]"
        }
    }
}

extension LotEvent {
    /// Whether the event is about `lot`: recorded for it, or a transformation it went into or came out of.
    func concerns(_ lot: UUID) -> Bool {
        let key = "\"\(lot.lowercasedString)\""
        return lotID == lot || inputs.contains(key) || outputs.contains(key)
    }

    /// Oldest first by the instant (offsets compared properly), then by id.
    static func chronological(_ lhs: LotEvent, _ rhs: LotEvent) -> Bool {
        let left = lhs.eventDate ?? .distantPast, right = rhs.eventDate ?? .distantPast
        return left == right ? lhs.id.uuidString < rhs.id.uuidString : left < right
    }
}

/// `250 kg`, or `-` when unknown.
func quantityText(_ quantity: Double?, _ unit: String?) -> String {
    guard let quantity else { return "-" }
    return formatScore(quantity) + (unit.map { " " + $0 } ?? "")
}
