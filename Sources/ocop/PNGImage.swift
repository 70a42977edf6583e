import CZlib
import Foundation

/// An 8-bit greyscale PNG, written with zlib (deflate and CRC-32): enough for a QR code.
struct PNGImage {
    let width: Int
    let height: Int
    /// Row-major grey levels, 0 black … 255 white.
    let pixels: [UInt8]

    /// The file's bytes: signature, IHDR, one IDAT, IEND.
    func encoded() throws -> Data {
        var raw = Data(capacity: (width + 1) * height)
        for row in 0..<height {
            raw.append(0)  // filter type 0: the row as is
            raw.append(contentsOf: pixels[row * width..<(row + 1) * width])
        }
        var header = Data()
        header.appendBigEndian(UInt32(width))
        header.appendBigEndian(UInt32(height))
        header.append(contentsOf: [8, 0, 0, 0, 0])  // 8 bits, greyscale, deflate, adaptive filters, not interlaced
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        png.appendChunk("IHDR", header)
        png.appendChunk("IDAT", try Self.deflate(raw))
        png.appendChunk("IEND", Data())
        return png
    }

    private static func deflate(_ data: Data) throws -> Data {
        var length = compressBound(uLong(data.count))
        var output = [UInt8](repeating: 0, count: Int(length))
        let status = data.withUnsafeBytes { input in
            compress2(&output, &length, input.bindMemory(to: Bytef.self).baseAddress, uLong(data.count), Z_BEST_COMPRESSION)
        }
        guard status == Z_OK else { throw CLIError(.internalError, lines: ["error: internal error: zlib compress2 returned \(status)"]) }
        return Data(output[0..<Int(length)])
    }
}

private extension Data {
    mutating func appendBigEndian(_ value: UInt32) {
        append(contentsOf: [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)])
    }

    /// Length, type, data, and the CRC-32 of type and data.
    mutating func appendChunk(_ type: String, _ data: Data) {
        appendBigEndian(UInt32(data.count))
        let typed = Data(type.utf8) + data
        append(typed)
        let crc = typed.withUnsafeBytes { bytes in crc32(0, bytes.bindMemory(to: Bytef.self).baseAddress, uInt(typed.count)) }
        appendBigEndian(UInt32(crc))
    }
}
