import ArgumentParser
import Foundation
import OCOPModel
import OCOPReplica

extension MaterialAreaCommand {
    /// `ocop material-area code add|list`: official growing-area codes (`growing_area_codes`).
    struct Code: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record and list the growing-area codes (mã số vùng trồng) granted to material areas.",
            discussion: """
                A code says which crop the area grows, which product classification that crop supplies, who \
                issued it and for how long. A lot from an area with codes must have one valid on its production \
                date covering its product's classification (`ocop lot add`).
                """,
            subcommands: [Add.self, List.self]
        )

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Record a growing-area code granted to a material area; prints the new id.",
                discussion: """
                    Example:
                      ocop material-area code add --area "Vùng chè Suối Giàng" --code VN-YBOR-0021 \\
                        --crop "chè shan tuyết" --classification 1.5 \\
                        --issued-by "Chi cục Trồng trọt và Bảo vệ thực vật tỉnh Yên Bái" --valid-from 2024-01-15
                    --classification 1.5 covers every product classified 1.5.x.
                    """
            )

            @OptionGroup var replicaOptions: ReplicaOptions
            @Option(help: ArgumentHelp("The material area: id, growing-area code or name.", valueName: "area")) var area: String
            @Option(help: ArgumentHelp("The code as issued, e.g. VN-YBOR-0021.", valueName: "code")) var code: String
            @Option(help: ArgumentHelp("The crop, e.g. chè shan tuyết.", valueName: "text")) var crop: String
            @Option(help: ArgumentHelp("Product classification the crop supplies, e.g. 1.5 or 1.5.a.", valueName: "code")) var classification: String
            @Option(help: ArgumentHelp("The issuing authority.", valueName: "text")) var issuedBy: String
            @Option(help: ArgumentHelp("First day of validity.", valueName: "YYYY-MM-DD"), transform: ArgumentParsers.date) var validFrom: LocalDate
            @Option(help: ArgumentHelp("Last day of validity (default: open-ended).", valueName: "YYYY-MM-DD"), transform: ArgumentParsers.date)
            var validUntil: LocalDate?
            @Option(name: .customLong("lat"), help: ArgumentHelp("Latitude (with --lon).", valueName: "degrees"), transform: ArgumentParsers.number)
            var latitude: Double?
            @Option(name: .customLong("lon"), help: ArgumentHelp("Longitude (with --lat).", valueName: "degrees"), transform: ArgumentParsers.number)
            var longitude: Double?

            func run() throws {
                let replica = try replicaOptions.open()
                let owner = try replica.materialArea(area)
                let record = GrowingAreaCode(tenantID: owner.tenantID, materialAreaID: owner.id, code: code, crop: crop,
                                             classificationCode: classification, issuedBy: issuedBy, validFrom: validFrom,
                                             validUntil: validUntil, latitude: latitude, longitude: longitude)
                try record.validate()
                if let twin = try replica.fetchAll(GrowingAreaCode.self).first(where: { $0.code == record.code }) {
                    throw CLIError.badData("growing_area_codes.code: \(record.code) is already recorded (\(twin.id.lowercasedString)); a code is issued once")
                }
                try replica.save(record)
                print(record.id.lowercasedString)
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List growing-area codes, by area and code.")

            @OptionGroup var replicaOptions: ReplicaOptions
            @Option(help: ArgumentHelp("Only this area's codes: id, growing-area code or name.", valueName: "area")) var area: String?
            @Flag(help: "Print a JSON array of full records.") var json = false

            func run() throws {
                let replica = try replicaOptions.open()
                let areaID = try area.map { try replica.materialArea($0).id }
                let names = Dictionary(try replica.fetchAll(MaterialArea.self).map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
                let codes = try replica.fetchAll(GrowingAreaCode.self).filter { areaID == nil || $0.materialAreaID == areaID }
                    .sorted { (names[$0.materialAreaID] ?? "", $0.code) < (names[$1.materialAreaID] ?? "", $1.code) }
                try printList(codes, json: json, none: "No growing-area codes.") {
                    var table = TextTable("CODE", "CROP", "CLASS", "VALID", "ISSUED BY", "AREA")
                    for code in codes {
                        table.add(code.code, code.crop, code.classificationCode, "\(code.validFrom)–\(code.validUntil?.description ?? "")",
                                  code.issuedBy, names[code.materialAreaID] ?? code.materialAreaID.lowercasedString)
                    }
                    return table
                }
            }
        }
    }
}
