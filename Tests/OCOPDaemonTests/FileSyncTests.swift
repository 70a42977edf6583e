import Foundation
import Logging
import OCOPModel
import OCOPNetwork
import OCOPReplica
import OCOPStore
import OCOPTestSupport
import Testing

/// Attachments' files sent to a real `ocop-syncd` after the rows (SPEC §17): resumed where an
/// interruption left them, kept once, refused when no row or the quota allows them.
@Suite("Files to the national store", .serialized)
struct FileSyncTests {
    /// A province replica in a directory of its own (files live beside it), with the producer
    /// the daemon seeded.
    struct Province {
        let participant: Participant
        let directory: URL
        let files: AttachmentFiles
        let product: Product
        var replica: Replica { participant.replica }

        func sync(_ daemon: DaemonProcess) async throws -> SyncSummary {
            var configuration = SyncClientConfiguration(host: "127.0.0.1", port: daemon.port, user: participant.user, secret: participant.secret)
            configuration.responseTimeoutSeconds = 900
            configuration.files = files
            return try await SyncClient.sync(replica, configuration: configuration, logger: Logger(label: "test.files"))
        }

        /// Keeps `data` and saves a row describing it as a photo (or `role`) of the product.
        func attach(_ data: Data, role: FileAttachment.Role = .photo) throws -> FileAttachment {
            let stored = try files.add(data, named: "test file")
            let row = FileAttachment(tenantID: product.tenantID, ownerTable: "products", ownerID: product.id, role: role,
                                     sha256: stored.sha256, mediaType: stored.mediaType, byteCount: stored.byteCount,
                                     recordedOn: LocalDate(Date()), recordedBy: "Nguyễn Thị Lan")
            try replica.save(row)
            return row
        }
    }

    static func province(_ daemon: DaemonProcess, code: String = "01", name: String = "Hà Nội") async throws -> Province {
        let seeded = try daemon.addProvince(code: code, name: name)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("province.ocop").path
        let replica = try Replica.create(at: path, role: .province, tenantID: seeded.tenant)
        let participant = Participant(name: name, replica: replica, user: seeded.user, secret: seeded.secret, tenant: seeded.tenant)
        _ = try await participant.sync(daemon)
        let producer = try #require(try replica.fetchAll(Producer.self).first)
        let product = Product(tenantID: producer.tenantID, producerID: producer.id, classificationCode: "1.2.b", nameVi: "Mật ong bạc hà")
        try replica.save(product)
        return Province(participant: participant, directory: directory, files: AttachmentFiles.beside(replicaAt: path), product: product)
    }

