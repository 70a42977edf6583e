import Crypto
import Foundation
import OCOPModel
import OCOPReplica
import OCOPStore
import OCOPSync
import Testing

/// The server's side of files (SPEC §17) on every backend: what it takes, what it refuses, and
/// that nothing half-received is ever served.
@Suite("Files received by the national store")
struct FileReceiverTests {
    struct Setup {
        let country: Country
        let receiver: FileReceiver
        let directory: NationalFileDirectory
        let photo: [UInt8]
        let row: FileAttachment
    }

    static func setUp(_ factory: StoreBackendFactory, quota: Int64 = 1 << 30) async throws -> Setup {
        let country = try await Country(factory)
        let (_, products) = try country.seedProducts(0, count: 1)
        var photo = [UInt8](repeating: 0, count: 2_500_000)
        for index in photo.indices { photo[index] = UInt8(truncatingIfNeeded: index &* 31 &+ index >> 9) }
        photo.replaceSubrange(0..<4, with: [0xFF, 0xD8, 0xFF, 0xE0])
        let row = FileAttachment(tenantID: country.provinces[0].tenant, ownerTable: "products", ownerID: products[0].id, role: .photo,
                                 sha256: AttachmentFiles.sha256Hex(Data(photo)), mediaType: .jpeg, byteCount: Int64(photo.count),
                                 recordedOn: try LocalDate(year: 2026, month: 11, day: 30), recordedBy: "Lan")
        try country.provinces[0].replica.save(row)
        try await country.sync(0)
        let directory = NationalFileDirectory(path: country.scratch.appendingPathComponent("files").path)
        return Setup(country: country, receiver: FileReceiver(registry: country.store, directory: directory, quotaBytes: quota),
                     directory: directory, photo: photo, row: row)
    }

    static func chunk(_ bytes: [UInt8], _ range: Range<Int>) -> (data: [UInt8], hash: [UInt8]) {
        let data = Array(bytes[range])
        return (data, Array(SHA256.hash(data: data)))
    }

