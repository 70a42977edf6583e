import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A response as a test reads it.
public struct HTTPTestResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data

    public var text: String { String(decoding: body, as: UTF8.self) }

    /// A header by case-insensitive name.
    public func header(_ name: String) -> String? {
        headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }

    /// The body as a JSON object (nil if it is not one).
    public var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] }

    /// `error.code` of a JSON error body.
    public var errorCode: String? { (json?["error"] as? [String: Any])?["code"] as? String }
}

/// Real HTTP requests to a server on 127.0.0.1 (URLSession, no cache, no cookies).
public struct HTTPTestClient: Sendable {
    public let port: Int
    private let session: URLSession

    public init(port: Int) {
        self.port = port
        let configuration = URLSessionConfiguration.ephemeral
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        // Minutes, not seconds: in a full run on two cores the in-process server can wait that
        // long for a thread while synchronous tests hold both; a slow answer is not a wrong one.
        configuration.timeoutIntervalForRequest = 600
        configuration.timeoutIntervalForResource = 1_200
        self.session = URLSession(configuration: configuration, delegate: NoRedirects(), delegateQueue: nil)
    }

    /// GET `path`.
    public func request(_ path: String, token: String? = nil, headers: [String: String] = [:]) async throws -> HTTPTestResponse {
        try await request("GET", path, token: token, headers: headers)
    }

    public func request(_ method: String, _ path: String, token: String? = nil, headers: [String: String] = [:],
                        body: Data? = nil) async throws -> HTTPTestResponse {
        guard let url = URL(string: "http://127.0.0.1:\(port)\(path)") else { throw URLError(.badURL) }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.cachePolicy = .reloadIgnoringLocalCacheData
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await session.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw URLError(.badServerResponse) }
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { fields[name] = value }
        }
        return HTTPTestResponse(status: http.statusCode, headers: fields, body: data)
    }
}

/// Redirects come back to the test as they are (301/302 with `Location`), not followed.
private final class NoRedirects: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }
}
