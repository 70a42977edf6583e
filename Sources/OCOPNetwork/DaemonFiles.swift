import Foundation

/// Files the daemon keeps in its data directory besides the national dataset.
public enum DaemonFiles {
    /// Reads the server's secret for fake salts, creating it (mode 0600) on first use.
    public static func serverSecret(dataDirectory: String) throws -> [UInt8] {
        let url = URL(fileURLWithPath: dataDirectory).appendingPathComponent("server-secret")
        if let data = try? Data(contentsOf: url), data.count == 32 { return Array(data) }
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        var generator = SystemRandomNumberGenerator()
        let secret = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        guard FileManager.default.createFile(atPath: url.path, contents: Data(secret), attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        return secret
    }

    /// A new random account secret: 32 characters of base32 (160 bits), easy to paste.
    public static func newAccountSecret() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<32).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }
}
