import Hummingbird
import HummingbirdAuth
import OCOPReplica

/// What the workspace keeps of a browser between requests: who logged in, and the token its
/// forms must carry (CSRF).
struct WorkspaceSession: Codable, Sendable {
    /// The login name, once logged in.
    var user: String?
    /// The token every form posts back; a form from another site cannot know it.
    var csrf: String
}

/// A request as the workspace's routes see it.
struct WorkspaceContext: RequestContext, SessionRequestContext {
    var coreContext: CoreRequestContextStorage
    let sessions = SessionContext<WorkspaceSession>()
    /// The officer logged in, if any.
    var account: WorkspaceAccount?
    var language = WorkspaceLanguage.vi
    /// A posted form, read (and its CSRF token checked) before the route runs.
    var form = FormData()
    /// The session's form token, for the page's forms.
    var csrf = ""

    init(source: Source) {
        self.coreContext = .init(source: source)
    }

    var maxUploadSize: Int { FormData.maximumUploadBytes }
}
