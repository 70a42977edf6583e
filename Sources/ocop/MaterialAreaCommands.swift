import ArgumentParser
import Foundation
import OCOPModel
import OCOPReplica

/// `ocop material-area add|edit|delete|list|show|code`.
struct MaterialAreaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "material-area",
        abstract: "Register and list raw-material areas (vùng nguyên liệu) with their growing-area codes.",
        subcommands: [Add.self, Edit.self, Delete.self, List.self, Show.self, Code.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a raw-material area; prints the new id.",
            discussion: """
                Example:
                  ocop material-area add --name "Vùng chè Shan tuyết Suối Giàng" \\
                    --code VN-YBOR-0021 --area-ha 120.5
                """
        )

        @OptionGroup var replicaOptions: ReplicaOptions
        @Option(help: "The area's name.") var name: String
        @Option(help: ArgumentHelp("Official growing-area code (mã số vùng trồng), e.g. VN-LCOR-0012.", valueName: "code"))
        var code: String?
        @Option(help: "Commune (xã/phường).") var commune: String?
        @Option(help: ArgumentHelp("Area in hectares.", valueName: "hectares"), transform: ArgumentParsers.number)
        var areaHa: Double?
        @Option(help: ArgumentHelp("On a central-office replica: the province the area belongs to.", valueName: "uuid"),
                transform: ArgumentParsers.uuid)
        var tenant: UUID?

        func run() throws {
            let replica = try replicaOptions.open()
            let area = MaterialArea(tenantID: try replica.tenantForNewRows(option: tenant), name: name, growingAreaCode: code,
                                    commune: commune, areaHa: areaHa)
            try area.validate()
            try replica.checkAreaKeysAreFree(area)
            try replica.save(area)
            print(area.id.lowercasedString)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List raw-material areas in Vietnamese alphabetical order.")

        @OptionGroup var replicaOptions: ReplicaOptions
        @Flag(help: "Print a JSON array of full records.") var json = false

        func run() throws {
            let replica = try replicaOptions.open()
            let areas = try replica.fetchAll(MaterialArea.self)
                .sorted { VietnameseCollation.compare($0.name, $1.name, caseInsensitive: true) == .orderedAscending }
            if json {
                try printJSON(.array(areas.map(JSONValue.record)))
                return
            }
            guard !areas.isEmpty else {
                print("No material areas.")
                return
            }
            var table = TextTable("ID", "NAME", "CODE", "COMMUNE", "HECTARES")
            for area in areas {
                table.add(area.id.lowercasedString, area.name, area.growingAreaCode ?? "-", area.commune ?? "-",
                          area.areaHa.map(formatScore) ?? "-")
            }
            print(table.render())
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one raw-material area.")

        @OptionGroup var replicaOptions: ReplicaOptions
        @Argument(help: "The area: id, growing-area code or name.") var area: String
        @Flag(help: "Print the full record as JSON.") var json = false

        func run() throws {
            let replica = try replicaOptions.open()
            let area = try replica.materialArea(area)
            if json {
                try printJSON(JSONValue.record(area))
                return
            }
            printFields([
                ("id", area.id.lowercasedString),
                ("name", area.name),
                ("growing-area code", area.growingAreaCode),
                ("commune", area.commune),
                ("hectares", area.areaHa.map(formatScore)),
                ("tenant", area.tenantID.lowercasedString),
            ])
        }
    }
}
