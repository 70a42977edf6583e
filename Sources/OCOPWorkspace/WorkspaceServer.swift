import Foundation
import Hummingbird
import HummingbirdAuth
import HummingbirdBcrypt
import HummingbirdTLS
import NIOSSL
import Logging
import NIOCore
import OCOPNetwork
import OCOPReplica

/// Settings of the province workspace (`ocop serve`).
public struct WorkspaceConfiguration: Sendable {
    /// Where it listens: loopback unless told otherwise.
    public var host: String
    public var port: Int
    /// The daemon "Đồng bộ ngay" syncs with; nil hides the button.
    public var sync: SyncClientConfiguration?
    /// TLS for the office network: required when `host` is not loopback.
    public var tls: TLSConfiguration?

    public init(host: String = "127.0.0.1", port: Int = 8470, sync: SyncClientConfiguration? = nil, tls: TLSConfiguration? = nil) {
        self.host = host
        self.port = port
        self.sync = sync
        self.tls = tls
    }

    /// Whether `host` is this machine only.
    public static func isLoopback(_ host: String) -> Bool {
        host == "127.0.0.1" || host == "::1" || host == "localhost" || host.hasPrefix("127.")
    }
}

/// The province workspace: a web app for the province's OCOP officers over their replica,
/// working with the network down and syncing when it is up.
///
/// Pages are rendered on the server (Mustache templates, Vietnamese first) and their forms work
/// without JavaScript. Officers log in with local accounts (bcrypt); every form carries a CSRF
/// token and every write records who made it.
public struct WorkspaceServer: Sendable {
    let workspace: Workspace
    let configuration: WorkspaceConfiguration
    let logger: Logger

    public init(replica: Replica, configuration: WorkspaceConfiguration, logger: Logger = Logger(label: "ocop.workspace")) async throws {
        guard WorkspaceConfiguration.isLoopback(configuration.host) || configuration.tls != nil else {
            throw WorkspaceSetupError("the workspace listens beyond this machine (\(configuration.host)) only with TLS: give a certificate and its key")
        }
        guard replica.tenantID != nil else {
            throw WorkspaceSetupError("the workspace works on a province's replica; this one is a central office's")
        }
        self.configuration = configuration
        self.logger = logger
        self.workspace = try await Workspace(replica: replica, sync: SyncRunner(replica: replica, configuration: configuration.sync, logger: logger))
    }

    /// The Hummingbird application, a `Service`; `onServerRunning` gets the listening channel.
    public func application(onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }) throws -> some ApplicationProtocol {
        Application(
            router: router(),
            server: try configuration.tls.map { try .tls(.http1(), tlsConfiguration: $0) } ?? .http1(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "ocop-workspace"),
            onServerRunning: onServerRunning,
            logger: logger
        )
    }

    /// Adds a workspace account to `replica` (the demo's, or an administrator's script); the
    /// password is kept only as its bcrypt hash. Throws when the name is taken or not allowed.
    public static func addAccount(to replica: Replica, name: String, displayName: String, role: WorkspaceRole, password: String) throws {
        guard password.count >= 10 else { throw WorkspaceSetupError("a password needs at least 10 characters") }
        try replica.prepareWorkspace()
        try replica.addWorkspaceAccount(WorkspaceAccount(name: name, displayName: displayName, role: role,
                                                         passwordHash: Bcrypt.hash(password, cost: AccountPages.cost)))
    }

    /// Waits for a sync started from a page to end (tests).
    public func waitForSync() async { await workspace.sync.waitUntilIdle() }

    func router() -> Router<WorkspaceContext> {
        let router = Router(context: WorkspaceContext.self)
        let cookie = SessionCookieParameters(name: "ocop_session", path: "/", secure: configuration.tls != nil, sameSite: .strict)
        router.add(middleware: SessionMiddleware(
            storage: MemoryPersistDriver(),
            configuration: SessionMiddlewareConfiguration(sessionCookieParameters: cookie, defaultSessionExpiration: .seconds(8 * 3600))))
        router.add(middleware: WorkspaceGate(workspace: workspace))
        StaticPages(workspace: workspace).register(on: router)
        AccountPages(workspace: workspace).register(on: router)
        RecordPages(workspace: workspace, kind: ProducerKind()).register(on: router)
        RecordPages(workspace: workspace, kind: ProductKind()).register(on: router)
        RecordPages(workspace: workspace, kind: MaterialAreaKind()).register(on: router)
        RecordPages(workspace: workspace, kind: LotKind()).register(on: router)
        LotEventPages(workspace: workspace).register(on: router)
        DossierPages(workspace: workspace).register(on: router)
        ImportPages(workspace: workspace).register(on: router)
        CertificatePages(workspace: workspace).register(on: router)
        SyncPages(workspace: workspace).register(on: router)
        return router
    }
}
