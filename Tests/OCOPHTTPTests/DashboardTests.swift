import Foundation
import OCOPReplica
import OCOPStore
import OCOPModel
import OCOPQuery
import OCOPTestSupport
import Testing

/// Chromium from Debian's packages (`.ci/run` installs it). Locally the test is skipped without
/// it; on CI (`CI` set) it runs and fails if the browser is missing.
let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

@Suite("Dashboard in a headless browser")
struct DashboardTests {
    /// Reads `<tr ... data-KEY="VALUE" ...>…</tr>` rows of the table with `id` out of the DOM.
    static func rows(_ dom: String, table id: String, key: String) throws -> [String: String] {
        let table = try #require(dom.range(of: #"<table[^>]*id="\#(id)"[\s\S]*?</table>"#, options: .regularExpression).map { String(dom[$0]) },
                                 "no table #\(id)")
        var rows: [String: String] = [:]
        let pattern = try NSRegularExpression(pattern: #"<tr[^>]*data-\#(key)="([^"]*)"[^>]*>([\s\S]*?)</tr>"#)
        for match in pattern.matches(in: table, range: NSRange(table.startIndex..., in: table)) {
            rows[String(table[Range(match.range(at: 1), in: table)!])] = String(table[Range(match.range(at: 2), in: table)!])
        }
        return rows
    }

