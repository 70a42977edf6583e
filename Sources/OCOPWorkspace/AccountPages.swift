import Foundation
import Hummingbird
import HummingbirdBcrypt
import NIOPosix
import OCOPModel
import OCOPReplica

/// Logging in and out, the first account of a machine, and the accounts an approver manages.
struct AccountPages {
    let workspace: Workspace

    /// bcrypt's cost: about a quarter of a second a password here, slow enough to make guessing
    /// stored hashes expensive, quick enough for a login.
    static let cost: UInt8 = 11

    func register(on router: Router<WorkspaceContext>) {
        router.get("/login") { _, context in
            if context.account != nil { return Response.redirect(to: "/", type: .found) }
            guard try await workspace.hasAccounts() else { return Response.redirect(to: "/setup", type: .found) }
            return login(context: context, name: "", error: nil)
        }
        router.post("/login") { _, context in
            let name = context.form.text("name")?.lowercased() ?? ""
            let password = context.form["password"] ?? ""
            let account = try await workspace.account(named: name)
            // A missing account costs a hash too, so timing does not tell which names exist.
            let hash = account?.passwordHash ?? Self.decoy
            let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
            guard let account, matches else {
                return login(context: context, name: name, error: workspace.strings.text("wrongLogin", context.language), status: .unauthorized)
            }
            // A new session at login: an id planted before it (fixation) is worth nothing.
            context.sessions.clearSession()
            context.sessions.createSession(WorkspaceSession(user: account.name, csrf: WorkspaceGate.newToken()))
            return Workspace.seeOther("/")
        }
        router.post("/logout") { _, context in
            context.sessions.clearSession()
            return Workspace.seeOther("/login")
        }
        router.get("/setup") { _, context in
            guard try await !workspace.hasAccounts() else { return Response.redirect(to: "/login", type: .found) }
            return setup(form: accountForm(context, role: false), context: context)
        }
        router.post("/setup") { _, context in
            guard try await !workspace.hasAccounts() else { return workspace.forbidden(context) }
            var form = accountForm(context, role: false)
            form.fill(from: context.form)
            guard let account = try await create(&form, role: .approver, context: context) else {
                return setup(form: form, context: context, status: .unprocessableContent)
            }
            context.sessions.clearSession()
            context.sessions.createSession(WorkspaceSession(user: account.name, csrf: WorkspaceGate.newToken()))
            return Workspace.seeOther("/")
        }
        router.get("/accounts") { _, context in
            guard context.account?.role == .approver else { return workspace.forbidden(context) }
            return try await accounts(form: accountForm(context, role: true), context: context)
        }
        router.post("/accounts") { _, context in
            guard context.account?.role == .approver else { return workspace.forbidden(context) }
            var form = accountForm(context, role: true)
            form.fill(from: context.form)
            let role = WorkspaceRole(rawValue: context.form["role"] ?? "") ?? .viewer
            guard try await create(&form, role: role, context: context) != nil else {
                return try await accounts(form: form, context: context, status: .unprocessableContent)
            }
            return Workspace.seeOther("/accounts")
        }
    }

    /// A hash to check a password against when the name is unknown.
    private static let decoy = Bcrypt.hash("no such account: a decoy", cost: cost)

    private func login(context: WorkspaceContext, name: String, error: String?, status: HTTPResponse.Status = .ok) -> Response {
        var object: [String: Any] = ["name": name]
        if let error { object["error"] = error }
        return workspace.page("login", title: workspace.strings.text("login", context.language), object: object, context: context, status: status)
    }

    private func setup(form: RecordForm, context: WorkspaceContext, status: HTTPResponse.Status = .ok) -> Response {
        workspace.page("setup", title: workspace.strings.text("setupTitle", context.language),
                       object: ["form": form.object, "action": "/setup"], context: context, status: status)
    }

    private func accounts(form: RecordForm, context: WorkspaceContext, status: HTTPResponse.Status = .ok) async throws -> Response {
        let words = workspace.strings.words(context.language)
        let list = try await workspace.onReplica { try $0.workspaceAccounts() }.map {
            ["name": $0.name, "displayName": $0.displayName, "roleName": words["role_\($0.role.rawValue)"] ?? $0.role.rawValue] as [String: Any]
        }
        return workspace.page("accounts", title: words["accounts"] ?? "", nav: "accounts",
                              object: ["form": form.object, "action": "/accounts", "accounts": list], context: context, status: status)
    }

    private func accountForm(_ context: WorkspaceContext, role: Bool) -> RecordForm {
        let text = { (key: String) in workspace.strings.text(key, context.language) }
        var fields = [
            FormField(id: "name", label: text("loginName"), required: true, autocomplete: "username", maximumLength: 32),
            FormField(id: "display_name", label: text("displayName"), required: true, autocomplete: "name", maximumLength: 100),
            FormField(id: "password", label: text("password"), type: "password", required: true, autocomplete: "new-password", maximumLength: 200),
            FormField(id: "password_again", label: text("passwordAgain"), type: "password", required: true, autocomplete: "new-password",
                      maximumLength: 200),
        ]
        if role {
            fields.append(FormField(id: "role", label: text("role"), value: WorkspaceRole.editor.rawValue, kind: .select,
                                    options: WorkspaceRole.allCases.map { ($0.rawValue, text("role_\($0.rawValue)")) }))
        }
        return RecordForm(groups: [.init(fields: fields)])
    }

    /// Checks the form and creates the account, or marks what is wrong and returns nil.
    private func create(_ form: inout RecordForm, role: WorkspaceRole, context: WorkspaceContext) async throws -> WorkspaceAccount? {
        let text = { (key: String) in workspace.strings.text(key, context.language) }
        form.checkInput(text)
        let name = context.form.text("name")?.lowercased() ?? ""
        let password = context.form["password"] ?? ""
        if let problem = WorkspaceAccount.problem(withName: name), form.groups[0].fields[0].error == nil {
            form.groups[0].fields[0].error = problem
        }
        if password.count < 10 { form.groups[0].fields[2].error = text("passwordTooShort") }
        if password != context.form["password_again"] { form.groups[0].fields[3].error = text("passwordsDiffer") }
        // Passwords are never sent back into the page.
        form.groups[0].fields[2].value = ""
        form.groups[0].fields[3].value = ""
        guard !form.isInvalid else { return nil }
        let hash = try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: Self.cost) }
        let account = WorkspaceAccount(name: name, displayName: context.form.text("display_name") ?? name, role: role, passwordHash: hash)
        do {
            try await workspace.onReplica { try $0.addWorkspaceAccount(account) }
        } catch let error as ReplicaError {
            form.groups[0].fields[0].error = error.message
            return nil
        }
        return account
    }
}
