import Foundation
import OCOPModel
import OCOPReplica
import Testing

@Suite("FileAttachment files: content-addressed, whole or absent")
struct AttachmentFilesTests {
    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ocop-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static let jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 0x42, count: 5000))

    @Test func aFileIsKeptOnceUnderItsHashAndReadBackChecked() throws {
        let files = AttachmentFiles(directory: try Self.scratch())
        let first = try files.add(Self.jpeg, named: "anh.jpg")
        #expect(first.mediaType == .jpeg && first.byteCount == 5004)
        #expect(first.sha256 == AttachmentFiles.sha256Hex(Self.jpeg) && FileAttachment.isSHA256(first.sha256))
        let source = files.directory.appendingPathComponent("copy.bin")
        try Self.jpeg.write(to: source)
        #expect(try files.add(contentsOf: source) == first, "the same bytes under another name are the same file")
        #expect(try files.hashes() == [first.sha256])
        #expect(try files.contents(of: first.sha256) == Self.jpeg)

        // A damaged file is noticed, never served.
        var damaged = Self.jpeg
        damaged[100] ^= 0xFF
        try damaged.write(to: files.url(of: first.sha256))
        #expect(throws: AttachmentFileError.damaged(files.url(of: first.sha256).path)) { try files.contents(of: first.sha256) }
    }

    @Test func refusedFilesLeaveNothingBehind() throws {
        let directory = try Self.scratch()
        let files = AttachmentFiles(directory: directory)
        #expect(throws: AttachmentFileError.empty("empty")) { try files.add(Data(), named: "empty") }
        #expect(throws: AttachmentFileError.notAcceptedType("trang.jpg")) { try files.add(Data("<html>".utf8), named: "trang.jpg") }
        // One byte over the limit, as a sparse file so the test writes almost nothing.
        let big = directory.appendingPathComponent("big.pdf")
        _ = FileManager.default.createFile(atPath: big.path, contents: Data("%PDF-1.7\n".utf8))
        let handle = try FileHandle(forWritingTo: big)
        try handle.truncate(atOffset: UInt64(FileAttachment.maximumBytes) + 1)
        try handle.close()
        #expect(throws: AttachmentFileError.tooLarge(big.path, limit: FileAttachment.maximumBytes)) { try files.add(contentsOf: big) }
        #expect(throws: (any Error).self) { try files.add(contentsOf: directory.appendingPathComponent("missing.png")) }
        #expect(try files.hashes().isEmpty)
        let incoming = (try? FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("incoming").path)) ?? []
        #expect(incoming.isEmpty, "no partial copies: \(incoming)")
    }

    @Test func collectingKeepsWhatRowsUse() throws {
        let files = AttachmentFiles(directory: try Self.scratch())
        let kept = try files.add(Self.jpeg, named: "a")
        let dropped = try files.add(Data("%PDF-1.4 quyết định".utf8), named: "b")
        let freed = try files.collect(keeping: [kept.sha256])
        #expect(freed.files == 1 && freed.bytes == dropped.byteCount)
        #expect(files.contains(kept.sha256) && !files.contains(dropped.sha256))
        #expect(!files.contains("../../etc/passwd"), "only hashes name files")
    }
}
