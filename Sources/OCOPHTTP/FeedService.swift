import Crypto
import Foundation
import OCOPFeeds
import OCOPModel
import OCOPStore

/// Renders partner feeds for HTTP and keeps recent renderings, so that
///
/// - the pages of one export come from one snapshot (a page never mixes two nights): the first
///   request pins the snapshot's cursor, later pages name it with `at`;
/// - repeated requests for an unchanged feed cost a lookup, and conditional requests get 304.
///
/// Renderings are kept by (profile, format, since, cursor) up to a byte budget, least recently
/// used evicted first.
actor FeedCache {
    struct Key: Hashable {
        var profile: String
        var format: FeedFormat
        var since: FeedCursor?
        var cursor: FeedCursor
    }

    private var entries: [Key: (export: RenderedExport, bytes: Int, used: UInt64)] = [:]
    /// gzip-compressed files of kept renderings, made on the first request that accepts gzip.
    private var compressed: [Key: [String: Data]] = [:]
    private var clock: UInt64 = 0
    private let budget: Int

    /// Where rendered feeds link product pages and photos.
    private(set) var links: FeedLinks?

    init(budget: Int, links: FeedLinks?) {
        self.budget = budget
        self.links = links
    }

    /// Sets the links once the server knows its address; renderings made before are dropped.
    func setLinks(_ links: FeedLinks) {
        guard links != self.links else { return }
        self.links = links
        entries.removeAll()
        compressed.removeAll()
    }

    func get(_ key: Key) -> RenderedExport? {
        guard var entry = entries[key] else { return nil }
        clock += 1
        entry.used = clock
        entries[key] = entry
        return entry.export
    }

    func put(_ key: Key, _ export: RenderedExport) {
        clock += 1
        let bytes = export.files.reduce(0) { $0 + $1.data.count }
        entries[key] = (export, bytes, clock)
        var total = entries.values.reduce(0) { $0 + $1.bytes }
        // Keep at least the newest rendering, even when it alone exceeds the budget.
        while total > budget, entries.count > 1, let oldest = entries.min(by: { $0.value.used < $1.value.used }) {
            total -= oldest.value.bytes
            entries[oldest.key] = nil
            compressed[oldest.key] = nil
        }
    }

    /// `file` of the rendering kept under `key`, gzip-compressed (once).
    func gzipped(_ file: FeedFile, of key: Key) -> Data? {
        if let data = compressed[key]?[file.path] { return data }
        guard let data = Gzip.compress(file.data) else { return nil }
        if entries[key] != nil { compressed[key, default: [:]][file.path] = data }
        return data
    }
}

/// The feeds as HTTP serves them: the same engine and files as `ocop export`.
struct FeedService: Sendable {
    /// `file` of `export` gzip-compressed, kept with the rendering.
    func gzipped(_ file: FeedFile, of export: RenderedExport, profile: FeedProfile, format: FeedFormat, since: FeedCursor?) async -> Data? {
        await cache.gzipped(file, of: FeedCache.Key(profile: profile.id, format: format, since: since, cursor: export.cursor))
    }

    let store: any NationalBackend
    let signingKey: Curve25519.Signing.PrivateKey
    let cache: FeedCache

    init(store: any NationalBackend, signingKey: Curve25519.Signing.PrivateKey, cacheBytes: Int, links: FeedLinks? = nil) {
        self.store = store
        self.signingKey = signingKey
        self.cache = FeedCache(budget: cacheBytes, links: links)
    }

    /// The export of `profile` in `format` since `since`: pinned to `at` if given (throws 410 if
    /// that snapshot is no longer kept), else the current state.
    func export(profile: FeedProfile, format: FeedFormat, since: FeedCursor?, at pinned: FeedCursor?) async throws -> RenderedExport {
        let date = LocalDate(Date())
        if let pinned, let export = await cache.get(FeedCache.Key(profile: profile.id, format: format, since: since, cursor: pinned)) {
            return export
        }
        let current = try await FeedSnapshot.currentCursor(store: store, asOf: date)
        if let pinned, pinned != current {
            throw APIError(.gone, "snapshot_gone",
                           "at=\(pinned): that snapshot of the feed is no longer kept (the feed is now at \(current)); start again from page 1 without `at`")
        }
        let key = FeedCache.Key(profile: profile.id, format: format, since: since, cursor: current)
        if let export = await cache.get(key) { return export }
        let signingKey = self.signingKey
        let snapshot = try await FeedSnapshot.read(store: store, profile: profile, since: since, asOf: date, links: await cache.links)
        // Rendering is seconds of CPU for a full feed: on the read threads, not a cooperative one.
        let export = try await StoreThreads.read { try FeedExporter.render(snapshot, format: format, signingKey: signingKey) }
        // Key by the snapshot's own cursor: a merge may have landed between the two reads.
        await cache.put(FeedCache.Key(profile: profile.id, format: format, since: since, cursor: export.cursor), export)
        if let pinned, export.cursor != pinned {
            throw APIError(.gone, "snapshot_gone", "at=\(pinned): the feed moved on to \(export.cursor) while answering; start again from page 1 without `at`")
        }
        return export
    }
}
