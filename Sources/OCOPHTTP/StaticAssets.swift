import Foundation

/// The dashboard's files and the OpenAPI document, read once at start-up.
///
/// They ship in the target's resource bundle, `ocop-sync_OCOPHTTP.resources`, found next to the
/// executable (as `swift build` leaves it) or in `../share/ocop-sync/` from it (an installed
/// `/usr/local/bin/ocop-syncd` reads `/usr/local/share/ocop-sync/`). A configured dashboard
/// folder replaces the bundled page.
struct StaticAssets: Sendable {
    /// Dashboard file name → contents. Only these names are ever served (no paths, no `..`).
    var dashboard: [String: Data]
    var openAPI: Data

    static let bundleName = "ocop-sync_OCOPHTTP.resources"

    static func load(dashboardDirectory: String?) throws -> StaticAssets {
        guard let bundle = resourceDirectory() else {
            throw StaticAssetsError(message: "cannot find \(bundleName) next to \(Bundle.main.bundleURL.path) or in ../share/ocop-sync/; install it with the executable (ops/RUNBOOK.md, Install)")
        }
        let dashboardURL = dashboardDirectory.map { URL(fileURLWithPath: $0) } ?? bundle.appendingPathComponent("Dashboard")
        var dashboard: [String: Data] = [:]
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: dashboardURL.path) } catch {
            throw StaticAssetsError(message: "\(dashboardURL.path): cannot read the dashboard folder: \(error.localizedDescription)")
        }
        for name in names where mediaType(of: name) != nil {
            dashboard[name] = try read(dashboardURL.appendingPathComponent(name))
        }
        guard dashboard["index.html"] != nil else {
            throw StaticAssetsError(message: "\(dashboardURL.path): no index.html")
        }
        return StaticAssets(dashboard: dashboard, openAPI: try read(bundle.appendingPathComponent("openapi.yaml")))
    }

    /// The media type of a dashboard file; nil for files that are not served.
    static func mediaType(of name: String) -> String? {
        switch URL(fileURLWithPath: name).pathExtension {
        case "html": return "text/html; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "js": return "text/javascript; charset=utf-8"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "ico": return "image/x-icon"
        default: return nil
        }
    }

    private static func resourceDirectory() -> URL? {
        let executableDirectories = [
            Bundle.main.bundleURL,
            Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent(),
        ].compactMap { $0 }
        let candidates = executableDirectories.flatMap { directory in
            [directory.appendingPathComponent(bundleName),
             directory.deletingLastPathComponent().appendingPathComponent("share/ocop-sync").appendingPathComponent(bundleName)]
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("openapi.yaml").path) }
    }

    private static func read(_ url: URL) throws -> Data {
        do { return try Data(contentsOf: url) } catch {
            throw StaticAssetsError(message: "\(url.path): \(error.localizedDescription)")
        }
    }
}

struct StaticAssetsError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
