import ArgumentParser
import Foundation
import OCOPStore
import OCOPModel
import OCOPQuery
import OCOPSync

/// `ocop report ...`: the central office's reports over the national dataset (read-only).
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Reports over the national dataset: stars, expiring certificates, 5★ candidates, sync, conflicts.",
        subcommands: [StarsReport.self, ExpiringReport.self, CandidatesReport.self, SyncStatusReport.self, ConflictsReport.self, DossiersReport.self, OverdueReport.self]
    )
}

extension ReportCommand {
    struct StarsReport: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stars",
            abstract: "Products with a certificate in force, by stars × province × sector × producer type.",
            discussion: "A product counts once, at the highest level of its certificates in force on --date (default today)."
        )

        @OptionGroup var nationalOptions: NationalOptions
        @Option(help: ArgumentHelp("Dimensions, comma-separated: province, sector, producer-type (default: all three).", valueName: "list"))
        var by: String = "province,sector,producer-type"
        @Option(help: ArgumentHelp("The day the certificates must be in force (default: today).", valueName: "date"),
                transform: ArgumentParsers.date)
        var date: LocalDate?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            var dimensions = Set<StarsDimension>()
            for part in by.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where !part.isEmpty {
                guard let dimension = StarsDimension(rawValue: part) else {
                    throw CLIError.usage("--by: unknown dimension \"\(part)\" (expected province, sector, producer-type)")
                }
                dimensions.insert(dimension)
            }
            let source = try nationalOptions.openReadOnly()
            let rows = try await mappingCentralErrors { try await source.reports.stars(on: date ?? today(), by: dimensions) }
            if json {
                try printEncodable(rows)
                return
            }
            var headers = ["STARS"]
            if dimensions.contains(.province) { headers += ["PROVINCE"] }
            if dimensions.contains(.sector) { headers += ["SECTOR"] }
            if dimensions.contains(.producerType) { headers += ["PRODUCER TYPE"] }
            var table = TextTable()
            table.headers = headers + ["PRODUCTS"]
            for row in rows {
                var cells = [starsText(row.stars)]
                if dimensions.contains(.province) { cells.append("\(row.provinceCode ?? "?") \(row.provinceName ?? "")") }
                if dimensions.contains(.sector) { cells.append("\(row.sector ?? "?") \(row.sectorName ?? "")") }
                if dimensions.contains(.producerType) { cells.append(row.producerType ?? "?") }
                table.add(cells + [String(row.products)])
            }
            print(table.render())
            print("\(rows.reduce(0) { $0 + $1.products }) product(s) with a certificate in force.")
        }
    }

    struct ExpiringReport: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "expiring",
            abstract: "Certificates expiring within N days (the 30-day notice) and those already expired.",
            discussion: "A certificate is valid through its expiry date inclusive: DAYS LEFT 0 means it expires today."
        )

        @OptionGroup var nationalOptions: NationalOptions
        @Option(help: "The notice window in days.") var days: Int = 30
        @Option(help: ArgumentHelp("The report date (default: today).", valueName: "date"), transform: ArgumentParsers.date)
        var date: LocalDate?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            guard days >= 0 else { throw CLIError.usage("--days must not be negative") }
            let source = try nationalOptions.openReadOnly()
            let rows = try await mappingCentralErrors { try await source.reports.expiring(on: date ?? today(), withinDays: days) }
            if json {
                try printEncodable(rows)
                return
            }
            var table = TextTable("STATE", "EXPIRES", "DAYS LEFT", "NUMBER", "STARS", "PROVINCE", "PRODUCT", "CERTIFICATE")
            for row in rows {
                table.add(row.state.rawValue, row.expiresOn.description, String(row.daysLeft), row.number, starsText(row.stars),
                          row.provinceCode ?? "?", row.productName, row.certificateID.lowercasedString)
            }
            print(table.render())
            let expiring = rows.filter { $0.state == .expiring }.count
            print("\(expiring) expiring within \(days) day(s), \(rows.count - expiring) expired.")
        }
    }

    struct CandidatesReport: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "candidates",
            abstract: "5★ candidates: products whose latest evaluation scored ≥ 90 without a central 5★ certificate."
        )

        @OptionGroup var nationalOptions: NationalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let source = try nationalOptions.openReadOnly()
            let rows = try await mappingCentralErrors { try await source.reports.fiveStarCandidates() }
            if json {
                try printEncodable(rows)
                return
            }
            var table = TextTable("EVALUATED", "TOTAL", "PROVINCE", "PRODUCT", "PRODUCT ID", "EVALUATION ID")
            for row in rows {
                table.add(row.evaluatedOn.description, formatScore(row.total), row.provinceCode ?? "?", row.productName,
                          row.productID.lowercasedString, row.evaluationID.lowercasedString)
            }
            print(table.render())
            print("\(rows.count) 5★ candidate(s) awaiting a central decision.")
        }
    }

    struct SyncStatusReport: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sync",
            abstract: "Per-province sync status: last sync, lag, pending conflicts."
        )

        @OptionGroup var nationalOptions: NationalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let source = try nationalOptions.openReadOnly()
            let rows = try await mappingCentralErrors { try await source.reports.sync() }
            if json {
                try printEncodable(rows)
                return
            }
            var table = TextTable("PROVINCE", "ENABLED", "REPLICAS", "LAST SYNC", "LAG", "FEED BEHIND", "PENDING CONFLICTS", "REFUSED")
            for row in rows {
                table.add("\(row.provinceCode ?? "?") \(row.provinceName ?? row.user)", row.isEnabled ? "yes" : "no", String(row.replicas),
                          row.lastSyncAt ?? "never", row.lagSeconds.map(lagText) ?? "-", row.feedBehind.map { String($0) } ?? "-",
                          String(row.pendingConflicts), String(row.refused))
            }
            print(table.render())
        }

        func lagText(_ seconds: Int) -> String {
            if seconds < 120 { return "\(seconds)s" }
            if seconds < 7200 { return "\(seconds / 60)m" }
            if seconds < 172_800 { return "\(seconds / 3600)h" }
            return "\(seconds / 86400)d"
        }
    }

    struct ConflictsReport: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "conflicts",
            abstract: "Conflicts awaiting review (same as `ocop conflicts review`)."
        )

        @OptionGroup var nationalOptions: NationalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let source = try nationalOptions.openReadOnly()
            let items = try await mappingCentralErrors { try await source.review.pending() }
            try printConflictItems(items, json: json)
        }
    }
}
