import ArgumentParser
import Foundation
import GRDB
import OCOPModel
import OCOPStore

/// `ocop admin ...`: changes to the national dataset's structure, done by the central office.
struct AdminCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Administer the national dataset: merge provinces.",
        subcommands: [MergeTenant.self]
    )
}

extension AdminCommand {
    struct MergeTenant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "merge-tenant",
            abstract: "Merge a retired province into the one that absorbs it (the 2025 consolidation).",
            discussion: """
                Every row of the retired province moves to the surviving one: only tenant_id is \
                rewritten (a central write), every other column keeps its value and clock, and \
                _tenant_merges records where each row came from. The surviving province \
                receives the rows on its next sync. The retired province's replica may still push \
                the edits it had not synced (they land in the surviving province) and is then told \
                to start a new replica under the survivor; disable its account once it has \
                (`ocop-syncd account disable`). Provinces are named by tenant id or by their current code, e.g. \
                `ocop admin merge-tenant --retired 02 --into 08 --last-day 2025-06-30`.

                The merge must be one of the 2025 reference table (the retired code became the \
                surviving code, and --last-day is the table's last day, 2025-06-30); anything else \
                is refused with exit 1 and nothing changes. A merger of a later reform, which the \
                table cannot know, is given with --reform "its legal basis": the table is then not \
                consulted, and the override is written to stderr as a notice for the logs.
                """
        )

        @OptionGroup var nationalOptions: NationalOptions
        @Option(help: ArgumentHelp("The retired province: tenant id or current code.", valueName: "id-or-code")) var retired: String
        @Option(help: ArgumentHelp("The surviving province: tenant id or current code.", valueName: "id-or-code")) var into: String
        @Option(help: ArgumentHelp("The retired province's last day, YYYY-MM-DD.", valueName: "date"), transform: ArgumentParsers.date)
        var lastDay: LocalDate
        @Option(help: ArgumentHelp("A merger the 2025 table does not contain: the later reform's legal basis (e.g. its resolution number).",
                                   valueName: "text"))
        var reform: String?

        func run() async throws {
            let store = try nationalOptions.openStore()
            let retiredID = try await resolve(retired, in: store)
            let survivorID = try await resolve(into, in: store)
            let result: TenantMergeResult
            do {
                result = try await mappingCentralErrors {
                    try await store.mergeTenantFollowingReference(retiredID, into: survivorID, lastDay: lastDay, reform: reform)
                }
            } catch let error as TenantMergeAdmissionError {
                throw CLIError.badData("--\(error.field.rawValue): \(error.message)")
            }
            if let reform {
                // An override of the reference data is a decision someone must be able to find later.
                FileHandle.standardError.write(Data("""
                    notice: merged outside the 2025 reference table: retired=\(retired) into=\(into) last_day=\(lastDay) reform="\(reform)"

                    """.utf8))
            }
            for (table, count) in result.movedRows.sorted(by: { $0.key < $1.key }) where count > 0 {
                print("moved \(count) \(table)")
            }
            print("\(retired) is merged into \(into). The surviving province receives the rows on its next sync. The retired province's replica can still push what it had not synced (it lands in \(into)), then must start a new replica under \(into); disable its account once it has.")
        }

        private func resolve(_ text: String, in store: any NationalAdministration) async throws -> UUID {
            if let id = UUID(uuidString: text) { return id }
            let matches = try await store.currentTenants(code: text)
            guard matches.count == 1, let id = matches.first else {
                throw CLIError.notFound("no single current province with code \(text); give its tenant id")
            }
            return id
        }
    }
}
