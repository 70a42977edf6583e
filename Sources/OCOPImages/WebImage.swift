import CVips
import Foundation

/// Web-sized copies of photos, made by libvips: a phone on a rural connection gets a JPEG of a
/// few hundred kilobytes, not the 12-megapixel original.
public enum WebImage {
    /// Longest side of a web copy, in pixels.
    public static let size = 1024
    /// Pictures larger than this many pixels are refused before decoding: a few kilobytes of
    /// PNG can declare a 50,000 × 50,000 image (a decompression bomb).
    public static let maximumPixels = 100_000_000

    /// Why a copy could not be made.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// The picture declares more than ``maximumPixels``.
        case tooLarge(width: Int, height: Int)
        /// libvips could not read or write it (a truncated or damaged file).
        case unreadable(String)

        public var description: String {
            switch self {
            case .tooLarge(let width, let height):
                return "the picture is \(width) × \(height) pixels, more than \(WebImage.maximumPixels / 1_000_000) megapixels"
            case .unreadable(let reason): return "the picture cannot be read: \(reason)"
            }
        }
    }

    private static let started: Bool = ocop_vips_start() == 0

    /// A JPEG of `data` (JPEG, PNG or WebP) no larger than ``size`` on its longest side.
    public static func jpeg(of data: Data, size: Int = size, quality: Int = 82) throws -> Data {
        guard started else { throw Failure.unreadable("libvips did not start") }
        return try data.withUnsafeBytes { bytes -> Data in
            guard let base = bytes.baseAddress, !bytes.isEmpty else { throw Failure.unreadable("empty file") }
            var width: Int32 = 0
            var height: Int32 = 0
            guard ocop_vips_dimensions(base, bytes.count, &width, &height) == 0 else { throw Failure.unreadable(takeError()) }
            guard Int(width) * Int(height) <= maximumPixels, width > 0, height > 0 else {
                throw Failure.tooLarge(width: Int(width), height: Int(height))
            }
            var output: UnsafeMutableRawPointer?
            var length = 0
            guard ocop_vips_web_jpeg(base, bytes.count, Int32(size), Int32(quality), &output, &length) == 0, let output else {
                throw Failure.unreadable(takeError())
            }
            defer { ocop_vips_free(output) }
            return Data(bytes: output, count: length)
        }
    }

    private static func takeError() -> String {
        guard let message = ocop_vips_take_error() else { return "unknown error" }
        defer { ocop_vips_free(message) }
        let text = String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "unknown error" : String(text.prefix(300))
    }
}
