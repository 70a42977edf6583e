import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
import Logging
import OCOPModel
import OCOPNetwork
import OCOPReplica
import OCOPWorkspace
import ServiceLifecycle
import Testing

/// A province replica in a scratch directory and the workspace over it, listening on loopback.
final class WorkspaceHarness: @unchecked Sendable {
    let directory: URL
    let replica: Replica
    let server: WorkspaceServer
    let port: Int
    let tenant: UUID
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    static let quiet: Logger = {
        var logger = Logger(label: "test.workspace")
        logger.logLevel = .critical
        return logger
    }()

    private init(directory: URL, replica: Replica, server: WorkspaceServer, port: Int, tenant: UUID, group: ServiceGroup, task: Task<Void, any Error>) {
        self.directory = directory
        self.replica = replica
        self.server = server
        self.port = port
        self.tenant = tenant
        self.group = group
        self.task = task
    }

    static func start(sync: SyncClientConfiguration? = nil, replica existing: (Replica, URL)? = nil) async throws -> WorkspaceHarness {
        let directory = existing?.1 ?? FileManager.default.temporaryDirectory.appendingPathComponent("ocop-workspace-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let tenant = existing?.0.tenantID ?? UUID()
        let replica = try existing?.0 ?? Replica.create(at: directory.appendingPathComponent("province.ocop").path, role: .province, tenantID: tenant)
        let server = try await WorkspaceServer(replica: replica, configuration: WorkspaceConfiguration(host: "127.0.0.1", port: 0, sync: sync),
                                               logger: quiet)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let application = try server.application { channel in
            continuation.yield(channel.localAddress?.port ?? 0)
            continuation.finish()
        }
        let group = ServiceGroup(services: [application], gracefulShutdownSignals: [], cancellationSignals: [], logger: quiet)
        let task = Task { try await group.run() }
        var port = 0
        for await bound in ports { port = bound }
        return WorkspaceHarness(directory: directory, replica: replica, server: server, port: port, tenant: tenant, group: group, task: task)
    }

    func stop() async {
        await server.waitForSync()
        await group.triggerGracefulShutdown()
        _ = await task.result
        try? FileManager.default.removeItem(at: directory)
    }

    var base: String { "http://127.0.0.1:\(port)" }

    /// A browser of one officer: keeps its cookies, follows no redirects (tests look at them).
    func browser() -> Browser { Browser(base: base) }
}

/// An HTTP client that keeps cookies and reports redirects instead of following them.
final class Browser: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    let base: String
    private(set) var cookies: [String: String] = [:]
    private lazy var session = URLSession(configuration: {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        return configuration
    }(), delegate: self, delegateQueue: nil)

    init(base: String) { self.base = base }

    struct Page {
        var status: Int
        var headers: [String: String]
        var body: String
        var location: String? { headers["location"] }

        /// The value of the first `name="_csrf"` field of the page.
        var csrf: String? { Page.field("_csrf", in: body) }

        static func field(_ name: String, in html: String) -> String? {
            guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
            let rest = html[range.upperBound...]
            return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        completionHandler(nil)
    }

    func get(_ path: String, headers: [String: String] = [:]) async throws -> Page {
        try await send("GET", path, body: nil, headers: headers)
    }

    /// Posts a form; `csrf` nil takes the token from a GET of `path` first (as a browser would
    /// have it from the page), "" sends none.
    func post(_ path: String, _ fields: [(String, String)], csrf: String? = nil, headers: [String: String] = [:]) async throws -> Page {
        var token = csrf
        if token == nil { token = try await get(path).csrf ?? "" }
        var all = fields
        if let token, !token.isEmpty { all.insert(("_csrf", token), at: 0) }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = all.map { "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
            .joined(separator: "&")
        var headers = headers
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        return try await send("POST", path, body: Data(body.utf8), headers: headers)
    }

    /// Posts a form with a file, as a browser sends an upload (`multipart/form-data`); the
    /// token is taken from a GET of `path` first, like ``post(_:_:csrf:headers:)``.
    func upload(_ path: String, _ fields: [(String, String)], file: (field: String, name: String, bytes: Data), csrf: String? = nil,
                boundary: String = "----ocop\(UUID().uuidString)") async throws -> Page {
        var token = csrf
        if token == nil { token = try await get(path).csrf ?? "" }
        var body = Data()
        var all = fields
        if let token, !token.isEmpty { all.insert(("_csrf", token), at: 0) }
        for (name, value) in all {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.name)\"\r\nContent-Type: text/csv\r\n\r\n".utf8))
        body.append(file.bytes)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        return try await send("POST", path, body: body, headers: ["Content-Type": "multipart/form-data; boundary=\(boundary)"])
    }

    /// Sends raw bytes with the given headers (for malformed requests).
    func raw(_ method: String, _ path: String, body: Data, headers: [String: String]) async throws -> Page {
        try await send(method, path, body: body, headers: headers)
    }

    private func send(_ method: String, _ path: String, body: Data?, headers: [String: String]) async throws -> Page {
        var request = URLRequest(url: URL(string: base + path)!)
        // A full run on two cores queues every test's bcrypt and replica work on the same few
        // threads: an answer can take minutes there, which is not what these tests measure.
        request.timeoutInterval = 900
        request.httpMethod = method
        request.httpBody = body
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if !cookies.isEmpty { request.setValue(cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "), forHTTPHeaderField: "Cookie") }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields { fields[String(describing: name).lowercased()] = String(describing: value) }
        if let setCookie = fields["set-cookie"] {
            // One cookie per header here; a comma may separate several.
            for cookie in setCookie.components(separatedBy: ", ") {
                let pair = cookie.split(separator: ";").first.map(String.init) ?? ""
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { continue }
                if cookie.lowercased().contains("max-age=0") || cookie.contains("1970") { cookies[parts[0]] = nil } else { cookies[parts[0]] = parts[1] }
            }
        }
        return Page(status: http.statusCode, headers: fields, body: String(decoding: data, as: UTF8.self))
    }

    /// Creates the first account (an approver) and is logged in as it.
    func setUp(name: String = "lan", displayName: String = "Nguyễn Thị Lan", password: String = "mật-khẩu-đủ-dài") async throws {
        let page = try await post("/setup", [("name", name), ("display_name", displayName), ("password", password), ("password_again", password)])
        #expect(page.status == 303 && page.location == "/", "setup: \(page.status) \(page.body.prefix(2000))")
    }

    /// Logs in.
    func logIn(_ name: String, _ password: String) async throws -> Page {
        try await post("/login", [("name", name), ("password", password)])
    }
}
