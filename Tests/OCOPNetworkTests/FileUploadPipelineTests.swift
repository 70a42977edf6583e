import Crypto
import Foundation
import OCOPReplica
import OCOPWire
import Testing

@testable import OCOPNetwork

/// The client's chunk pipeline (SPEC §17): several chunks in flight across files, following each
/// answer's `received` when the server has another length, and sending a damaged chunk again.
/// A scripted server stands in for the daemon, so each fault lands exactly where the test says.
@Suite("File upload pipeline")
struct FileUploadPipelineTests {
    /// A server that keeps each file's bytes as FileReceiver does: a chunk not at the end of what
    /// is kept is ignored and answered with what is kept.
    final class ScriptedServer: FileChunkChannel {
        var kept: [[UInt8]: [UInt8]] = [:]
        var sizes: [[UInt8]: UInt64] = [:]
        var answers: [WireConnection.ChunkAnswer] = []
        var inFlight = 0
        var mostInFlight = 0
        var chunksReceived = 0
        /// Chunks (file, offset) damaged in transit, as many times as listed.
        var damage: [(file: [UInt8], offset: UInt64)] = []
        /// Bytes another sender adds to a file just before the chunk at this (file, offset) arrives.
        var racer: (file: [UInt8], offset: UInt64, bytes: [UInt8])?

        func write(_ chunk: FileChunk) async throws {
            inFlight += 1
            mostInFlight = max(mostInFlight, inFlight)
            chunksReceived += 1
            #expect(Array(SHA256.hash(data: chunk.data)) == chunk.dataSHA256)
            sizes[chunk.sha256] = chunk.size
            var file = kept[chunk.sha256] ?? []
            if let racer, racer.file == chunk.sha256, racer.offset == chunk.offset {
                file += racer.bytes
                self.racer = nil
            }
            if let index = damage.firstIndex(where: { $0.file == chunk.sha256 && $0.offset == chunk.offset }) {
                damage.remove(at: index)
                answers.append(.refused("the chunk at \(chunk.offset) does not match its SHA-256 (damaged in transit): send it again"))
                kept[chunk.sha256] = file
                return
            }
            if UInt64(file.count) == chunk.offset { file += chunk.data }
            kept[chunk.sha256] = file
            answers.append(.ack(FileAck(sha256: chunk.sha256, received: UInt64(file.count), complete: UInt64(file.count) == chunk.size)))
        }

        func chunkAnswer(for sha256: [UInt8]) async throws -> WireConnection.ChunkAnswer {
            inFlight -= 1
            return answers.removeFirst()
        }
    }

