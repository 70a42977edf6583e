import Foundation
import HTTPTypes
import Hummingbird
import OCOPModel
import OCOPNetwork
import OCOPReplica
import OCOPSync

/// "Đồng bộ ngay" and what an officer must act on after a sync: what is still to send, the
/// changes the server refused (with its reason) and the conflicts recorded.
struct SyncPages {
    let workspace: Workspace

    func register(on router: Router<WorkspaceContext>) {
        router.get("/sync") { _, context in try await page(context) }
        router.post("/sync") { _, context in
            guard context.account?.role.canWrite == true else { return workspace.forbidden(context) }
            _ = await workspace.sync.start()
            return Workspace.seeOther("/sync")
        }
        router.post("/sync/conflict") { _, context in try await review(context) }
    }

    /// Settles one conflict: keep the row's value, or take the other one back (a new local write).
    private func review(_ context: WorkspaceContext) async throws -> Response {
        guard let account = context.account, account.role.canWrite else { return workspace.forbidden(context) }
        guard let key = context.form["conflict"], let choice = context.form["choice"].flatMap(ConflictReviewChoice.init(rawValue:)) else {
            return try await page(context, status: .unprocessableContent, problems: [workspace.strings.text("badRequest", context.language)])
        }
        do {
            let found = try await workspace.onReplica { replica -> Bool in
                guard let conflict = try replica.conflictsToReview().first(where: { $0.reviewKey == key }) else { return false }
                try replica.review(conflict, choice: choice, by: account.name)
                return true
            }
            guard found else {
                return try await page(context, status: .unprocessableContent, problems: [workspace.strings.text("conflictGone", context.language)])
            }
            return Workspace.seeOther("/sync#conflicts")
        } catch let errors as ValidationErrors {
            return try await page(context, status: .unprocessableContent, problems: errors.errors.map(\.description))
        } catch let error as ReplicaError {
            return try await page(context, status: .unprocessableContent, problems: [error.message])
        }
    }

    private func page(_ context: WorkspaceContext, status: HTTPResponse.Status = .ok, problems: [String] = []) async throws -> Response {
        let words = workspace.strings.words(context.language)
        let (pending, refused, conflicts) = try await workspace.onReplica { replica in
            let conflicts = try replica.conflictsToReview().prefix(500).map { conflict in
                (conflict, try replica.currentText(of: conflict.column, in: conflict.table, key: conflict.key))
            }
            return (try replica.syncPosition().pendingWrites, try replica.parkedRejections(), conflicts)
        }
        let runner = workspace.sync
        let running = await runner.isRunning
        let last = await runner.last
        var object: [String: Any] = [
            "configured": runner.configuration != nil, "running": running, "pendingWrites": pending,
            "problems": problems, "hasProblems": !problems.isEmpty,
            "lastSync": last.map { Workspace.vietnamTime($0.finished) } ?? words["never"] ?? "",
            "refusedCount": refused.count, "hasRefused": !refused.isEmpty,
            "refused": refused.prefix(500).map { rejection -> [String: Any] in
                var row: [String: Any] = ["table": rejection.table, "key": Self.text(rejection.key), "reason": rejection.reason]
                if let link = Self.link(table: rejection.table, key: rejection.key) { row["link"] = link }
                return row
            },
            "conflictCount": conflicts.count, "hasConflicts": !conflicts.isEmpty,
            "conflicts": conflicts.map { conflict, current -> [String: Any] in
                var row: [String: Any] = [
                    "table": conflict.table, "key": Self.text(conflict.key), "column": conflict.column,
                    "current": current ?? "—", "other": Self.text(conflict.losingValue),
                    "origin": String(conflict.origin.description.prefix(8)),
                    "when": Workspace.vietnamTime(Date(timeIntervalSince1970: Double(conflict.losingStamp.hlc.millis) / 1000)),
                    "kind": words["conflict_\(conflict.kind)"] ?? "\(conflict.kind)",
                    "reviewKey": conflict.reviewKey, "canTakeOther": conflict.column != ConflictRecord.existenceColumn,
                ]
                if let link = Self.link(table: conflict.table, key: conflict.key) { row["link"] = link }
                return row
            },
        ]
        if let last {
            if let summary = last.summary {
                object["lastResultTitle"] = words["syncOK"]
                object["lastResultClass"] = "ok"
                object["lastResult"] = Self.summaryLine(summary, words: words)
            } else {
                object["lastResultTitle"] = words["syncFailed"]
                object["lastResultClass"] = "error"
                object["lastResult"] = last.failure ?? ""
            }
        }
        var response = workspace.page("sync", title: words["sync"] ?? "", nav: "sync", object: object, context: context, status: status)
        // While a sync runs the page looks again every two seconds, without any script.
        if running { response.headers[HTTPField.Name("Refresh")!] = "2" }
        return response
    }

    /// What `ocop sync` prints, in the page's language.
    static func summaryLine(_ summary: SyncSummary, words: [String: String]) -> String {
        let report = summary.report
        var parts = [
            "\(words["pushed"] ?? "sent") \(report.changesPushed)",
            "\(words["pulled"] ?? "received") \(report.changesPulled)",
            "\(words["refused"] ?? "refused") \(report.changesRefused)",
            "\(words["conflictsRecorded"] ?? "conflicts") \(report.conflictsRecorded)",
        ]
        if let files = summary.files, files.sent + files.pending > 0 {
            parts.append("\(words["filesLine"] ?? "files"): \(files.sent) / \(files.sent + files.pending)")
        }
        return parts.joined(separator: " · ")
    }

    /// The workspace page of a record, where it has one.
    static func link(table: String, key: SyncValue) -> String? {
        guard ["producers", "products"].contains(table), let id = UUID(uuidString: text(key)) else { return nil }
        return "/\(table)/\(id.uuidString.lowercased())"
    }

    static func text(_ value: SyncValue) -> String { value.displayText }
}
