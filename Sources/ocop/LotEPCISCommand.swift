import ArgumentParser
import Foundation
import OCOPFeeds
import OCOPModel
import OCOPReplica

extension LotCommand {
    /// `ocop lot epcis`: a lot's chain — its events, those of the lots it was made from, and the
    /// inspections of the lots and the product — as a GS1 EPCIS 2.0 document for a partner.
    struct EPCIS: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "epcis",
            abstract: "Write a lot's events (and its inputs', upstream) and inspections as a GS1 EPCIS 2.0 JSON-LD document.",
            discussion: "Example: ocop lot epcis SG-2026-03 --product 8934567890120 --out SG-2026-03.jsonld"
        )
        @OptionGroup var replicaOptions: ReplicaOptions
        @Argument(help: ArgumentHelp("The lot: its code or id.", valueName: "lot")) var lot: String
        @Option(help: ArgumentHelp("The product (id, GTIN or name), when several products have a lot with this code.", valueName: "product"))
        var product: String?
        @Option(help: ArgumentHelp("File to write (default: standard output).", valueName: "file")) var out: String?

        func run() throws {
            let replica = try replicaOptions.open()
            let target = try replica.lot(lot, product: product)
            let events = try replica.fetchAll(LotEvent.self)
            let chain = Set([target.id] + LotChain(events: events).upstream(of: target.id).map(\.lotID))
            let chainEvents = events.filter { chain.contains($0.lotID) }
            let lots = try replica.fetchAll(Batch.self)
            let inspections = try replica.fetchAll(Inspection.self).filter { inspection in
                inspection.lotID.map(chain.contains) ?? (inspection.productID == target.productID)
            }
            // Stamped with the newest event's time: the same chain gives the same bytes.
            let newest = (chainEvents.map(\.eventTime) + inspections.map { $0.inspectedOn.description + "T00:00:00+07:00" }).max()
                ?? target.producedOn.description + "T00:00:00+07:00"
            let document = EPCISDocument.document(
                events: chainEvents, inspections: inspections,
                catalogue: EPCISDocument.Catalogue(lots: lots, products: try replica.fetchAll(Product.self), keys: try replica.fetchAll(InspectionKey.self)),
                creationDate: newest)
            let text = document.serialized(pretty: true) + "\n"
            if let out {
                do { try text.write(toFile: out, atomically: true, encoding: .utf8) } catch { throw CLIError.notFound("cannot write \(out): \(error)") }
                print("Wrote \(out): \(chainEvents.count) event(s), \(inspections.count) inspection(s) of \(chain.count) lot(s).")
            } else {
                print(text, terminator: "")
            }
        }
    }
}
