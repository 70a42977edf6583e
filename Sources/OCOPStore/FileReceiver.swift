import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NIOPosix
import OCOPModel
import OCOPReplica
import Synchronization

/// The national store's side of sending files (`Protocol/SPEC.md` §17): which offered files it
/// needs, and chunks appended durably until a file is whole and matches its SHA-256.
///
/// A file is accepted only if a row the account may write describes it (same hash and size),
/// within the province's quota. An upload in progress is kept in `FILES/partial/{sha256}`, so it
/// resumes after a crash or a restart; a whole file is flushed, checked against its hash and moved
/// into place under it, where the HTTP side serves it, before its ACK.
public final class FileReceiver: Sendable {
    /// Which rows describe files, and which a province has: the store's reads.
    let registry: any NationalReads
    let directory: NationalFileDirectory
    /// Largest total of a province's stored files, in bytes.
    public let quotaBytes: Int64
    /// Files being written by a connection, so two never append to one file at once.
    private let busy = Mutex(Set<String>())
    /// The running SHA-256 of each upload in progress and how many bytes it has taken.
    private let hashing = Mutex([String: (hasher: SHA256, hashed: UInt64)]())

    public init(registry: any NationalReads, directory: NationalFileDirectory, quotaBytes: Int64) {
        self.registry = registry
        self.directory = directory
        self.quotaBytes = quotaBytes
    }

    /// What the server says of one offered file.
    public enum State: Sendable, Equatable {
        case stored
        case wanted(received: UInt64)
        case refused(Refusal)
    }

