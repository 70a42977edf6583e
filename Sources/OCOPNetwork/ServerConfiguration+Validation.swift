import Foundation
import OCOPModel
import Logging

extension ServerConfiguration {
    /// Every value that has the right type but cannot work (a port above 65535, a limit of 0,
    /// an unknown log level), each as `path: what is wrong`; empty when the settings are usable.
    public var problems: [String] {
        var problems: [String] = []
        func endpoint(_ endpoint: Endpoint?, _ path: String) {
            guard let endpoint else { return }
            if endpoint.host.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("\(path).host: empty; give an address such as 127.0.0.1") }
            if let problem = Endpoint.portProblem(endpoint.port) { problems.append("\(path).port: \(problem)") }
        }
        func atLeast(_ value: Int, _ minimum: Int, _ path: String, _ maximum: Int = .max) {
            if value < minimum || value > maximum {
                problems.append("\(path): \(value) is out of range; it must be " + (maximum == .max ? "at least \(minimum)" : "\(minimum)…\(maximum)"))
            }
        }
        endpoint(listen, "listen")
        endpoint(metrics, "metrics")
        if let http { endpoint(Endpoint(host: http.host, port: http.port), "http") }
        if dataDirectory.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("dataDirectory: empty") }
        for (key, url) in [("store", store), ("storeStandby", storeStandby)] {
            guard let url else { continue }
            if !(url.hasPrefix("postgres://") || url.hasPrefix("postgresql://")) {
                problems.append("\(key): '\(url)' is not a PostgreSQL URL (postgres://USER@HOST:PORT/DATABASE); leave it out to keep the store in SQLite")
            } else if URLComponents(string: url)?.password != nil {
                problems.append("\(key): the URL carries a password; put it in a file named by storePasswordFile (or PGPASSWORD) instead")
            }
        }
        if storeStandby != nil, store == nil { problems.append("storeStandby: a standby needs a PostgreSQL store (store)") }
        if let tls {
            if tls.certificate.isEmpty { problems.append("tls.certificate: empty; give the PEM certificate chain's path") }
            if tls.privateKey.isEmpty { problems.append("tls.privateKey: empty; give the PEM private key's path") }
        }
        if let http { atLeast(http.feedCacheMegabytes, 1, "http.feedCacheMegabytes", 1 << 20) }
        if let problem = http?.publicURL.flatMap(DigitalLink.baseProblem) { problems.append("http.publicURL: " + problem) }
        atLeast(limits.maxConnections, 1, "limits.maxConnections", 1 << 20)
        atLeast(limits.maxUnauthenticatedConnections, 1, "limits.maxUnauthenticatedConnections", limits.maxConnections)
        atLeast(limits.handshakeTimeoutSeconds, 1, "limits.handshakeTimeoutSeconds", 86_400)
        atLeast(limits.maxPullPage, 1, "limits.maxPullPage", 1_000_000)
        atLeast(limits.idleTimeoutSeconds, 1, "limits.idleTimeoutSeconds", 86_400)
        atLeast(limits.maxUnauthenticatedPerAddress, 1, "limits.maxUnauthenticatedPerAddress", 1 << 20)
        atLeast(limits.frameMemoryMegabytes, 1, "limits.frameMemoryMegabytes", 1 << 20)
        atLeast(limits.attachmentMegabytesPerProvince, 1, "limits.attachmentMegabytesPerProvince", 1 << 30)
        if Logger.Level(rawValue: logLevel) == nil {
            problems.append("logLevel: \"\(logLevel)\" is not one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return problems
    }
}

extension ServerConfiguration.Endpoint {
    /// Reads `HOST:PORT` as given to `--listen` or `--http` (`[::1]:7468` for IPv6); the port
    /// must be 0…65535 (0: any free port). `option` names the flag in errors.
    public init(parsing text: String, option: String) throws {
        guard let colon = text.lastIndex(of: ":") else {
            throw ConfigurationError(message: "\(option) must be HOST:PORT, e.g. 127.0.0.1:7468; got '\(text)'")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let portText = text[text.index(after: colon)...]
        guard !host.isEmpty, let port = Int(portText) else {
            throw ConfigurationError(message: "\(option) must be HOST:PORT, e.g. 127.0.0.1:7468; got '\(text)'")
        }
        if let problem = Self.portProblem(port) { throw ConfigurationError(message: "\(option) \(text): the port \(problem)") }
        self.init(host: host, port: port)
    }

    /// Why `port` cannot be bound, or nil: TCP ports are 0…65535 (a larger number would be
    /// truncated by the socket layer and bind some other port).
    static func portProblem(_ port: Int) -> String? {
        (0...65_535).contains(port) ? nil : "\(port) is out of range; ports are 1…65535 (0: any free port)"
    }

    /// `host:port` as an operator writes it (`[::1]:7468` for IPv6).
    public var display: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
