import ArgumentParser
import Foundation
import OCOPModel
import OCOPReplica

extension LotCommand {
    struct Label: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a lot's print-ready label: label.svg (50×30 mm) and label.png (the QR code).",
            discussion: """
                The QR code carries the lot's GS1 Digital Link: BASE/01/GTIN-14/10/LOT (lot code percent-encoded) \
                when the product has a GTIN and the lot code has at most 20 characters, else BASE/l/LOT-ID. \
                The PNG is 8 pixels per module with a 4-module quiet zone. Prints the link. Example:
                  ocop lot label SG-2026-031 --base-url https://trace.ocop.gov.vn --out nhan/
                """
        )

        @OptionGroup var replicaOptions: ReplicaOptions
        @Argument(help: "The lot: id or lot code.") var lot: String
        @Option(help: ArgumentHelp("The lot's product, when its code is shared: id, GTIN or name.", valueName: "product")) var product: String?
        @Option(help: ArgumentHelp("Where the links resolve, e.g. https://trace.ocop.gov.vn.", valueName: "url")) var baseURL: String
        @Option(help: ArgumentHelp("Directory to write label.svg and label.png in (created if missing).", valueName: "dir")) var out: String

        func validate() throws {
            if let problem = DigitalLink.baseProblem(baseURL) { throw ArgumentParser.ValidationError("--base-url " + problem) }
        }

        func run() throws {
            let replica = try replicaOptions.open()
            let lot = try replica.lot(lot, product: product)
            let owner = try replica.product(of: lot)
            let label = LotLabel(uri: DigitalLink.uri(base: baseURL.trimmingCharacters(in: .whitespaces), gtin: owner.gtin,
                                                      lotCode: lot.lotCode, lotID: lot.id),
                                 productName: owner.nameVi, lotCode: lot.lotCode, producedOn: lot.producedOn)
            let directory = URL(fileURLWithPath: out, isDirectory: true)
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                try Data(try label.svg().utf8).write(to: directory.appendingPathComponent("label.svg"))
                try label.png().write(to: directory.appendingPathComponent("label.png"))
            } catch let error as CLIError {
                throw error
            } catch {
                throw CLIError.notFound("cannot write the label in \(out): \(error.localizedDescription)")
            }
            print(label.uri)
        }
    }
}