    /// Files of these sizes (random bytes that start as a JPEG), kept in a scratch directory.
    static func files(_ sizes: [Int]) throws -> (AttachmentFiles, [(sha256: String, bytes: Data)]) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-pipeline-\(UUID().uuidString)")
        let files = AttachmentFiles(directory: directory)
        var kept: [(sha256: String, bytes: Data)] = []
        for size in sizes {
            let words = (0...(size / 8)).map { _ in UInt64.random(in: .min ... .max) }
            var bytes = words.withUnsafeBytes { Data($0.prefix(size)) }
            bytes.replaceSubrange(0..<4, with: [0xFF, 0xD8, 0xFF, 0xE0])
            kept.append((try files.add(bytes, named: "photo.jpg").sha256, bytes))
        }
        return (files, kept)
    }

    static func send(_ kept: [(sha256: String, bytes: Data)], from offsets: [UInt64]? = nil, files: AttachmentFiles,
                     to server: ScriptedServer) async throws -> [String: String] {
        var outcomes: [String: String] = [:]
        let wanted = kept.enumerated().map { index, file in (sha256: file.sha256, size: Int64(file.bytes.count), from: offsets?[index] ?? 0) }
        try await FileUpload.send(wanted, files: files, over: server) { sha256, _, outcome in
            switch outcome {
            case .stored: outcomes[sha256] = "stored"
            case .refused(let message): outcomes[sha256] = message
            }
        }
        return outcomes
    }

    @Test("chunks stay in flight across files, and every file arrives whole")
    func windowSpansFiles() async throws {
        let (files, kept) = try Self.files([300_000, 2_500_000, 5, 1 << 20, (1 << 20) + 1])
        defer { try? FileManager.default.removeItem(at: files.directory) }
        let server = ScriptedServer()
        let outcomes = try await Self.send(kept, files: files, to: server)
        for file in kept {
            #expect(outcomes[file.sha256] == "stored")
            #expect(server.kept[FileUpload.bytes(file.sha256)] == [UInt8](file.bytes))
        }
        #expect(server.mostInFlight == FileUpload.window, "the window is full across files")
        #expect(server.chunksReceived == 1 + 3 + 1 + 1 + 2, "no chunk sent twice")
    }

    @Test("a chunk damaged in transit is sent again once, in the middle of other files' chunks")
    func damagedChunkIsSentAgain() async throws {
        let (files, kept) = try Self.files([1_500_000, 2_500_000, 700_000])
        defer { try? FileManager.default.removeItem(at: files.directory) }
        let server = ScriptedServer()
        server.damage = [(FileUpload.bytes(kept[1].sha256), 1 << 20)]
        let outcomes = try await Self.send(kept, files: files, to: server)
        for file in kept {
            #expect(outcomes[file.sha256] == "stored")
            #expect(server.kept[FileUpload.bytes(file.sha256)] == [UInt8](file.bytes))
        }
    }

    @Test("a chunk damaged twice refuses its file only; the others are stored")
    func damagedTwiceRefusesThatFile() async throws {
        let (files, kept) = try Self.files([1_500_000, 2_500_000, 700_000])
        defer { try? FileManager.default.removeItem(at: files.directory) }
        let server = ScriptedServer()
        let damaged = FileUpload.bytes(kept[1].sha256)
        server.damage = [(damaged, 1 << 20), (damaged, 1 << 20)]
        let outcomes = try await Self.send(kept, files: files, to: server)
        #expect(outcomes[kept[0].sha256] == "stored")
        #expect(outcomes[kept[2].sha256] == "stored")
        #expect(outcomes[kept[1].sha256]?.contains("damaged in transit") == true, "\(outcomes)")
        #expect(server.answers.isEmpty, "every answer was read")
    }

    @Test("the server holding more of a file than offered (another sender): the client goes on from there")
    func followsTheServersLength() async throws {
        let (files, kept) = try Self.files([3_500_000, 1_200_000])
        defer { try? FileManager.default.removeItem(at: files.directory) }
        let server = ScriptedServer()
        let first = FileUpload.bytes(kept[0].sha256)
        // Resumed from 1 MiB; just before its first chunk arrives another sender adds 500 kB, so
        // that chunk and the two behind it are ignored and answered with 1.5 MB.
        server.kept[first] = [UInt8](kept[0].bytes.prefix(1 << 20))
        server.racer = (first, 1 << 20, [UInt8](kept[0].bytes[(1 << 20)..<((1 << 20) + 500_000)]))
        let outcomes = try await Self.send(kept, from: [1 << 20, 0], files: files, to: server)
        #expect(outcomes[kept[0].sha256] == "stored" && outcomes[kept[1].sha256] == "stored", "\(outcomes)")
        #expect(server.kept[first] == [UInt8](kept[0].bytes))
        #expect(server.answers.isEmpty, "every answer was read")
    }

    @Test("a file shorter here than its row says is refused; the files after it still go")
    func shortFileIsRefused() async throws {
        let (files, kept) = try Self.files([600_000, 400_000])
        defer { try? FileManager.default.removeItem(at: files.directory) }
        let server = ScriptedServer()
        var lying = kept
        lying[0].bytes.append(contentsOf: [0, 0, 0])
        let outcomes = try await Self.send(lying, files: files, to: server)
        #expect(outcomes[kept[0].sha256]?.contains("shorter than its row says") == true, "\(outcomes)")
        #expect(outcomes[kept[1].sha256] == "stored")
    }
}
