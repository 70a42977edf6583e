import Foundation
import HTTPTypes
import Hummingbird
import OCOPFeeds

/// `/feeds`: the partner feeds over HTTP, public like the products they list. The files are
/// those of `ocop export` (pages or CSV, catalogue, signed manifest), each with an entity tag
/// for conditional requests.
///
///     GET /feeds                                     index of profiles and formats
///     GET /feeds/signing-key.pem                     the Ed25519 public key manifests verify with
///     GET /feeds/{profile}/{format}/{file}?since=CURSOR&at=CURSOR
struct FeedRoutes {
    let service: FeedService

    struct Index: Encodable {
        struct Profile: Encodable {
            var id: String
            var title: String
            var minimum_stars: Int
            var languages: [String]
            var formats: [String: String]
        }
        var programme: String
        var signing_key: String
        var profiles: [Profile]
    }

    func register(on routes: RouteRegistrar) {
        let service = self.service
        routes.get("/feeds") { request, _ in
            _ = try QueryParameters(request, allowed: [])
            let index = Index(
                programme: FeedDocuments.programmeStatement, signing_key: "/feeds/signing-key.pem",
                profiles: FeedProfile.builtIn.map { profile in
                    Index.Profile(
                        id: profile.id, title: profile.title, minimum_stars: profile.minimumStars,
                        languages: profile.languages.map(\.rawValue),
                        formats: Dictionary(uniqueKeysWithValues: FeedFormat.allCases.map {
                            ($0.rawValue, "/feeds/\(profile.id)/\($0.rawValue)/catalog.jsonld")
                        }))
                })
            return try Representation.json(index).response(to: request)
        }
        routes.get("/feeds/signing-key.pem") { request, _ in
            _ = try QueryParameters(request, allowed: [])
            let pem = FeedKeys.pem(service.signingKey.publicKey)
            return Representation(data: Data(pem.utf8), contentType: "application/x-pem-file").response(to: request)
        }
        routes.get("/feeds/{profile}/{format}/{file}") { request, context in
            let query = try QueryParameters(request, allowed: ["since", "at"])
            let profileName = context.parameters.get("profile") ?? ""
            guard let profile = FeedProfile.named(profileName) else {
                throw APIError.notFound("no feed profile \"\(profileName)\" (profiles: \(FeedProfile.builtIn.map(\.id).joined(separator: ", ")))")
            }
            let formatName = context.parameters.get("format") ?? ""
            guard let format = FeedFormat(rawValue: formatName) else {
                throw APIError.notFound("no feed format \"\(formatName)\" (formats: \(FeedFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let since = try Self.cursor(query, "since")
            let at = try Self.cursor(query, "at")
            let name = context.parameters.get("file") ?? ""
            let export = try await service.export(profile: profile, format: format, since: since, at: at)
            guard let file = export.file(named: name) else {
                throw APIError.notFound("the \(profile.id) \(format.rawValue) export has no file \"\(name)\" (files: \(export.files.map(\.path).joined(separator: ", ")))")
            }
            var headers: HTTPFields = [.feedCursor: export.cursor.description]
            if let link = Self.links(for: file.path, in: export, profile: profile, format: format, since: since) {
                headers[.link] = link
            }
            let type = file.mediaType.hasPrefix("text/") || file.mediaType.hasSuffix("json") ? file.mediaType + "; charset=utf-8" : file.mediaType
            var representation = Representation(data: file.data, contentType: type, headers: headers)
            if representation.isCompressible, Gzip.isAccepted(by: request.headers[.acceptEncoding]) {
                let compressed = await service.gzipped(file, of: export, profile: profile, format: format, since: since)
                representation.gzipped = { compressed }
            }
            return representation.response(to: request)
        }
    }

    static func cursor(_ query: QueryParameters, _ name: String) throws -> FeedCursor? {
        guard let text = try query.string(name) else { return nil }
        guard let cursor = FeedCursor(text) else {
            throw APIError(.badRequest, "bad_cursor", "\(name): \"\(text)\" is not a feed cursor (SEQUENCE@YYYY-MM-DD, as a manifest's `cursor`)")
        }
        return cursor
    }

    /// RFC 8288 links from a page to its neighbours and to the manifest, all pinned (`at`) to
    /// the snapshot this page came from.
    static func links(for path: String, in export: RenderedExport, profile: FeedProfile, format: FeedFormat, since: FeedCursor?) -> String? {
        func url(_ file: String) -> String {
            var query = ["at=\(export.cursor)"]
            if let since { query.insert("since=\(since)", at: 0) }
            return "</feeds/\(profile.id)/\(format.rawValue)/\(file)?\(query.joined(separator: "&"))>"
        }
        var links = ["\(url(FeedManifest.fileName)); rel=\"describedby\""]
        let pages = export.files.map(\.path).filter { $0.hasPrefix("page-") }
        if let index = pages.firstIndex(of: path) {
            if index > 0 { links.append("\(url(pages[index - 1])); rel=\"prev\"") }
            if index + 1 < pages.count { links.append("\(url(pages[index + 1])); rel=\"next\"") }
        }
        return links.joined(separator: ", ")
    }
}

extension HTTPField.Name {
    static let link = Self("Link")!
    /// The cursor of the snapshot a feed file came from: pass it as `at` for the other files
    /// of the same export, and as `since` next time.
    static let feedCursor = Self("OCOP-Feed-Cursor")!
}
