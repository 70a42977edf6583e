import Foundation
import OCOPModel
import OCOPReplica

/// Where the national store keeps attachments' bytes: a directory of files named by their
/// SHA-256 (``OCOPReplica/AttachmentFiles``). For a SQLite store it is `STORE.files` beside the
/// store file, so `ocop attach --replica national.sqlite` and the daemon agree; daemons over
/// one PostgreSQL database must share it.
public struct NationalFileDirectory: Sendable {
    let files: AttachmentFiles

    public init(path: String) {
        files = AttachmentFiles(directory: URL(fileURLWithPath: path, isDirectory: true))
    }

    /// The directory's path.
    public var path: String { files.directory.path }

    /// The path of the file with this hash if it is here (whole: files are renamed into place).
    public func existingPath(of sha256: String) -> String? {
        files.contains(sha256) ? files.url(of: sha256).path : nil
    }

    /// The bytes of the file with this hash, checked against it.
    public func contents(of sha256: String) throws -> Data { try files.contents(of: sha256) }

    /// Where a copy made from the file with this hash (`variant`, e.g. `web.jpg`) is kept, made once.
    public func derivedPath(of sha256: String, variant: String) -> String {
        files.directory.appendingPathComponent("derived", isDirectory: true)
            .appendingPathComponent(String(sha256.prefix(2)), isDirectory: true)
            .appendingPathComponent("\(sha256)-\(variant)").path
    }

    /// Keeps a derived copy: written to a temporary name and renamed, so a reader never sees half.
    public func keepDerived(_ data: Data, of sha256: String, variant: String) throws {
        let url = URL(fileURLWithPath: derivedPath(of: sha256, variant: variant))
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url, options: .atomic)
    }

    /// Moves a whole, checked file into place under its hash (a rename: a reader never sees half).
    func keepWhole(_ file: URL, as sha256: String) throws {
        let destination = files.url(of: sha256)
        try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        if FileManager.default.fileExists(atPath: destination.path) {
            try FileManager.default.removeItem(at: file)
        } else {
            try FileManager.default.moveItem(at: file, to: destination)
            // The rename itself is durable only once its directory is flushed.
            let descriptor = open(destination.deletingLastPathComponent().path, O_RDONLY)
            if descriptor >= 0 {
                fsync(descriptor)
                close(descriptor)
            }
        }
    }

    /// Deletes the files no row refers to any more (`referenced`), and their derived copies.
    /// An upload in progress is kept: it resumes at the next sync.
    public func collect(keeping referenced: Set<String>) throws -> (files: Int, bytes: Int64) {
        let removed = try files.hashes().subtracting(referenced)
        let freed = try files.collect(keeping: referenced)
        let derived = files.directory.appendingPathComponent("derived", isDirectory: true)
        for sha256 in removed {
            let shard = derived.appendingPathComponent(String(sha256.prefix(2)), isDirectory: true)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: shard.path)) ?? [] where name.hasPrefix(sha256) {
                try? FileManager.default.removeItem(at: shard.appendingPathComponent(name))
            }
        }
        return freed
    }

    /// The size of the file with this hash, if it is here.
    public func size(of sha256: String) -> Int64? {
        guard let path = existingPath(of: sha256) else { return nil }
        return (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value
    }
}