    /// The integer in the first `<td data-ATTRIBUTE...>N</td>` of a row.
    static func cell(_ row: String, _ attribute: String) -> Int? {
        guard let range = row.range(of: #"<td[^>]*\#(attribute)[^>]*>\s*-?[0-9]+\s*</td>"#, options: .regularExpression) else { return nil }
        let text = String(row[range]).replacingOccurrences(of: #"<[^>]*>"#, with: "", options: .regularExpression)
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The text of the element with `id`.
    static func text(_ dom: String, id: String) -> String? {
        guard let range = dom.range(of: #"id="\#(id)"[^>]*>[^<]*<"#, options: .regularExpression) else { return nil }
        let fragment = String(dom[range])
        return fragment.split(separator: ">", maxSplits: 1).last.map { String($0.dropLast()) }
    }

    /// The page's DOM after Chromium ran its script, opened at `fragment` (`#token=…`).
    static func render(_ server: LiveServer, fragment: String) async throws -> String {
        let browser = try #require(chromium, "install Chromium (apt-get install chromium)")
        let run = try await runTool(browser, [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--user-data-dir=\(FileManager.default.temporaryDirectory.appendingPathComponent("ocop-chromium-\(UUID().uuidString)").path)",
            "--virtual-time-budget=10000", "--dump-dom",
            "http://127.0.0.1:\(server.client.port)/dashboard/\(fragment)",
        ])
        #expect(run.status == 0, "\(run.errors)")
        return run.output
    }

    static let dashboardFolder = repositoryRoot.appendingPathComponent("Sources/OCOPHTTP/Dashboard")

    /// The dashboard's words per language, from `dashboard-i18n.js` (JSON after the assignment).
    static func strings() throws -> [String: [String: String]] {
        let text = try String(contentsOf: dashboardFolder.appendingPathComponent("dashboard-i18n.js"), encoding: .utf8)
        let start = try #require(text.range(of: "window.OCOP_STRINGS = ")).upperBound
        let end = try #require(text.range(of: ";", options: .backwards)).lowerBound
        return try JSONDecoder().decode([String: [String: String]].self, from: Data(text[start..<end].utf8))
    }

    @Test("both languages have every word the page and its script use")
    func everyWordIsTranslated() throws {
        let strings = try Self.strings()
        let vietnamese = try #require(strings["vi"]), english = try #require(strings["en"])
        #expect(Set(vietnamese.keys) == Set(english.keys), "keys only in one language: \(Set(vietnamese.keys).symmetricDifference(english.keys).sorted())")
        let html = try String(contentsOf: Self.dashboardFolder.appendingPathComponent("index.html"), encoding: .utf8)
        let script = try String(contentsOf: Self.dashboardFolder.appendingPathComponent("dashboard.js"), encoding: .utf8)
        func keys(_ text: String, _ pattern: String) throws -> Set<String> {
            let expression = try NSRegularExpression(pattern: pattern)
            return Set(expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { String(text[Range($0.range(at: 1), in: text)!]) })
        }
        let used = try keys(html, #"data-i18n(?:-aria-label|-title)?="([a-z_]+)""#).union(keys(script, #"\bt\("([a-z_]+)""#))
        #expect(used.count > 40)
        #expect(used.subtracting(vietnamese.keys).isEmpty, "missing: \(used.subtracting(vietnamese.keys).sorted())")
        // Vietnamese first: the page as served (before any script) is in Vietnamese.
        #expect(html.contains(#"<html lang="vi">"#))
        for (key, text) in vietnamese where html.contains(#"data-i18n="\#(key)""#) && !key.hasPrefix("stars_") {
            #expect(html.contains(">\(text)<"), "index.html shows the Vietnamese text of \(key)")
        }
    }

    @Test("Vietnamese first, English on request, times in Vietnam time",
          .enabled(if: chromium != nil || ProcessInfo.processInfo.environment["CI"] != nil, "Chromium is not installed"))
    func languagesAndVietnamTime() async throws {
        let seed = try await Seed()
        try await withLiveServer(seed: seed) { server in
            let strings = try Self.strings()
            let vietnamese = try await Self.render(server, fragment: "#token=\(server.readToken)")
            #expect(vietnamese.contains(#"data-state="ready""#), "\(Self.text(vietnamese, id: "error") ?? "")")
            #expect(vietnamese.contains(#"<html lang="vi">"#))
            #expect(vietnamese.contains(">\(strings["vi"]!["h_sync"]!)<"))
            #expect(vietnamese.contains(#"data-lang="vi" lang="vi" aria-pressed="true""#))

            // A sync time: the report's UTC instant shown at UTC+7, as dd/mm/yyyy hh:mm.
            let sync = try await seed.harness.reports.sync()
            let last = try #require(sync.first { $0.provinceCode == "01" }?.lastSyncAt)
            let instant = try #require(ISO8601DateFormatter().date(from: last))
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(secondsFromGMT: 7 * 3600)
            formatter.dateFormat = "dd/MM/yyyy HH:mm"
            #expect(vietnamese.contains(">\(formatter.string(from: instant)) (UTC+7)<"), "no Vietnam time for \(last)")
            #expect(!vietnamese.contains(" UTC<"))

            let english = try await Self.render(server, fragment: "#token=\(server.readToken)&lang=en")
            #expect(english.contains(#"data-state="ready""#), "\(Self.text(english, id: "error") ?? "")")
            #expect(english.contains(#"<html lang="en">"#))
            #expect(english.contains(">Sync status<") && english.contains(">OCOP central office<"))
            #expect(english.contains(#"data-lang="en" lang="en" aria-pressed="true""#))
            #expect(!english.contains(">\(strings["vi"]!["h_sync"]!)<"))
            // The same numbers in both languages.
            #expect(Self.text(english, id: "total-products") == Self.text(vietnamese, id: "total-products"))
        }
    }

    @Test("the dashboard renders in Chromium with the same numbers as the reports",
          .enabled(if: chromium != nil || ProcessInfo.processInfo.environment["CI"] != nil, "Chromium is not installed"))
    func rendersReportNumbers() async throws {
        let seed = try await Seed()
        // Make today interesting: a certificate expiring in 10 days, and a central 5★.
        let today = LocalDate(Date())
        let issued = try today.adding(days: 10).adding(months: -36)
        try seed.harness.replica("01").save(certificate(seed.products["E"]!, stars: 3, issued: issued.description, number: "E9/QĐ"))
        try await seed.harness.sync("01")
        _ = try await seed.harness.decisions.certifyFiveStar(product: seed.products["H"]!.id, evaluation: seed.evaluations["H"]!.id,
                                                       number: "5/QĐ-TW", issuedOn: today)
        // A photo that reached the store, and one whose file has not come yet.
        let files = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-dashboard-files-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: files) }
        let png = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4z8AARAwQCgAf7gP9i18U1AAAAABJRU5ErkJggg==")!
        let stored = try AttachmentFiles(directory: files).add(png, named: "ca-phe.png")
        let coffee = seed.products["F"]!
        func photo(_ sha256: String, _ bytes: Int64, title: String) -> FileAttachment {
            FileAttachment(tenantID: coffee.tenantID, ownerTable: "products", ownerID: coffee.id, role: .photo, sha256: sha256,
                           mediaType: .png, byteCount: bytes, title: title, recordedOn: today, recordedBy: "Lan")
        }
        let arrived = photo(stored.sha256, stored.byteCount, title: "Gói 250 g")
        let waiting = photo(String(repeating: "5e", count: 32), 4096, title: "Gói 500 g")
        try seed.harness.replica("01").saveAll([arrived, waiting])
        try await seed.harness.sync("01")

        try await withLiveServer(seed: seed, filesDirectory: files.path) { server in
            let dom = try await Self.render(server, fragment: "#token=\(server.readToken)")
            #expect(dom.contains(#"data-state="ready""#), "the page did not finish: \(Self.text(dom, id: "error") ?? dom.prefix(500).description)")

            let reports = server.seed.harness.reports
            let stars = try await reports.stars(on: today, by: [])
            #expect(Self.text(dom, id: "total-products") == String(stars.reduce(0) { $0 + $1.products }))
            #expect(stars.reduce(0) { $0 + $1.products } == 4) // F, D2, E9 (3★), H (5★)

            let byProvince = try await reports.stars(on: today, by: [.province])
            let provinceRows = try Self.rows(dom, table: "stars-by-province", key: "province")
            #expect(Set(provinceRows.keys) == Set(byProvince.compactMap(\.provinceCode)).union(["all"]))
            for level in 3...5 {
                for code in Set(byProvince.compactMap(\.provinceCode)) {
                    let expected = byProvince.first { $0.provinceCode == code && $0.stars == level }?.products ?? 0
                    #expect(Self.cell(provinceRows[code] ?? "", #"data-stars="\#(level)""#) == expected, "province \(code) \(level)★")
                }
                #expect(Self.cell(provinceRows["all"] ?? "", #"data-stars="\#(level)""#) == byProvince.filter { $0.stars == level }.reduce(0) { $0 + $1.products })
            }

            let bySector = try await reports.stars(on: today, by: [.sector])
            let sectorRows = try Self.rows(dom, table: "stars-by-sector", key: "sector")
            for row in bySector {
                #expect(Self.cell(sectorRows[row.sector ?? ""] ?? "", #"data-stars="\#(row.stars)""#) == row.products, "sector \(row.sector ?? "?")")
            }
            // The charts draw the same counts.
            for row in byProvince where row.products > 0 {
                #expect(dom.range(of: #"data-province="\#(row.provinceCode!)"[^>]*data-stars="\#(row.stars)"[^>]*data-count="\#(row.products)""#,
                                  options: .regularExpression) != nil, "chart segment \(row.provinceCode!) \(row.stars)★")
            }

            let expiring = try await reports.expiring(on: today, withinDays: 30)
            #expect(Self.text(dom, id: "expiring-count") == String(expiring.filter { $0.state == .expiring }.count))
            #expect(Self.text(dom, id: "expired-count") == String(expiring.filter { $0.state == .expired }.count))
            #expect(expiring.contains { $0.number == "E9/QĐ" && $0.daysLeft == 10 })
            let certificateRows = try Self.rows(dom, table: "expiring", key: "certificate")
            #expect(Set(certificateRows.keys) == Set(expiring.map(\.number)))
            #expect(dom.contains(#"data-certificate="E9/QĐ" data-state="expiring" data-days-left="10""#))

            let sync = try await reports.sync()
            let syncRows = try Self.rows(dom, table: "sync-status", key: "user")
            #expect(Set(syncRows.keys) == Set(sync.map(\.user)))

            // The latest photos: the one received as its web copy, the other marked as not received.
            #expect(dom.contains(#"data-sha256="\#(arrived.sha256)" data-stored="true""#), "\(dom.suffix(3000))")
            #expect(dom.contains(#"<img src="/files/\#(arrived.sha256)/web" alt="Cà phê F""#))
            #expect(dom.contains(#"data-sha256="\#(waiting.sha256)" data-stored="false""#))
            #expect(dom.contains("Tệp chưa về máy chủ") && dom.contains("Cà phê F · Gói 250 g"))
            let web = try await server.client.request("/files/\(arrived.sha256)/web")
            #expect(web.status == 200 && web.header("Content-Type") == "image/jpeg", "the page's picture is served")
        }
    }
}
