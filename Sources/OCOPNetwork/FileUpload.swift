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

/// Where file chunks go and their answers come from: the connection, or a test's stand-in.
protocol FileChunkChannel {
    /// Sends a FILE_CHUNK without waiting for its answer.
    func write(_ chunk: FileChunk) async throws
    /// The answer to the oldest chunk in flight.
    func chunkAnswer(for sha256: [UInt8]) async throws -> WireConnection.ChunkAnswer
}

extension WireConnection: FileChunkChannel {}

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
                var wanted: [(sha256: String, size: Int64, from: UInt64)] = []
                for (file, answer) in zip(group, want.files) {
                    switch answer.state {
                    case .stored:
                        report.alreadyStored += 1
                        settled.insert(file.sha256)
                    case .refused(_, let message):
                        remember("\(file.sha256.prefix(12))…: \(message)")
                    case .wanted(let received):
                        wanted.append((file.sha256, file.bytes, received))
                    }
                }
                try await send(wanted, files: files, over: connection) { sha256, bytes, outcome in
                    switch outcome {
                    case .stored:
                        report.sent += 1
                        report.bytesSent += bytes
                        tally.files += 1
                        tally.bytes += bytes
                        settled.insert(sha256)
                    case .refused(let message):
                        remember("\(sha256.prefix(12))…: \(message)")
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
    /// the server writes the last (SPEC §17 allows up to 8). The window runs across files, so the
    /// server's flush of a whole file overlaps the reading of the next.
    static let window = 4

    /// One wanted file being sent.
    private struct Upload {
        let sha256: String
        let hash: [UInt8]
        let total: UInt64
        /// Where the server's copy stood when the file was offered.
        let offered: UInt64
        var next: UInt64
        var handle: FileHandle?
        /// Bumped when the sender starts again from another offset: answers to chunks sent
        /// before say nothing about the ones sent after.
        var generation = 0
        var stalls = 0
        var retries = 0
        var outcome: Outcome?
    }

    /// Sends the wanted files from where the server's copies stop, a few chunks in flight across
    /// files, following each answer's `received`; a chunk damaged in transit is sent again once.
    /// `settled` hears each file's outcome as soon as it is known.
    static func send(_ wanted: [(sha256: String, size: Int64, from: UInt64)], files: AttachmentFiles,
                     over connection: some FileChunkChannel, settled: (String, Int64, Outcome) -> Void) async throws {
        var uploads = wanted.map {
            Upload(sha256: $0.sha256, hash: bytes($0.sha256), total: UInt64($0.size), offered: $0.from, next: $0.from)
        }
        defer { for upload in uploads { try? upload.handle?.close() } }
        var inFlight: [(upload: Int, start: UInt64, end: UInt64, generation: Int)] = []
        func settle(_ index: Int, _ outcome: Outcome) {
            guard uploads[index].outcome == nil else { return }
            uploads[index].outcome = outcome
            try? uploads[index].handle?.close()
            uploads[index].handle = nil
            settled(uploads[index].sha256, Int64(uploads[index].total), outcome)
        }
        while true {
            while inFlight.count < window,
                  let index = uploads.firstIndex(where: { $0.outcome == nil && $0.next < $0.total }) {
                if uploads[index].handle == nil {
                    do { uploads[index].handle = try FileHandle(forReadingFrom: files.url(of: uploads[index].sha256)) } catch {
                        settle(index, .refused("the file cannot be read on this machine: \(error.localizedDescription)"))
                        continue
                    }
                }
                let start = uploads[index].next
                try uploads[index].handle?.seek(toOffset: start)
                let data = [UInt8](try uploads[index].handle?.read(upToCount: chunkSize) ?? Data())
                guard !data.isEmpty else {
                    settle(index, .refused("the file on this machine is shorter than its row says; attach it again"))
                    continue
                }
                let upload = uploads[index]
                try await connection.write(FileChunk(sha256: upload.hash, size: upload.total, offset: start, data: data,
                                                     dataSHA256: Array(SHA256.hash(data: data))))
                let end = start + UInt64(data.count)
                inFlight.append((index, start, end, upload.generation))
                uploads[index].next = end
            }
            guard !inFlight.isEmpty else { break }
            let chunk = inFlight.removeFirst()
            let answer = try await connection.chunkAnswer(for: uploads[chunk.upload].hash)
            let upload = uploads[chunk.upload]
            // Once a file is settled, the answers still to come for it are read and let go.
            guard upload.outcome == nil else { continue }
            switch answer {
            case .ack(let ack):
                if ack.complete { settle(chunk.upload, .stored); continue }
                guard ack.received <= upload.total else { settle(chunk.upload, .refused("the server answers past the file's end")); continue }
                guard chunk.generation == upload.generation, ack.received != chunk.end else { continue }
                // The server has another length (a lost answer, a crash, another sender): the
                // chunks in flight are ignored by it; go on from what it has.
                uploads[chunk.upload].stalls += ack.received <= upload.offered ? 1 : 0
                guard uploads[chunk.upload].stalls < 3 else {
                    settle(chunk.upload, .refused("the server does not take the file's bytes; sent again at the next sync"))
                    continue
                }
                uploads[chunk.upload].next = ack.received
                uploads[chunk.upload].generation += 1
            case .refused(let message):
                guard chunk.generation == upload.generation else { continue }
                uploads[chunk.upload].retries += 1
                guard upload.retries < 1, message.contains("damaged in transit") else { settle(chunk.upload, .refused(message)); continue }
                // Send again from the refused chunk: the server ignores the ones after it.
                uploads[chunk.upload].next = chunk.start
                uploads[chunk.upload].generation += 1
            }
        }
        for index in uploads.indices { settle(index, .refused("the file's bytes ended before the server had it whole")) }
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
