import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import OCOPFeeds
import OCOPModel
import OCOPStore

/// Settings of the central office's HTTP server.
public struct CentralHTTPConfiguration: Sendable {
    /// Where it listens; loopback by default (put a TLS proxy in front for other machines).
    public var host: String
    public var port: Int
    /// A folder to serve the dashboard from instead of the files built into the binary's
    /// resource bundle (to change the page without rebuilding).
    public var dashboardDirectory: String?
    /// The central office's Ed25519 key that signs feed manifests.
    public var feedSigningKey: Curve25519.Signing.PrivateKey
    /// Rendered feed exports kept in memory for conditional and paged requests, in bytes.
    public var feedCacheBytes: Int
    /// The directory of attachments' files (``OCOPStore/NationalFileDirectory``); nil serves none.
    public var filesDirectory: String?
    /// The address partners and phones reach this server at (`https://ocop.example.gov.vn`):
    /// feeds link product pages and photos there. `nil`: `http://` and the address it listens on.
    public var publicURL: String?

    public init(host: String = "127.0.0.1", port: Int = 8468, dashboardDirectory: String? = nil,
                feedSigningKey: Curve25519.Signing.PrivateKey, feedCacheBytes: Int = 256 << 20, publicURL: String? = nil,
                filesDirectory: String? = nil) {
        self.filesDirectory = filesDirectory
        self.host = host
        self.port = port
        self.dashboardDirectory = dashboardDirectory
        self.feedSigningKey = feedSigningKey
        self.feedCacheBytes = feedCacheBytes
        self.publicURL = publicURL
    }
}

/// A route as served: method and path in OpenAPI form (`/api/v1/products/{id}`).
public struct ServedRoute: Sendable, Hashable, CustomStringConvertible {
    public var method: String
    public var path: String
    public var description: String { "\(method) \(path)" }
}

/// The central office's HTTP server: the JSON API (`/api/v1`, bearer tokens), the dashboard
/// (`/dashboard/`), the partner feeds (`/feeds`, public) and lots' trace pages (`/01/…`,
/// `/l/…`, public), over one national store.
///
/// Hummingbird serves it; this type builds the router, so the daemon and the tests run the
/// very same routes.
public struct CentralHTTPServer: Sendable {
    public let store: any NationalBackend
    public let configuration: CentralHTTPConfiguration
    let logger: Logger
    let assets: StaticAssets
    let feeds: FeedService

    public init(store: any NationalBackend, configuration: CentralHTTPConfiguration,
                logger: Logger = Logger(label: "ocop.http")) throws {
        self.store = store
        self.configuration = configuration
        self.logger = logger
        self.assets = try StaticAssets.load(dashboardDirectory: configuration.dashboardDirectory)
        self.feeds = FeedService(store: store, signingKey: configuration.feedSigningKey, cacheBytes: configuration.feedCacheBytes,
                                 links: configuration.publicURL.map(FeedLinks.init(base:)))
    }

    /// Every route the server answers, as registered.
    public var routes: [ServedRoute] { buildRouter().table.routes }

    /// The router with every route and middleware.
    public func router() -> Router<APIContext> { buildRouter().router }

    /// The Hummingbird application, a `Service` to run in a `ServiceGroup`; `onServerRunning`
    /// is called with the listening channel (its port, when `port` is 0).
    public func application(onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in })
        -> some ApplicationProtocol {
        let feeds = self.feeds
        let explicit = configuration.publicURL != nil
        return Application(
            router: router(),
            server: .utf8TolerantHTTP1(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "ocop-syncd"),
            onServerRunning: { channel in
                // Without a public URL, links point where the server is bound (its port, when 0).
                if !explicit, let address = channel.localAddress, let ip = address.ipAddress, let port = address.port {
                    let host = ip.contains(":") ? "[\(ip)]" : ip
                    await feeds.cache.setLinks(FeedLinks(base: "http://\(host):\(port)"))
                }
                await onServerRunning(channel)
            },
            logger: logger
        )
    }

    func buildRouter() -> (router: Router<APIContext>, table: RouteTable) {
        let router = Router(context: APIContext.self)
        // An access log line per request: status, token id and duration; never headers, so
        // never a token's secret.
        router.add(middleware: AccessLogMiddleware())
        router.add(middleware: JSONErrorMiddleware())
        let table = RouteTable()
        let publicRoutes = RouteRegistrar(router: router, table: table)
        StaticRoutes(assets: assets).register(on: publicRoutes)
        FeedRoutes(service: feeds).register(on: publicRoutes)
        TraceRoutes(store: store).register(on: publicRoutes)
        let files = FileRoutes(store: store, files: configuration.filesDirectory.map(NationalFileDirectory.init(path:)))
        files.registerPublic(on: publicRoutes)

        let api = router.group("api/v1")
        RouteRegistrar(group: api, prefix: "/api/v1", table: table).get("/openapi.yaml") { request, _ in
            Representation(data: assets.openAPI, contentType: "application/yaml; charset=utf-8").response(to: request)
        }
        let authenticated = api.group().add(middleware: BearerTokenMiddleware(store: store))
        let registrar = RouteRegistrar(group: authenticated, prefix: "/api/v1", table: table)
        ReportRoutes(store: store).register(on: registrar)
        LookupRoutes(store: store).register(on: registrar)
        ConflictRoutes(store: store).register(on: registrar)
        EPCISRoutes(store: store).register(on: registrar)
        files.registerCentral(on: registrar)
        return (router, table)
    }
}

/// The routes as registered, for ``CentralHTTPServer/routes``.
final class RouteTable: @unchecked Sendable {
    // Filled while the router is built, on one thread, then only read.
    private(set) var routes: [ServedRoute] = []
    func add(_ method: String, _ path: String) { routes.append(ServedRoute(method: method, path: path)) }
}

/// Registers handlers under OpenAPI-style paths (`{id}`) and records them in the route table,
/// so the served routes and the list the OpenAPI test checks cannot drift apart.
struct RouteRegistrar {
    typealias Handler = @Sendable (Request, APIContext) async throws -> Response
    private let add: (HTTPRequest.Method, String, @escaping Handler) -> Void
    private let prefix: String
    let table: RouteTable

    init(router: Router<APIContext>, table: RouteTable) {
        self.prefix = ""
        self.table = table
        self.add = { method, path, handler in router.on(RouterPath(path), method: method, use: handler) }
    }

    init(group: RouterGroup<APIContext>, prefix: String, table: RouteTable) {
        self.prefix = prefix
        self.table = table
        self.add = { method, path, handler in group.on(RouterPath(path), method: method, use: handler) }
    }

    /// `path` relative to the registrar's prefix, in OpenAPI form.
    func on(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping Handler) {
        let hummingbirdPath = path.split(separator: "/", omittingEmptySubsequences: false).map { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? ":" + part.dropFirst().dropLast() : part
        }.joined(separator: "/")
        add(method, hummingbirdPath, handler)
        table.add(method.rawValue, prefix + path)
    }

    func get(_ path: String, _ handler: @escaping Handler) { on(.get, path, handler) }
    func post(_ path: String, _ handler: @escaping Handler) { on(.post, path, handler) }
}
