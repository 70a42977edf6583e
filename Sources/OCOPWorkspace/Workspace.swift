import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOPosix
import OCOPModel
import OCOPReplica

/// What every page of the workspace shares: the replica, the words, the templates, the sync.
final class Workspace: Sendable {
    let replica: Replica
    let strings: WorkspaceStrings
    let templates: MustacheLibrary
    let sync: SyncRunner

    init(replica: Replica, sync: SyncRunner) async throws {
        self.replica = replica
        self.strings = try WorkspaceStrings.load()
        guard let directory = Bundle.module.url(forResource: "templates", withExtension: nil, subdirectory: "Resources") else {
            throw WorkspaceSetupError("the workspace's templates are missing from its resources")
        }
        self.templates = try await MustacheLibrary(directory: directory.path)
        self.sync = sync
        try replica.prepareWorkspace()
    }

    /// Runs replica work on the workspace's own threads: SQLite blocks, and a page must never
    /// hold up the event loop or the cooperative threads, nor queue behind a login's bcrypt
    /// (which runs on NIO's shared pool) or a sync's writes (which run on their own).
    func onReplica<T: Sendable>(_ body: @escaping @Sendable (Replica) throws -> T) async throws -> T {
        let replica = self.replica
        return try await Self.replicaThreads.runIfActive { try body(replica) }
    }

    /// Threads for pages' replica work, shared by every workspace of the process and started
    /// once, as NIO's own shared pool is. Four: the replica's readers run side by side (WAL).
    static let replicaThreads: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 4)
        pool.start()
        return pool
    }()

    func account(named name: String) async throws -> WorkspaceAccount? {
        try await onReplica { try $0.workspaceAccounts().first { $0.name == name } }
    }

    func hasAccounts() async throws -> Bool {
        try await onReplica { !(try $0.workspaceAccounts().isEmpty) }
    }

    // MARK: Pages

    /// A whole page: `template` rendered with `object` inside the layout, in the request's language.
    func page(_ template: String, title: String, nav: String? = nil, object: [String: Any], context: WorkspaceContext,
              status: HTTPResponse.Status = .ok, notice: String? = nil) -> Response {
        let words = strings.words(context.language)
        var object = object
        object["t"] = words
        object["csrf"] = context.csrf
        object["canWrite"] = context.account?.role.canWrite ?? false
        let body = templates.render(object, withTemplate: template) ?? ""
        var layout: [String: Any] = ["t": words, "title": title, "body": body, "csrf": context.csrf]
        if let nav { layout["nav"] = [nav: true] }
        if let notice { layout["notice"] = notice }
        if let account = context.account {
            layout["account"] = ["displayName": account.displayName, "roleName": words["role_\(account.role.rawValue)"] ?? account.role.rawValue,
                                 "csrf": context.csrf, "t": words]
            layout["isApprover"] = account.role == .approver
        }
        let html = templates.render(layout, withTemplate: "layout") ?? ""
        var response = Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: html)))
        response.headers[.contentLanguage] = context.language.rawValue
        return response
    }

    /// A page with one message (forbidden, not found).
    func message(status: HTTPResponse.Status, heading: String, message: String, context: WorkspaceContext) -> Response {
        page("message", title: heading, object: ["heading": heading, "message": message], context: context, status: status)
    }

    func forbidden(_ context: WorkspaceContext) -> Response {
        message(status: .forbidden, heading: strings.text("forbidden", context.language), message: strings.text("forbidden", context.language),
                context: context)
    }

    func notFound(_ context: WorkspaceContext) -> Response {
        message(status: .notFound, heading: strings.text("notFound", context.language), message: strings.text("notFound", context.language),
                context: context)
    }

    /// After a successful post: to the page that shows the result (so a reload does not post again).
    static func seeOther(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    /// A day as an officer reads it: `01/12/2026` in Vietnamese (day first), ISO in English.
    /// Forms and CSV keep ISO (`2026-12-01`), which date inputs and spreadsheets take.
    static func day(_ date: LocalDate, _ language: WorkspaceLanguage) -> String {
        language == .vi ? String(format: "%02d/%02d/%04d", date.day, date.month, date.year) : "\(date)"
    }

    /// A time as an officer reads it: Vietnam time, day first.
    static func vietnamTime(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh") ?? TimeZone(secondsFromGMT: 7 * 3600)!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%02d/%02d/%04d %02d:%02d", parts.day ?? 0, parts.month ?? 0, parts.year ?? 0, parts.hour ?? 0, parts.minute ?? 0)
    }
}
