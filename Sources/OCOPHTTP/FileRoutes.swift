import Foundation
import HTTPTypes
import Hummingbird
import NIOPosix
import OCOPImages
import OCOPModel
import OCOPStore

/// Attachments' files, by content hash:
///
///     GET /files/{sha256}          public: only a file some row may publish (a product's photo,
///                                  an organisation's certificate scan); anything else is 404
///     GET /api/v1/files/{sha256}   the central office (bearer token): any file
///     GET /api/v1/attachments?owner_table=…&owner_id=…   the rows describing a row's files
///
/// The URL names the bytes, so a file never changes under it: cached for a year, `immutable`;
/// its ETag is the hash. Single byte ranges are honoured (a phone resuming a scan).
struct FileRoutes {
    let store: any NationalBackend
    let files: NationalFileDirectory?

    static let immutable = "public, max-age=31536000, immutable"

    func registerPublic(on routes: RouteRegistrar) {
        let store = self.store
        let files = self.files
        routes.get("/files/{sha256}") { request, context in
            let sha256 = context.parameters.get("sha256") ?? ""
            guard let type = try await store.publicMediaType(ofFile: sha256) else {
                throw APIError(.notFound, "not_found", "no published file has this SHA-256")
            }
            return try await Self.serve(sha256, type: type, files: files, request: request, context: context, cache: Self.immutable)
        }
        // A web-sized JPEG of a published picture (libvips), made once and kept.
        routes.get("/files/{sha256}/web") { request, context in
            let sha256 = context.parameters.get("sha256") ?? ""
            guard let type = try await store.publicMediaType(ofFile: sha256), type.isImage else {
                throw APIError(.notFound, "not_found", "no published picture has this SHA-256")
            }
            guard let files, files.existingPath(of: sha256) != nil else {
                throw APIError(.notFound, "not_uploaded", "the file is described by a row but has not reached the national store yet")
            }
            let path = files.derivedPath(of: sha256, variant: Self.webVariant)
            if !FileManager.default.fileExists(atPath: path) {
                try await Self.derivations.run {
                    let original = try files.contents(of: sha256)
                    let web: Data
                    do { web = try WebImage.jpeg(of: original) } catch let failure as WebImage.Failure {
                        throw APIError(.unprocessableContent, "bad_image", "no web copy can be made: \(failure)")
                    }
                    try files.keepDerived(web, of: sha256, variant: Self.webVariant)
                }
            }
            return try await Self.serveFile(at: path, etag: "\"\(sha256)-web\"", type: "image/jpeg", request: request, context: context,
                                            cache: Self.immutable)
        }
    }

    /// The derived copy's name: the size is part of it, so a new size is a new file.
    static let webVariant = "web-\(WebImage.size).jpg"

    /// Decoding is the memory-hungry step: at most two at once, on threads of their own.
    static let derivations = DerivationGate(limit: 2)

    func registerCentral(on routes: RouteRegistrar) {
        let store = self.store
        let files = self.files
        routes.get("/files/{sha256}") { request, context in
            let sha256 = context.parameters.get("sha256") ?? ""
            guard FileAttachment.isSHA256(sha256), let attachment = try await store.attachments(withHash: sha256).first else {
                throw APIError(.notFound, "not_found", "no attachment has a file with this SHA-256")
            }
            return try await Self.serve(sha256, type: attachment.mediaType, files: files, request: request, context: context,
                                        cache: "private, max-age=31536000, immutable")
        }
        routes.get("/attachments") { request, _ in
            let query = try QueryParameters(request, allowed: ["owner_table", "owner_id", "limit"])
            let ownerTable = try query.string("owner_table")
            let ownerID = try query.string("owner_id")
            // Without an owner: the latest product photos in the country (the dashboard's gallery).
            guard ownerTable != nil || ownerID != nil else {
                var items: [AttachmentItem] = []
                for attachment in try await store.recentProductPhotos(limit: try query.int("limit", default: 12, in: 1...100)) {
                    var item = AttachmentItem(attachment)
                    item.productName = try await store.productRecord(id: attachment.ownerID)?.nameVi
                    items.append(item)
                }
                return try Representation.json(AttachmentList(attachments: items, files: files)).response(to: request)
            }
            guard let table = ownerTable, FileAttachment.ownerTables.contains(table) else {
                throw APIError.badParameter("owner_table must be one of \(FileAttachment.ownerTables.joined(separator: ", "))")
            }
            guard let id = ownerID.flatMap(UUID.init(uuidString:)) else { throw APIError.badParameter("owner_id must be a UUID") }
            let attachments = try await store.attachments(of: table, id: id)
            return try Representation.json(AttachmentList(attachments: attachments.map(AttachmentItem.init), files: files)).response(to: request)
        }
    }

