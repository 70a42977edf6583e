import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import OCOPModel
import OCOPNetwork
import OCOPReplica
import OCOPStore

/// Attachments' files to the release `ocop-syncd` over loopback (SPEC §17):
/// - `files_upload_vs_copy_ratio`: one province sending its photos, against copying the same
///   bytes file to file with the same durability (each file flushed), in the same run;
/// - `files_resent_bytes_per_file`: the bytes on the wire per file the server already has;
/// - `rows_with_files_pending_ratio`: how long a night's rows take when photos are waiting to
///   go, over the same rows with none (rows go first: about 1);
/// - `files_daemon_peak_rss_mb`: the daemon's peak memory while every province sends at once.
enum FilesBenchmark {
    static func run(quick: Bool) async throws -> [Figure] {
        let directory = try ScratchDirectory("files")
        defer { directory.remove() }
        let dataDirectory = directory.path("daemon")
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let store = try SQLiteNationalStore.open(at: dataDirectory + "/national.sqlite")
        let provinceCount = quick ? 4 : 34
        var provinces: [Province] = []
        for index in 0..<provinceCount {
            let secret = "bench-files-\(index)-0123456789"
            let tenant = try await store.addProvince(code: String(format: "%02d", index + 1), name: "Tỉnh \(index + 1)",
                                               verifier: ScramVerifier.make(secret: secret))
            provinces.append(try Province(directory: directory, index: index, tenant: tenant, secret: secret))
        }
        let daemon = try DaemonRunner(dataDirectory: dataDirectory)
        defer { daemon.stop() }

        // 1. One province's photos, against a plain copy of the same bytes: five rounds of new
        //    photos, each sent then copied, so the disk's moods hit both; the median of each.
        let fileSize = 4 << 20
        let sender = provinces[0]
        var photos: [FileAttachment] = []
        var uploadRates: [Double] = []
        var copyRates: [Double] = []
        var uploadCPU = (client: 0.0, daemon: 0.0, wall: 0.0, mebibytes: 0.0)
        for round in 0..<5 {
            let batch = try sender.attach(count: quick ? 4 : 8, size: fileSize, seed: UInt64(1 + round))
            photos += batch
            let bytes = Double(batch.count * fileSize)
            // Each side starts with nothing dirty: on ext4 a flush also writes out other files'
            // pending data (here the photos just attached), which would bill one side for the
            // other's writes. The two go first in turn.
            func upload() async throws {
                sync()
                let cpuBefore = (client: DaemonRunner.cpuSeconds(ofProcess: getpid()), daemon: daemon.cpuSeconds())
                let upload = try await sender.sync(daemon)
                uploadCPU.client += DaemonRunner.cpuSeconds(ofProcess: getpid()) - cpuBefore.client
                uploadCPU.daemon += daemon.cpuSeconds() - cpuBefore.daemon
                uploadCPU.wall += seconds(upload.duration)
                uploadCPU.mebibytes += bytes / 1_048_576
                guard upload.files?.sent == batch.count else { throw BenchmarkFailure("not every file was sent: \(String(describing: upload.files))") }
                uploadRates.append(bytes / seconds(upload.duration - upload.rowsDuration) / 1e6)
            }
            func copy() throws {
                sync()
                copyRates.append(bytes / (try copyDurably(batch, from: sender.files, into: directory.path("copy-\(round)"))) / 1e6)
            }
            if round % 2 == 0 {
                try await upload()
                try copy()
            } else {
                try copy()
                try await upload()
            }
        }
        // What a sync with nothing to send costs (login, rows, the offer), taken off the above.
        sync()
        let idleBefore = (client: DaemonRunner.cpuSeconds(ofProcess: getpid()), daemon: daemon.cpuSeconds())
        for _ in 0..<5 { _ = try await sender.sync(daemon) }
        uploadCPU.client -= DaemonRunner.cpuSeconds(ofProcess: getpid()) - idleBefore.client
        uploadCPU.daemon -= daemon.cpuSeconds() - idleBefore.daemon
        let uploadRate = uploadRates.sorted()[2]
        let copyRate = copyRates.sorted()[2]

        // 2. The same files again: only their hashes travel.
        let again = try await sender.sync(daemon)
        let resentPerFile = Double(again.bytesSent) / Double(photos.count)

        // 3. A night's rows, with and without photos waiting.
        let rowsPerNight = quick ? 500 : 3_000
        try provinces[1].addProducts(rowsPerNight)
        let plain = try await provinces[1].sync(daemon, files: false)
        try provinces[2].addProducts(rowsPerNight)
        let pendingBytes = quick ? 64 << 20 : 1 << 30
        _ = try provinces[2].attach(count: pendingBytes / fileSize, size: fileSize, seed: 2)
        let loaded = try await provinces[2].sync(daemon)
        let rowsRatio = seconds(loaded.rowsDuration) / seconds(plain.rowsDuration)

        // 4. Every other province sends photos at once.
        for province in provinces.dropFirst(3) { _ = try province.attach(count: 4, size: fileSize, seed: UInt64(10 + province.index)) }
        // Each province syncs again while files remain (a BUSY server cuts some sessions short).
        let concurrent = try await withThrowingTaskGroup(of: Int.self) { group in
            for province in provinces.dropFirst(3) {
                group.addTask {
                    var sent = 0
                    for _ in 0..<10 {
                        let files = try await province.sync(daemon).files
                        sent += files?.sent ?? 0
                        if files?.pending == 0 { break }
                    }
                    return sent
                }
            }
            return try await group.reduce(0, +)
        }
        return [
            Figure(name: "files_upload_mb_per_s", value: uploadRate,
                   note: "median of 5 rounds of \(photos.count / 5) photos of 4 MiB sent by one province to ocop-syncd over loopback (1 MiB chunks, four in flight, the file flushed when whole): \(uploadRates.map { String(format: "%.0f", $0) }.joined(separator: ", "))"),
            Figure(name: "files_raw_copy_mb_per_s", value: copyRate,
                   note: "median of the same rounds' files copied file to file, each flushed to disk: \(copyRates.map { String(format: "%.0f", $0) }.joined(separator: ", "))"),
            Figure(name: "files_upload_cpu_ms_per_mib", value: (uploadCPU.client + uploadCPU.daemon) * 1000 / uploadCPU.mebibytes,
                   note: String(format: "CPU time per MiB uploaded, both processes (province %.2f ms, daemon %.2f ms; the cost of as many syncs with nothing to send taken off), over %.2f ms of wall time: the two cores are %.0f%% busy",
                                uploadCPU.client * 1000 / uploadCPU.mebibytes, uploadCPU.daemon * 1000 / uploadCPU.mebibytes,
                                uploadCPU.wall * 1000 / uploadCPU.mebibytes, 100 * (uploadCPU.client + uploadCPU.daemon) / uploadCPU.wall / 2)),
            Figure(name: "files_upload_vs_copy_ratio", value: uploadRate / copyRate, note: "upload over plain copy, medians (target ≥ 0.5)"),
            Figure(name: "files_resent_bytes_per_file", value: resentPerFile,
                   note: "bytes on the wire per file the server already has, whole sync included (the offer carries 32-byte hashes)"),
            Figure(name: "rows_with_files_pending_ratio", value: rowsRatio,
                   note: "time to sync \(rowsPerNight) products with \(pendingBytes >> 20) MiB of photos waiting, over the same rows with none (\(String(format: "%.2f", seconds(loaded.rowsDuration))) s vs \(String(format: "%.2f", seconds(plain.rowsDuration))) s; rows go first)"),
            Figure(name: "files_concurrent_sent", value: Double(concurrent),
                   note: "photos sent by \(provinceCount - 3) provinces at once, of \((provinceCount - 3) * 4) (BUSY answers are retried)"),
            Figure(name: "files_daemon_peak_rss_mb", value: Double(daemon.peakResidentKilobytes()) / 1024,
                   note: "peak resident memory of ocop-syncd through all of the above"),
        ]
    }