    @Test("chunks in order make the file; out of order is told where to go on; damaged is refused", arguments: StoreBackendFactory.all)
    func chunks(_ factory: StoreBackendFactory) async throws {
        let setup = try await Self.setUp(factory)
        let hanoi = setup.country.principal(0)
        let size = UInt64(setup.photo.count)
        #expect(try await setup.receiver.state(of: setup.row.sha256, size: size, for: hanoi) == .wanted(received: 0))

        let first = Self.chunk(setup.photo, 0..<(1 << 20))
        #expect(try await setup.receiver.receive(sha256: setup.row.sha256, size: size, offset: 0, data: first.data, dataSHA256: first.hash, for: hanoi)
            == .init(received: 1 << 20, complete: false))
        // A resent chunk (its ACK was lost) is not appended twice: the answer says where to go on.
        #expect(try await setup.receiver.receive(sha256: setup.row.sha256, size: size, offset: 0, data: first.data, dataSHA256: first.hash, for: hanoi)
            == .init(received: 1 << 20, complete: false))
        #expect(try await setup.receiver.state(of: setup.row.sha256, size: size, for: hanoi) == .wanted(received: 1 << 20))

        let second = Self.chunk(setup.photo, (1 << 20)..<(2 << 20))
        await #expect(throws: FileReceiver.Refusal.self) {
            try await setup.receiver.receive(sha256: setup.row.sha256, size: size, offset: 1 << 20, data: second.data,
                                             dataSHA256: Array(repeating: 0, count: 32), for: hanoi)
        }
        #expect(setup.directory.existingPath(of: setup.row.sha256) == nil, "nothing served before the whole file is checked")
        #expect(try await setup.receiver.state(of: setup.row.sha256, size: size, for: hanoi) == .wanted(received: 1 << 20),
                "nothing of the damaged chunk kept")
        _ = try await setup.receiver.receive(sha256: setup.row.sha256, size: size, offset: 1 << 20, data: second.data, dataSHA256: second.hash, for: hanoi)
        let last = Self.chunk(setup.photo, (2 << 20)..<setup.photo.count)
        #expect(try await setup.receiver.receive(sha256: setup.row.sha256, size: size, offset: 2 << 20, data: last.data, dataSHA256: last.hash, for: hanoi)
            == .init(received: size, complete: true))
        #expect(try setup.directory.contents(of: setup.row.sha256) == Data(setup.photo))
        #expect(try await setup.receiver.state(of: setup.row.sha256, size: size, for: hanoi) == .stored)
        #expect(try await setup.receiver.state(of: setup.row.sha256, size: size, for: hanoi) == .stored, "asked twice: the same")
    }

    @Test("an upload whose last chunk was written but not put in place (a crash): the next offer finishes it, or starts again if its bytes are wrong",
          arguments: StoreBackendFactory.all)
    func wholePartialIsFinishedAtTheNextOffer(_ factory: StoreBackendFactory) async throws {
        let setup = try await Self.setUp(factory)
        let hanoi = setup.country.principal(0)
        let size = UInt64(setup.photo.count)
        let partial = URL(fileURLWithPath: setup.directory.path).appendingPathComponent("partial").appendingPathComponent(setup.row.sha256)
        try FileManager.default.createDirectory(at: partial.deletingLastPathComponent(), withIntermediateDirectories: true)

        // Every byte is there, but one is wrong: nothing to finish, so the upload starts again.
        var damaged = setup.photo
        damaged[1_000_000] ^= 0xFF
        try Data(damaged).write(to: partial)
        #expect(try await setup.receiver.state(of: setup.row.sha256, size: size, for: hanoi) == .wanted(received: 0))
        #expect(!FileManager.default.fileExists(atPath: partial.path))

        // Every byte is there and right: the file is checked and put in place, nothing to send.
        try Data(setup.photo).write(to: partial)
        #expect(try await setup.receiver.state(of: setup.row.sha256, size: size, for: hanoi) == .stored)
        #expect(try setup.directory.contents(of: setup.row.sha256) == Data(setup.photo))
        #expect(!FileManager.default.fileExists(atPath: partial.path))
    }

    @Test("another province's file, a size no row says, bytes that are not what the row says, a quota: refused", arguments: StoreBackendFactory.all)
    func refusals(_ factory: StoreBackendFactory) async throws {
        let setup = try await Self.setUp(factory, quota: 2_000_000)
        let hue = setup.country.principal(1)
        let size = UInt64(setup.photo.count)
        guard case .refused(let other) = try await setup.receiver.state(of: setup.row.sha256, size: size, for: hue) else {
            Issue.record("Huế may not send Hà Nội's file"); return
        }
        #expect(other.reason == .notReferenced)
        let hanoi = setup.country.principal(0)
        guard case .refused(let wrongSize) = try await setup.receiver.state(of: setup.row.sha256, size: size + 1, for: hanoi) else {
            Issue.record("a size no row says"); return
        }
        #expect(wrongSize.reason == .notReferenced)
        guard case .refused(let quota) = try await setup.receiver.state(of: setup.row.sha256, size: size, for: hanoi) else {
            Issue.record("2.5 MB over a 2 MB quota"); return
        }
        #expect(quota.reason == .quotaExceeded)
        // The central office has no quota and may send any province's file.
        let central = Principal(replica: ReplicaID(uuid: UUID()), role: .central, tenantID: nil)
        #expect(try await setup.receiver.state(of: setup.row.sha256, size: size, for: central) == .wanted(received: 0))

        // A row that says JPEG, bytes that are HTML with the row's hash: refused when whole, nothing kept.
        let html = [UInt8]("<html><script>alert(1)</script></html>".utf8)
        let liar = FileAttachment(tenantID: setup.country.provinces[0].tenant, ownerTable: "products", ownerID: setup.row.ownerID, role: .photo,
                                  sha256: AttachmentFiles.sha256Hex(Data(html)), mediaType: .jpeg, byteCount: Int64(html.count),
                                  recordedOn: setup.row.recordedOn, recordedBy: "Lan")
        try setup.country.provinces[0].replica.save(liar)
        try await setup.country.sync(0)
        await #expect(throws: FileReceiver.Refusal.self) {
            try await setup.receiver.receive(sha256: liar.sha256, size: UInt64(html.count), offset: 0, data: html,
                                             dataSHA256: Array(SHA256.hash(data: html)), for: hanoi)
        }
        #expect(setup.directory.existingPath(of: liar.sha256) == nil)
        #expect(try await setup.receiver.state(of: liar.sha256, size: UInt64(html.count), for: hanoi) == .wanted(received: 0), "nothing half-kept")
    }
}