    /// The file's bytes, or the asked range of them, streamed from disk.
    static func serve(_ sha256: String, type: AttachmentMediaType, files: NationalFileDirectory?, request: Request,
                      context: APIContext, cache: String) async throws -> Response {
        guard let files, let path = files.existingPath(of: sha256) else {
            throw APIError(.notFound, "not_uploaded", "the file is described by a row but has not reached the national store yet")
        }
        return try await serveFile(at: path, etag: "\"\(sha256)\"", type: type.rawValue, request: request, context: context, cache: cache)
    }

    /// A file from disk, whole or the asked range, with an entity tag that names its bytes.
    static func serveFile(at path: String, etag: String, type: String, request: Request, context: APIContext,
                          cache: String) async throws -> Response {
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue else {
            throw APIError(.notFound, "not_found", "the file is gone")
        }
        var headers: HTTPFields = [
            .contentType: type, .eTag: etag, .cacheControl: cache, .acceptRanges: "bytes",
            .xContentTypeOptions: "nosniff",
            // A PDF or picture shown by itself: no script of its own, no page around it.
            .contentSecurityPolicy: "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
        ]
        if let condition = request.headers[.ifNoneMatch], Representation.matches(condition, etag) {
            return Response(status: .notModified, headers: headers)
        }
        let fileIO = FileIO()
        switch ByteRange(header: request.headers[.range], size: size) {
        case .whole:
            headers[.contentLength] = String(size)
            return Response(status: .ok, headers: headers, body: try await fileIO.loadFile(path: path, context: context))
        case .part(let range):
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(size)"
            headers[.contentLength] = String(range.count)
            return Response(status: .partialContent, headers: headers,
                            body: try await fileIO.loadFile(path: path, range: range, context: context))
        case .unsatisfiable:
            headers[.contentRange] = "bytes */\(size)"
            return Response(status: .rangeNotSatisfiable, headers: headers)
        }
    }
}

/// Lets at most `limit` pieces of blocking work run at once, each on NIO's thread pool.
actor DerivationGate {
    private let limit: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { self.limit = limit }

    func run(_ work: @escaping @Sendable () throws -> Void) async throws {
        if running >= limit { await withCheckedContinuation { waiting.append($0) } } else { running += 1 }
        defer {
            if waiting.isEmpty { running -= 1 } else { waiting.removeFirst().resume() }
        }
        try await NIOThreadPool.singleton.runIfActive { try work() }
    }
}

/// An attachment as the API lists it.
struct AttachmentItem: Codable, Sendable {
    var id: String
    var ownerTable: String
    var ownerID: String
    var role: String
    var sha256: String
    var mediaType: String
    var bytes: Int64
    var title: String?
    var recordedOn: String
    var recordedBy: String
    /// Whether the national store has the file's bytes yet.
    var stored = false
    /// The product's Vietnamese name (in the list of latest photos).
    var productName: String?

    init(_ attachment: FileAttachment) {
        id = attachment.id.uuidString.lowercased()
        ownerTable = attachment.ownerTable
        ownerID = attachment.ownerID.uuidString.lowercased()
        role = attachment.role.rawValue
        sha256 = attachment.sha256
        mediaType = attachment.mediaType.rawValue
        bytes = attachment.byteCount
        title = attachment.title
        recordedOn = attachment.recordedOn.description
        recordedBy = attachment.recordedBy
    }

    enum CodingKeys: String, CodingKey {
        case id, role, sha256, bytes, title, stored
        case productName = "product_name"
        case ownerTable = "owner_table", ownerID = "owner_id", mediaType = "media_type", recordedOn = "recorded_on", recordedBy = "recorded_by"
    }
}

struct AttachmentList: Codable, Sendable {
    var attachments: [AttachmentItem]

    init(attachments: [AttachmentItem], files: NationalFileDirectory?) {
        self.attachments = attachments.map { item in
            var item = item
            item.stored = files?.existingPath(of: item.sha256) != nil
            return item
        }
    }
}