    struct BenchmarkFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Copies each file, flushing it to disk as the daemon does, and returns the seconds taken.
    static func copyDurably(_ rows: [FileAttachment], from files: AttachmentFiles, into directory: String) throws -> Double {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let start = ContinuousClock.now
        for row in rows {
            let data = try Data(contentsOf: files.url(of: row.sha256))
            let target = URL(fileURLWithPath: directory).appendingPathComponent(row.sha256)
            _ = FileManager.default.createFile(atPath: target.path, contents: nil)
            let handle = try FileHandle(forWritingTo: target)
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
        }
        return seconds(ContinuousClock.now - start)
    }

    /// A province with a file-backed replica, a producer and a product to attach photos to.
    struct Province: Sendable {
        let index: Int
        let replica: Replica
        let files: AttachmentFiles
        let user: String
        let secret: String
        let product: Product

        init(directory: ScratchDirectory, index: Int, tenant: UUID, secret: String) throws {
            self.index = index
            let path = directory.path("province-\(index).ocop")
            replica = try Replica.create(at: path, role: .province, tenantID: tenant)
            files = AttachmentFiles.beside(replicaAt: path)
            user = tenant.uuidString.lowercased()
            self.secret = secret
            let producer = Producer(tenantID: tenant, name: "HTX \(index)", type: .cooperative)
            product = Product(tenantID: tenant, producerID: producer.id, classificationCode: "1.2.b", nameVi: "Mật ong \(index)")
            try replica.save(producer)
            try replica.save(product)
        }

        /// `count` photos of `size` random bytes (JPEG signature first), attached to the product.
        func attach(count: Int, size: Int, seed: UInt64) throws -> [FileAttachment] {
            var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
            var rows: [FileAttachment] = []
            for _ in 0..<count {
                var bytes = [UInt8](repeating: 0, count: size)
                bytes.withUnsafeMutableBytes { buffer in
                    let words = buffer.bindMemory(to: UInt64.self)
                    for index in words.indices {
                        state ^= state << 13; state ^= state >> 7; state ^= state << 17
                        words[index] = state
                    }
                }
                bytes.replaceSubrange(0..<4, with: [0xFF, 0xD8, 0xFF, 0xE0])
                let stored = try files.add(Data(bytes), named: "photo")
                let row = FileAttachment(tenantID: product.tenantID, ownerTable: "products", ownerID: product.id, role: .photo,
                                         sha256: stored.sha256, mediaType: .jpeg, byteCount: stored.byteCount,
                                         recordedOn: LocalDate(Date()), recordedBy: "bench")
                try replica.save(row)
                rows.append(row)
            }
            return rows
        }

        func addProducts(_ count: Int) throws {
            let products = (0..<count).map {
                Product(tenantID: product.tenantID, producerID: product.producerID, classificationCode: "1.3.c", nameVi: "Sản phẩm \($0)")
            }
            try replica.saveAll(products)
        }

        func sync(_ daemon: DaemonRunner, files sendFiles: Bool = true) async throws -> SyncSummary {
            var configuration = SyncClientConfiguration(host: "127.0.0.1", port: daemon.port, user: user, secret: secret)
            configuration.files = sendFiles ? files : nil
            configuration.responseTimeoutSeconds = 600
            var logger = Logger(label: "ocop.bench.files")
            logger.logLevel = .error
            return try await SyncClient.sync(replica, configuration: configuration, logger: logger)
        }
    }
}