    /// `count` bytes that start as a JPEG and do not compress.
    static func photo(_ count: Int) -> Data {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: count)
        for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
        bytes.replaceSubrange(0..<4, with: [0xFF, 0xD8, 0xFF, 0xE0])
        return Data(bytes)
    }

    static func national(_ daemon: DaemonProcess) -> AttachmentFiles { AttachmentFiles.beside(replicaAt: daemon.databasePath) }

    @Test("files follow the rows, resume where an upload stopped, and a known file costs only its hash")
    func filesFollowTheRowsAndResume() async throws {
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        try await daemon.start()
        let province = try await Self.province(daemon)
        defer { try? FileManager.default.removeItem(at: province.directory) }
        let photoBytes = Self.photo(2_500_000)
        let photo = try province.attach(photoBytes)
        let scan = try province.attach(Data("%PDF-1.7\n% quyết định công nhận OCOP\n".utf8), role: .certificateScan)

        // An upload the server kept the first mebibyte of (interrupted on an earlier night).
        let partial = URL(fileURLWithPath: daemon.databasePath + ".files/partial/\(photo.sha256)")
        try FileManager.default.createDirectory(at: partial.deletingLastPathComponent(), withIntermediateDirectories: true)
        try photoBytes.prefix(1 << 20).write(to: partial)

        let first = try await province.sync(daemon)
        let files = try #require(first.files)
        #expect(files.sent == 2 && files.pending == 0 && files.refusals.isEmpty, "\(files)")
        #expect(files.bytesSent == photo.byteCount + scan.byteCount)
        #expect(first.bytesSent < photoBytes.count - 1_000_000 + 20_000, "resumed after the mebibyte the server had: \(first.bytesSent) bytes sent")
        let national = Self.national(daemon)
        #expect(try national.contents(of: photo.sha256) == photoBytes)
        #expect(try national.hashes() == [photo.sha256, scan.sha256])
        #expect(!FileManager.default.fileExists(atPath: partial.path))

        // Again: nothing to send but the hashes.
        let second = try await province.sync(daemon)
        #expect(second.files?.sent == 0 && second.files?.alreadyStored == 2, "\(String(describing: second.files))")
        #expect(second.bytesSent < 4_000, "\(second.bytesSent) bytes")

        // The same photo attached to a second row (another product) is not sent again.
        let other = Product(tenantID: province.product.tenantID, producerID: province.product.producerID, classificationCode: "1.2.b",
                            nameVi: "Mật ong hoa nhãn")
        try province.replica.save(other)
        try province.replica.save(FileAttachment(tenantID: other.tenantID, ownerTable: "products", ownerID: other.id, role: .photo,
                                                 sha256: photo.sha256, mediaType: .jpeg, byteCount: photo.byteCount,
                                                 recordedOn: LocalDate(Date()), recordedBy: "Lan"))
        let third = try await province.sync(daemon)
        #expect(third.files?.sent == 0 && third.bytesSent < 6_000)

        // The scan's row is deleted: the server's collection deletes the file no row refers to.
        _ = try province.replica.delete(FileAttachment.self, id: scan.id)
        _ = try await province.sync(daemon)
        let gc = try await runTool(try builtBinary("ocop-syncd").path, ["gc", "--config", daemon.configPath.path])
        #expect(gc.status == 0 && gc.output.contains("attachment files removed: 1 (\(scan.byteCount) bytes)"), "\(gc.output)\(gc.errors)")
        #expect(try national.hashes() == [photo.sha256])
    }

    @Test("a file no row of the province describes, and one over the quota, are refused; the rows still sync")
    func refusals() async throws {
        let daemon = try DaemonProcess(limits: ["attachmentMegabytesPerProvince": 1])
        defer { daemon.cleanUp() }
        try await daemon.start()
        let province = try await Self.province(daemon)
        defer { try? FileManager.default.removeItem(at: province.directory) }
        let small = try province.attach(Self.photo(300_000))
        let large = try province.attach(Self.photo(900_000))
        // A file whose row the server refused (its product does not exist): no row allows it.
        let orphan = try province.files.add(Self.photo(5_000), named: "x")
        try province.replica.write { db in
            try FileAttachment(tenantID: province.product.tenantID, ownerTable: "products", ownerID: UUID(), role: .photo,
                               sha256: orphan.sha256, mediaType: .jpeg, byteCount: orphan.byteCount,
                               recordedOn: LocalDate(Date()), recordedBy: "Lan").insert(db)
        }
        let summary = try await province.sync(daemon)
        let files = try #require(summary.files)
        #expect(summary.report.changesRefused == 1, "the orphan's row is refused, the others accepted")
        #expect(files.sent == 1 && files.pending == 2, "\(files)")
        let reasons = files.refusals.joined(separator: "\n")
        #expect(reasons.contains("over its quota"), "\(reasons)")
        #expect(reasons.contains("no attachment row of this account describes a file with this SHA-256"), "\(reasons)")
        // Whichever went first fits; the other would pass the 1 MB quota.
        let stored = try Self.national(daemon).hashes()
        #expect(stored == [small.sha256] || stored == [large.sha256], "\(stored)")
    }

    @Test("kill -9 of the daemon in the middle of an upload: the next sync finishes the file, stored once and whole")
    func killedMidUpload() async throws {
        let daemon = try DaemonProcess()
        defer { daemon.cleanUp() }
        try await daemon.start()
        let province = try await Self.province(daemon)
        defer { try? FileManager.default.removeItem(at: province.directory) }
        let partialDirectory = URL(fileURLWithPath: daemon.databasePath + ".files/partial")
        var interrupted = false
        var attached: [(FileAttachment, Data)] = []
        for _ in 0..<3 where !interrupted {
            let bytes = Self.photo(32 << 20)
            attached.append((try province.attach(bytes), bytes))
            let sync = Task { try await province.sync(daemon) }
            // Kill it once some but not all of the file has reached the server's disk.
            let deadline = ContinuousClock.now + .seconds(120)
            while ContinuousClock.now < deadline {
                let sizes = ((try? FileManager.default.contentsOfDirectory(atPath: partialDirectory.path)) ?? []).map { name in
                    ((try? FileManager.default.attributesOfItem(atPath: partialDirectory.appendingPathComponent(name).path)[.size]) as? NSNumber)?.intValue ?? 0
                }
                if sizes.contains(where: { $0 > 0 }) {
                    await daemon.kill9()
                    interrupted = true
                    break
                }
                if (try? await Task.sleep(for: .milliseconds(2))) == nil { break }
                if sync.isCancelled { break }
            }
            _ = await sync.result
            if !interrupted { continue }
        }
        try #require(interrupted, "no upload was caught in the middle in three tries")
        try await daemon.start()
        let summary = try await province.sync(daemon)
        #expect(summary.files?.pending == 0, "\(String(describing: summary.files))")
        let national = Self.national(daemon)
        for (row, bytes) in attached {
            #expect(try national.contents(of: row.sha256) == bytes, "whole and checked")
        }
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: partialDirectory.path)) ?? []).isEmpty)
    }
}
