import CQREncode

/// A QR code's modules, made by the system's libqrencode: error correction level M (15 % of
/// the symbol may be damaged, enough for a label on a jar), 8-bit mode, smallest version that fits.
struct QRMatrix: Sendable {
    /// Modules per side, without the quiet zone.
    let size: Int
    /// Row-major, `true` for a dark module.
    let modules: [Bool]

    init(encoding text: String) throws {
        guard let code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else {
            throw CLIError(.internalError, lines: ["error: internal error: libqrencode could not encode \(text.utf8.count) bytes"])
        }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        size = width
        // Bit 0 of each byte is the module's colour; the other bits describe its role.
        modules = (0..<width * width).map { code.pointee.data[$0] & 1 == 1 }
    }

    func isDark(row: Int, column: Int) -> Bool { modules[row * size + column] }
}
