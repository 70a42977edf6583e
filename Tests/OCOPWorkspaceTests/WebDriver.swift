import Foundation
import OCOPTestSupport

/// Debian's Chromium driven through chromedriver's W3C WebDriver protocol (JSON over HTTP on
/// loopback): the browser tests click through the workspace as an officer would.
final class WebDriver: @unchecked Sendable {
    static let chromedriver = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
    /// Whether the browser tests can run here; on CI (`CI` set) they must.
    static var available: Bool { (chromedriver != nil && chromium != nil) || ProcessInfo.processInfo.environment["CI"] != nil }

    private let process = Process()
    private let base: String
    private let profile: URL
    private var session = ""

    struct Failure: Error, CustomStringConvertible { var description: String }

    init(width: Int = 1280, height: Int = 900) async throws {
        guard let driver = Self.chromedriver, let browser = Self.chromium else { throw Failure(description: "install chromium and chromium-driver") }
        let port = try Self.freePort()
        base = "http://127.0.0.1:\(port)"
        profile = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-webdriver-\(UUID().uuidString)")
        process.executableURL = URL(fileURLWithPath: driver)
        process.arguments = ["--port=\(port)", "--allowed-ips=127.0.0.1"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try ChildProcess.launch(process)
        let deadline = ContinuousClock.now + .seconds(30)
        var lastError: (any Error)?
        while true {
            do {
                _ = try await request("GET", "/status")
                break
            } catch {
                lastError = error
            }
            guard ContinuousClock.now < deadline else { throw Failure(description: "chromedriver did not start on \(base): \(String(describing: lastError))") }
            try await Task.sleep(for: .milliseconds(100))
        }
        let capabilities: [String: Any] = ["capabilities": ["alwaysMatch": [
            "browserName": "chrome",
            "goog:chromeOptions": ["binary": browser, "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=vi-VN",
                "--window-size=\(width),\(height)", "--user-data-dir=\(profile.path)",
            ]],
        ]]]
        let created = try await request("POST", "/session", capabilities)
        guard let value = created["value"] as? [String: Any], let id = value["sessionId"] as? String else {
            throw Failure(description: "no WebDriver session: \(created)")
        }
        session = id
        // Elements are looked for up to twenty seconds: the next page may still be loading.
        _ = try await command("POST", "/timeouts", ["implicit": 20_000, "pageLoad": 60_000])
    }

    func quit() async {
        _ = try? await request("DELETE", "/session/\(session)")
        // Never `waitUntilExit()` here: on Linux it runs a run loop on this cooperative thread,
        // and it hung a whole suite run once chromedriver had already gone.
        process.terminate()
        let deadline = ContinuousClock.now + .seconds(10)
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: profile)
    }

    func open(_ url: String) async throws { _ = try await command("POST", "/url", ["url": url]) }
    func url() async throws -> String { try await command("GET", "/url") as? String ?? "" }
    func source() async throws -> String { try await command("GET", "/source") as? String ?? "" }
    /// The page's source once `condition` holds for it, or as it is after thirty seconds (a click
    /// returns when the browser has sent a form, not once the next page is shown).
    func source(when condition: (String) -> Bool) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(30)
        var page = try await source()
        while !condition(page), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            page = try await source()
        }
        return page
    }

    func title() async throws -> String { try await command("GET", "/title") as? String ?? "" }

    func resize(width: Int, height: Int) async throws {
        _ = try await command("POST", "/window/rect", ["width": width, "height": height])
    }

    /// The element a CSS selector finds.
    func element(_ selector: String) async throws -> String {
        let found = try await command("POST", "/element", ["using": "css selector", "value": selector])
        guard let object = found as? [String: Any], let id = object.values.first as? String else {
            throw Failure(description: "no element \(selector)")
        }
        return id
    }

    func click(_ selector: String) async throws {
        _ = try await command("POST", "/element/\(try await element(selector))/click", [:])
    }

    /// The text an element shows.
    func text(of selector: String) async throws -> String {
        try await command("GET", "/element/\(try await element(selector))/text") as? String ?? ""
    }

    /// Types into a field, after clearing it.
    func type(_ text: String, into selector: String) async throws {
        let id = try await element(selector)
        _ = try await command("POST", "/element/\(id)/clear", [:])
        _ = try await command("POST", "/element/\(id)/value", ["text": text])
    }

    /// Presses keys on whatever has the focus (Tab is U+E004, Enter U+E007).
    func press(_ keys: String) async throws {
        let actions: [[String: Any]] = keys.unicodeScalars.flatMap { key -> [[String: Any]] in
            [["type": "keyDown", "value": String(key)], ["type": "keyUp", "value": String(key)]]
        }
        _ = try await command("POST", "/actions", ["actions": [["type": "key", "id": "keyboard", "actions": actions]]])
    }

    /// The text of the element that has the focus.
    func focusedText() async throws -> String {
        try await command("POST", "/execute/sync", ["script": "return document.activeElement.textContent || document.activeElement.id", "args": []]) as? String ?? ""
    }

    /// A PNG of the page as shown.
    func screenshot() async throws -> Data {
        guard let encoded = try await command("GET", "/screenshot") as? String, let data = Data(base64Encoded: encoded) else {
            throw Failure(description: "no screenshot")
        }
        return data
    }

    private func command(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any? {
        let answer = try await request(method, "/session/\(session)\(path)", body)
        if let value = answer["value"] as? [String: Any], let error = value["error"] as? String {
            throw Failure(description: "\(path): \(error): \(value["message"] ?? "")")
        }
        return answer["value"]
    }

    /// One HTTP exchange with chromedriver. Foundation's URLSession on Linux cannot read its
    /// answers (it writes headers without a space after the colon), so a plain socket does it,
    /// on a thread of its own: a navigation can take seconds, and the workspace under test
    /// needs the cooperative threads meanwhile.
    private func request(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> [String: Any] {
        let payload = try body.map { try JSONSerialization.data(withJSONObject: $0) } ?? Data()
        let port = UInt16(base.split(separator: ":").last.flatMap { Int($0) } ?? 0)
        let head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/json\r\nContent-Length: \(payload.count)\r\nConnection: close\r\n\r\n"
        let answer: Data = try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { try Self.exchange(port: port, request: Data(head.utf8) + payload) })
            }.start()
        }
        guard let split = answer.range(of: Data("\r\n\r\n".utf8)) else { throw Failure(description: "\(path): no HTTP answer") }
        let content = answer[split.upperBound...]
        return (try? JSONSerialization.jsonObject(with: content) as? [String: Any]) ?? [:]
    }

    private static func exchange(port: UInt16, request: Data) throws -> Data {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { throw Failure(description: "cannot connect to chromedriver on port \(port)") }
        try request.withUnsafeBytes { bytes in
            var sent = 0
            while sent < bytes.count {
                let written = write(fd, bytes.baseAddress! + sent, bytes.count - sent)
                guard written > 0 else { throw Failure(description: "write to chromedriver failed") }
                sent += written
            }
        }
        // The answer ends after its Content-Length (chromedriver may keep the connection open).
        var answer = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            if let split = answer.range(of: Data("\r\n\r\n".utf8)) {
                let head = String(decoding: answer[..<split.lowerBound], as: UTF8.self).lowercased()
                let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                if answer.count - split.upperBound >= length { return answer }
            }
            let count = read(fd, &buffer, buffer.count)
            guard count > 0 else { break }
            answer.append(contentsOf: buffer[0..<count])
        }
        return answer
    }

    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw Failure(description: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