    /// Why a file or a chunk is not taken.
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public enum Reason: UInt16, Sendable {
            case notReferenced = 1
            case quotaExceeded = 2
            case tooLarge = 3
            /// A chunk or file whose bytes do not match their hash, or another problem with one chunk.
            case damaged = 100
            /// Another connection is writing the same file.
            case busy = 101
        }
        public var reason: Reason
        public var description: String
    }

    /// The outcome of one chunk.
    public struct Acknowledgement: Sendable, Equatable {
        public var received: UInt64
        public var complete: Bool
        public init(received: UInt64, complete: Bool) {
            self.received = received
            self.complete = complete
        }
    }

    /// What a connection may keep of a file it was told to send: its declared types, so its
    /// chunks need not ask the store again (see ``receive(sha256:size:offset:data:dataSHA256:for:allowed:)``).
    public struct Allowance: Sendable, Equatable {
        public var size: UInt64
        public var types: Set<AttachmentMediaType>
    }

    /// The state of an offered file for `principal`.
    public func state(of sha256: String, size: UInt64, for principal: Principal) async throws -> State {
        try await stateAndAllowance(of: sha256, size: size, for: principal).state
    }

    /// The state of an offered file, and when it is wanted what its chunks are allowed.
    public func stateAndAllowance(of sha256: String, size: UInt64, for principal: Principal) async throws -> (state: State, allowance: Allowance?) {
        let rows = try await registry.attachments(withHash: sha256)
        if let refusal = try await refusal(sha256, size: size, principal: principal, rows: rows, newUpload: false) { return (.refused(refusal), nil) }
        let allowance = Allowance(size: size, types: Set(rows.map(\.mediaType)))
        return (try await stateAfterChecks(sha256, size: size, principal: principal, declared: allowance.types), allowance)
    }

    private func stateAfterChecks(_ sha256: String, size: UInt64, principal: Principal, declared: Set<AttachmentMediaType>) async throws -> State {
        if directory.existingPath(of: sha256) != nil { return .stored }
        var received = partialSize(sha256)
        if received >= size {
            // Every byte came but the file was not put in place (the daemon stopped between the
            // last chunk and its ACK): finish it now, or start again if it is not the file.
            let partial = partialURL(sha256)
            guard busy.withLock({ $0.insert(sha256).inserted }) else { return .wanted(received: received) }
            defer { _ = busy.withLock { $0.remove(sha256) } }
            let finished = try await NIOThreadPool.singleton.runIfActive { [directory] in
                guard Self.size(of: partial) == size else { return false }
                let handle = try FileHandle(forWritingTo: partial)
                try handle.synchronize()
                try handle.close()
                do {
                    try Self.finish(partial, as: sha256, hasher: try Self.hasher(of: partial), declared: declared, in: directory)
                    return true
                } catch is Refusal {
                    return false
                }
            }
            if finished { return .stored }
            try? FileManager.default.removeItem(at: partial)
            received = 0
        }
        if received == 0, let refusal = try await quotaRefusal(size: size, principal: principal) { return .refused(refusal) }
        return .wanted(received: received)
    }

    /// Appends a chunk at `offset` of the file: answers how much is kept, or throws a
    /// ``Refusal`` (nothing kept). A chunk not at the end of what is kept is ignored, and the
    /// answer says where to continue.
    ///
    /// - Parameter allowed: what the answer to this connection's FILE_OFFER allowed; nil asks the
    ///   store (a chunk with no offer before it).
    public func receive(sha256: String, size: UInt64, offset: UInt64, data: [UInt8], dataSHA256: [UInt8],
                        for principal: Principal, allowed: Allowance? = nil) async throws -> Acknowledgement {
        let declared: Set<AttachmentMediaType>
        if let allowed, allowed.size == size {
            declared = allowed.types
            // Several files offered at once each fit the quota alone: a new file is measured again.
            if offset == 0, partialSize(sha256) == 0, directory.existingPath(of: sha256) == nil,
               let refusal = try await quotaRefusal(size: size, principal: principal) {
                throw refusal
            }
        } else {
            let rows = try await registry.attachments(withHash: sha256)
            if let refusal = try await refusal(sha256, size: size, principal: principal, rows: rows, newUpload: offset == 0) { throw refusal }
            declared = Set(rows.map(\.mediaType))
        }
        guard busy.withLock({ $0.insert(sha256).inserted }) else {
            throw Refusal(reason: .busy, description: "another connection is sending this file; it is sent at a later sync")
        }
        defer { _ = busy.withLock { $0.remove(sha256) } }
        let directory = self.directory
        let partial = partialURL(sha256)
        if directory.existingPath(of: sha256) != nil { return Acknowledgement(received: size, complete: true) }
        let kept = Self.size(of: partial)
        guard offset == kept else { return Acknowledgement(received: kept, complete: false) }
        // The whole file's hash, kept as the chunks come (after a restart, from the bytes kept).
        let running = hashing.withLock { $0.removeValue(forKey: sha256) }.flatMap { $0.hashed == kept ? $0.hasher : nil }
        let before: SHA256
        if let running { before = running } else { before = try await NIOThreadPool.singleton.runIfActive { try Self.hasher(of: partial) } }
        // The chunk is checked against its own hash while the file's hash takes it, on another
        // core: the two passes over the bytes are most of what a chunk costs the server.
        async let chunkMatches = Array(SHA256.hash(data: data)) == dataSHA256
        var updated = before
        updated.update(data: data)
        let hasher = updated
        guard await chunkMatches else {
            hashing.withLock { $0[sha256] = (before, kept) }
            throw Refusal(reason: .damaged, description: "the chunk at \(offset) does not match its SHA-256 (damaged in transit): send it again")
        }
        let received = kept + UInt64(data.count)
        return try await NIOThreadPool.singleton.runIfActive {
            try FileManager.default.createDirectory(at: partial.deletingLastPathComponent(), withIntermediateDirectories: true)
            if kept == 0 { _ = FileManager.default.createFile(atPath: partial.path, contents: nil) }
            let handle = try FileHandle(forWritingTo: partial)
            try handle.seekToEnd()
            try handle.write(contentsOf: data)
            guard received == size else {
                // Not flushed: a crash may cost the end of an incomplete file, which FILE_WANT then
                // reports and the client sends again; a complete file is flushed before its ACK.
                // Its write-back starts now, so that flush mostly finds the bytes on disk already.
                Self.startWriteBack(handle, from: kept, count: data.count)
                try handle.close()
                self.hashing.withLock { $0[sha256] = (hasher, received) }
                return Acknowledgement(received: received, complete: false)
            }
            try handle.synchronize()
            try handle.close()
            try Self.finish(partial, as: sha256, hasher: hasher, declared: declared, in: directory)
            return Acknowledgement(received: size, complete: true)
        }
    }

    /// Checks a whole, flushed upload against its hash and its row's types, and puts it in place
    /// under its hash; a file that fails either is deleted and refused.
    private static func finish(_ partial: URL, as sha256: String, hasher: SHA256, declared: Set<AttachmentMediaType>,
                               in directory: NationalFileDirectory) throws {
        guard hasher.finalize().map({ String(format: "%02x", $0) }).joined() == sha256 else {
            try? FileManager.default.removeItem(at: partial)
            throw Refusal(reason: .damaged, description: "the file's bytes do not match its SHA-256; send it again from the start")
        }
        // The row says what the file is; the bytes must agree (a page of HTML is never served as a photo).
        let sniffed = AttachmentMediaType.sniff(try prefix(of: partial))
        guard let sniffed, declared.contains(sniffed) else {
            try? FileManager.default.removeItem(at: partial)
            throw Refusal(reason: .damaged,
                          description: "the file's bytes are \(sniffed?.rawValue ?? "not a JPEG, PNG, WebP or PDF"), not the \(declared.map(\.rawValue).sorted().joined(separator: " or ")) its row says")
        }
        try directory.keepWhole(partial, as: sha256)
    }

    /// Asks the kernel to start writing these bytes to disk without waiting for them, so the
    /// file's one flush has little left to do. On Linux, `POSIX_FADV_DONTNEED` starts write-back
    /// of the range's dirty pages (the page cache need not keep them: the server reads a file
    /// again only to serve it).
    private static func startWriteBack(_ handle: FileHandle, from offset: UInt64, count: Int) {
        #if os(Linux)
        _ = posix_fadvise(handle.fileDescriptor, off_t(offset), off_t(count), POSIX_FADV_DONTNEED)
        #endif
    }

    /// Why `principal` may not send this file, or nil: a row it may write must describe the
    /// file with this size; a new upload must fit the province's quota.
    private func refusal(_ sha256: String, size: UInt64, principal: Principal, rows: [FileAttachment]? = nil,
                         newUpload: Bool) async throws -> Refusal? {
        let given = rows
        guard FileAttachment.isSHA256(sha256) else { return Refusal(reason: .notReferenced, description: "not a SHA-256") }
        guard size <= UInt64(FileAttachment.maximumBytes) else {
            return Refusal(reason: .tooLarge, description: "\(size) bytes is over the 32 MiB a file may be")
        }
        let rows: [FileAttachment]
        if let given { rows = given } else { rows = try await registry.attachments(withHash: sha256) }
        let allowed = rows.contains { row in
            row.byteCount == Int64(size) && (principal.role == .central || row.tenantID == principal.tenantID)
        }
        guard allowed else {
            return Refusal(reason: .notReferenced,
                           description: "no attachment row of this account describes a file with this SHA-256 and \(size) bytes; push the row first")
        }
        if newUpload, directory.existingPath(of: sha256) == nil, partialSize(sha256) == 0 {
            return try await quotaRefusal(size: size, principal: principal)
        }
        return nil
    }

    /// A province whose stored files and this one would pass its quota.
    private func quotaRefusal(size: UInt64, principal: Principal) async throws -> Refusal? {
        guard principal.role != .central, let tenant = principal.tenantID else { return nil }
        var stored: Int64 = 0
        for file in try await registry.attachmentFiles(ofTenant: tenant) where directory.existingPath(of: file.sha256) != nil {
            stored += file.bytes
        }
        guard stored + Int64(size) > quotaBytes else { return nil }
        return Refusal(reason: .quotaExceeded,
                       description: "the province's files would take \(stored + Int64(size)) bytes, over its quota of \(quotaBytes) bytes (limits.attachmentMegabytesPerProvince)")
    }

    private func partialURL(_ sha256: String) -> URL {
        URL(fileURLWithPath: directory.path, isDirectory: true).appendingPathComponent("partial", isDirectory: true).appendingPathComponent(sha256)
    }

    private func partialSize(_ sha256: String) -> UInt64 { Self.size(of: partialURL(sha256)) }

    private static func size(of url: URL) -> UInt64 {
        ((try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.uint64Value) ?? 0
    }

    private static func prefix(of url: URL) throws -> [UInt8] {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        return [UInt8](try handle.read(upToCount: AttachmentMediaType.sniffLength) ?? Data())
    }

    /// A SHA-256 that has taken the bytes of the file at `url` (none if it is missing).
    private static func hasher(of url: URL) throws -> SHA256 {
        var hasher = SHA256()
        guard let handle = try? FileHandle(forReadingFrom: url) else { return hasher }
        defer { try? handle.close() }
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hasher
    }
}
