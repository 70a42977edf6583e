import Crypto
import Foundation
import OCOPModel

/// The bytes of attachments, kept on disk beside the rows that describe them, one file per
/// SHA-256: a photo several rows use is kept once.
///
/// A file is written to a temporary name, flushed to disk and renamed into place, so a crash
/// never leaves a partial file under a hash's name: whatever is found under a name has that hash.
public struct AttachmentFiles: Sendable {
    /// The directory that holds the files (`ab/abcd…`, by the hash's first two digits).
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    /// The files of the replica at `path`: the directory `PATH.files` next to it.
    public static func beside(replicaAt path: String) -> AttachmentFiles {
        AttachmentFiles(directory: URL(fileURLWithPath: path + ".files", isDirectory: true))
    }

    /// A file as it was stored.
    public struct StoredFile: Sendable, Hashable {
        public var sha256: String
        public var mediaType: AttachmentMediaType
        public var byteCount: Int64
    }

    /// Where the file with this hash is (or would be) kept.
    public func url(of sha256: String) -> URL {
        directory.appendingPathComponent(String(sha256.prefix(2)), isDirectory: true).appendingPathComponent(sha256)
    }

    /// Whether the file with this hash is kept here.
    public func contains(_ sha256: String) -> Bool {
        FileAttachment.isSHA256(sha256) && FileManager.default.fileExists(atPath: url(of: sha256).path)
    }

    /// The bytes of the file with this hash, checked against it.
    public func contents(of sha256: String) throws -> Data {
        let url = url(of: sha256)
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw AttachmentFileError.unreadable(url.path, "cannot be read (\(error.localizedDescription))")
        }
        guard Self.sha256Hex(data) == sha256 else { throw AttachmentFileError.damaged(url.path) }
        return data
    }

    /// The SHA-256 of `data` in lower-case hex.
    public static func sha256Hex(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// Copies the file at `source` in, checking its type from its bytes and its size against
    /// ``OCOPModel/Attachment/maximumBytes``. Adding a file already kept changes nothing.
    public func add(contentsOf source: URL) throws -> StoredFile {
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: source) } catch {
            throw AttachmentFileError.unreadable(source.path, "cannot be opened (\(error.localizedDescription))")
        }
        defer { try? handle.close() }
        return try add(from: { try handle.read(upToCount: 1 << 20) ?? Data() }, named: source.path)
    }

    /// Stores `data` (as ``add(contentsOf:)`` does; `name` is what errors call it).
    public func add(_ data: Data, named name: String) throws -> StoredFile {
        var offset = 0
        return try add(from: {
            let end = min(offset + (1 << 20), data.count)
            defer { offset = end }
            return data.subdata(in: offset..<end)
        }, named: name)
    }

    private func add(from nextChunk: () throws -> Data, named name: String) throws -> StoredFile {
        let temporaryDirectory = directory.appendingPathComponent("incoming", isDirectory: true)
        try createDirectory(temporaryDirectory)
        let temporary = temporaryDirectory.appendingPathComponent(UUID().uuidString)
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
              let output = try? FileHandle(forWritingTo: temporary) else {
            throw AttachmentFileError.io("cannot write in \(temporaryDirectory.path)")
        }
        var keepTemporary = false
        defer {
            try? output.close()
            if !keepTemporary { try? FileManager.default.removeItem(at: temporary) }
        }
        var hasher = SHA256()
        var byteCount: Int64 = 0
        var prefix: [UInt8] = []
        while true {
            let chunk: Data
            do { chunk = try nextChunk() } catch {
                throw AttachmentFileError.unreadable(name, "could not be read to the end (\(error.localizedDescription))")
            }
            if chunk.isEmpty { break }
            byteCount += Int64(chunk.count)
            guard byteCount <= FileAttachment.maximumBytes else {
                throw AttachmentFileError.tooLarge(name, limit: FileAttachment.maximumBytes)
            }
            if prefix.count < AttachmentMediaType.sniffLength { prefix += chunk.prefix(AttachmentMediaType.sniffLength - prefix.count) }
            hasher.update(data: chunk)
            do { try output.write(contentsOf: chunk) } catch {
                throw AttachmentFileError.io("cannot write \(name) into \(directory.path): \(error.localizedDescription)")
            }
        }
        guard byteCount > 0 else { throw AttachmentFileError.empty(name) }
        guard let mediaType = AttachmentMediaType.sniff(prefix) else { throw AttachmentFileError.notAcceptedType(name) }
        let sha256 = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        let destination = url(of: sha256)
        if !FileManager.default.fileExists(atPath: destination.path) {
            do {
                try output.synchronize()
                try createDirectory(destination.deletingLastPathComponent())
                try FileManager.default.moveItem(at: temporary, to: destination)
                keepTemporary = true
            } catch {
                throw AttachmentFileError.io("cannot keep \(name) in \(directory.path): \(error.localizedDescription)")
            }
        }
        return StoredFile(sha256: sha256, mediaType: mediaType, byteCount: byteCount)
    }

    /// The hashes of every file kept here.
    public func hashes() throws -> Set<String> {
        var found = Set<String>()
        guard let shards = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return found }
        for shard in shards where shard.count == 2 {
            let names = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent(shard).path)
            found.formUnion(names.filter { FileAttachment.isSHA256($0) && $0.hasPrefix(shard) })
        }
        return found
    }

    /// Deletes every kept file whose hash is not in `referenced` (no row uses it any more), and
    /// what an interrupted copy left behind. Returns how many files and bytes were freed.
    @discardableResult
    public func collect(keeping referenced: Set<String>) throws -> (files: Int, bytes: Int64) {
        var files = 0
        var bytes: Int64 = 0
        for sha256 in try hashes().subtracting(referenced) {
            let url = url(of: sha256)
            let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.int64Value ?? 0
            try FileManager.default.removeItem(at: url)
            files += 1
            bytes += size
        }
        // Copies interrupted by a crash; a copy still running (another process) is minutes old at most.
        let incoming = directory.appendingPathComponent("incoming", isDirectory: true)
        let stale = Date().addingTimeInterval(-3600)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: incoming.path)) ?? [] {
            let url = incoming.appendingPathComponent(name)
            if let modified = try? FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date, modified < stale {
                try? FileManager.default.removeItem(at: url)
            }
        }
        return (files, bytes)
    }

    private func createDirectory(_ url: URL) throws {
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw AttachmentFileError.io("cannot create \(url.path): \(error.localizedDescription)")
        }
    }
}

/// Why a file could not be attached.
public enum AttachmentFileError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(String, String)
    case empty(String)
    case tooLarge(String, limit: Int64)
    case notAcceptedType(String)
    case io(String)
    /// A kept file whose bytes no longer match its name's hash.
    case damaged(String)

    public var description: String {
        switch self {
        case .unreadable(let name, let reason): return "\(name) \(reason)"
        case .empty(let name): return "\(name) is empty"
        case .tooLarge(let name, let limit): return "\(name) is larger than \(limit / (1024 * 1024)) MiB, the largest file an attachment may be"
        case .notAcceptedType(let name):
            return "\(name) is not a JPEG, PNG, WebP or PDF file (judged by its contents, not its name)"
        case .io(let message): return message
        case .damaged(let path): return "\(path) does not match its SHA-256: the disk is damaged; restore it from a backup"
        }
    }
}
