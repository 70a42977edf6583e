import Crypto
import Foundation
import OCOPModel
import OCOPReplica
import OCOPWire

/// What one sync did with attachments' files (SPEC §17).
public struct FileUploadReport: Sendable, Equatable {
    /// Files the server stored whole during this sync, and their bytes.
    public var sent = 0
    public var bytesSent: Int64 = 0
    /// Files the server already had: only their hash crossed the wire.
    public var alreadyStored = 0
    /// Files still to send (refused for now, interrupted, or a server without files), and their bytes.
    public var pending = 0
    public var pendingBytes: Int64 = 0
    /// Files the server refused, with its reason (the first few).
    public var refusals: [String] = []
    /// Files described by rows whose bytes are on another machine.
    public var elsewhere = 0
}

/// Sends this replica's attachments' files after its rows: offers them in groups of 256, then
/// sends each wanted file in 1 MiB chunks from where the server's copy stops.
enum FileUpload {
    static let chunkSize = 1 << 20
    static let offerSize = 256

    /// The files this replica may send: its own province's (all, for the central office), each
    /// once, kept here with the size their row says (a file of another size is damaged here, and
    /// counts as elsewhere: the machine that attached it, or a backup, has it).
    static func candidates(_ replica: Replica, files: AttachmentFiles) throws -> (here: [(sha256: String, bytes: Int64)], elsewhere: Int) {
        var seen = Set<String>()
        var here: [(sha256: String, bytes: Int64)] = []
        var elsewhere = 0
        for attachment in try replica.fetchAll(FileAttachment.self)
        where replica.tenantID == nil || attachment.tenantID == replica.tenantID {
            guard seen.insert(attachment.sha256).inserted else { continue }
            let size = (try? FileManager.default.attributesOfItem(atPath: files.url(of: attachment.sha256).path)[.size] as? NSNumber)?.int64Value
            if files.contains(attachment.sha256), size == attachment.byteCount {
                here.append((attachment.sha256, attachment.byteCount))
            } else {
                elsewhere += 1
            }
        }
        return (here.sorted { $0.sha256 < $1.sha256 }, elsewhere)
    }

    static func run(_ replica: Replica, files: AttachmentFiles, over connection: WireConnection,
                    tally: FileTally = FileTally()) async throws -> FileUploadReport {
        let (here, elsewhere) = try candidates(replica, files: files)
        var report = FileUploadReport(elsewhere: elsewhere)
        func remember(_ refusal: String) { if report.refusals.count < 10 { report.refusals.append(refusal) } }
        var settled = Set<String>()
        do {
            var start = 0
            while start < here.count {
                let group = Array(here[start..<min(start + offerSize, here.count)])
                start += group.count
                let want = try await connection.offer(FileOffer(files: group.map { FileOffer.File(sha256: bytes($0.sha256), size: UInt64($0.bytes)) }))
                for (file, answer) in zip(group, want.files) {
                    switch answer.state {
                    case .stored:
                        report.alreadyStored += 1
                        settled.insert(file.sha256)
                    case .refused(_, let message):
                        remember("\(file.sha256.prefix(12))…: \(message)")
                    case .wanted(let received):
                        switch try await send(file.sha256, size: file.bytes, from: received, files: files, over: connection) {
                        case .stored:
                            report.sent += 1
                            report.bytesSent += file.bytes
                            tally.files += 1
                            tally.bytes += file.bytes
                            settled.insert(file.sha256)
                        case .refused(let message):
                            remember("\(file.sha256.prefix(12))…: \(message)")
                        }
                    }
                }
            }
        } catch let error as SyncClientError where error.serverPredatesFiles {
            throw error
        } catch {
            // The rows are synced already: a file phase cut short (the server busy or restarting,
            // the line dropped) leaves the rest for the next sync, without failing this one.
            remember("the connection ended while sending files (\(error)); the rest go at the next sync")
        }
        for file in here where !settled.contains(file.sha256) {
            report.pending += 1
            report.pendingBytes += file.bytes
        }
        return report
    }

    enum Outcome { case stored, refused(String) }

    /// Chunks sent before their answers are read: the client reads and hashes the next ones while
    /// the server writes the last (SPEC §17 allows up to 8).
    static let window = 4

    /// Sends one file from `offset`, a few chunks in flight, following the server's `received`;
    /// a chunk damaged in transit is sent again once.
    static func send(_ sha256: String, size: Int64, from offset: UInt64, files: AttachmentFiles,
                     over connection: WireConnection) async throws -> Outcome {
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: files.url(of: sha256)) } catch {
            return .refused("the file cannot be read on this machine: \(error.localizedDescription)")
        }
        defer { try? handle.close() }
        let hash = bytes(sha256)
        let total = UInt64(size)
        var next = offset
        var inFlight: [(start: UInt64, end: UInt64)] = []
        var stalls = 0
        var retries = 0
        var outcome: Outcome?
        while outcome == nil || !inFlight.isEmpty {
            while outcome == nil, inFlight.count < window, next < total {
                try handle.seek(toOffset: next)
                let data = [UInt8](try handle.read(upToCount: chunkSize) ?? Data())
                guard !data.isEmpty else { outcome = .refused("the file on this machine is shorter than its row says; attach it again"); break }
                try await connection.write(FileChunk(sha256: hash, size: total, offset: next, data: data, dataSHA256: Array(SHA256.hash(data: data))))
                inFlight.append((next, next + UInt64(data.count)))
                next += UInt64(data.count)
            }
            guard !inFlight.isEmpty else { break }
            let chunk = inFlight.removeFirst()
            let answer = try await connection.chunkAnswer(for: hash)
            // Once the file is settled, the answers still to come are read and let go.
            guard outcome == nil else { continue }
            switch answer {
            case .ack(let ack):
                if ack.complete { outcome = .stored; continue }
                guard ack.received <= total else { outcome = .refused("the server answers past the file's end"); continue }
                if ack.received != chunk.end {
                    // The server has another length (a lost answer, a crash, another sender):
                    // the chunks in flight are ignored; go on from what it has.
                    stalls += ack.received <= offset ? 1 : 0
                    guard stalls < 3 else { outcome = .refused("the server does not take the file's bytes; sent again at the next sync"); continue }
                    next = ack.received
                    while !inFlight.isEmpty {
                        inFlight.removeFirst()
                        if case .ack(let later) = try await connection.chunkAnswer(for: hash), later.complete { outcome = .stored }
                    }
                }
            case .refused(let message):
                retries += 1
                guard retries <= 1, message.contains("damaged in transit") else { outcome = .refused(message); continue }
                // Send again from the refused chunk: the ones after it were ignored.
                while !inFlight.isEmpty {
                    inFlight.removeFirst()
                    _ = try await connection.chunkAnswer(for: hash)
                }
                next = chunk.start
            }
        }
        return outcome ?? .refused("the file's bytes ended before the server had it whole")
    }

    static func bytes(_ hex: String) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(hex.utf8.count / 2)
        var high: UInt8?
        for character in hex.utf8 {
            let value: UInt8 = character <= 0x39 ? character - 0x30 : character - 0x57
            if let first = high { result.append(first << 4 | value); high = nil } else { high = value }
        }
        return result
    }
}
