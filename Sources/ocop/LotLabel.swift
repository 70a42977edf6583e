import Foundation
import OCOPModel

/// A lot's print-ready label: the QR code of its Digital Link, the product name, lot code and
/// production date, 50 × 30 mm (a common thermal-label size).
struct LotLabel {
    var uri: String
    var productName: String
    var lotCode: String
    var producedOn: LocalDate

    /// Modules of white around the code, as ISO/IEC 18004 requires for readers to find it.
    static let quietZone = 4

    /// The QR code alone at `pixelsPerModule`, with the quiet zone.
    func png(pixelsPerModule: Int = 8) throws -> Data {
        let matrix = try QRMatrix(encoding: uri)
        let side = (matrix.size + 2 * Self.quietZone) * pixelsPerModule
        var pixels = [UInt8](repeating: 255, count: side * side)
        for row in 0..<matrix.size {
            for column in 0..<matrix.size where matrix.isDark(row: row, column: column) {
                let top = (row + Self.quietZone) * pixelsPerModule, left = (column + Self.quietZone) * pixelsPerModule
                for y in top..<top + pixelsPerModule {
                    for x in left..<left + pixelsPerModule { pixels[y * side + x] = 0 }
                }
            }
        }
        return try PNGImage(width: side, height: side, pixels: pixels).encoded()
    }

    /// The whole label as SVG in millimetres: the code (runs of dark modules as rects) on the
    /// left, the text on the right.
    func svg() throws -> String {
        let matrix = try QRMatrix(encoding: uri)
        let codeSide = 28.0, margin = 1.0
        let module = codeSide / Double(matrix.size + 2 * Self.quietZone)
        var rects = ""
        for row in 0..<matrix.size {
            var column = 0
            while column < matrix.size {
                guard matrix.isDark(row: row, column: column) else { column += 1; continue }
                let start = column
                while column < matrix.size && matrix.isDark(row: row, column: column) { column += 1 }
                rects += "<rect x=\"\(mm(margin + Double(start + Self.quietZone) * module))\" y=\"\(mm(margin + Double(row + Self.quietZone) * module))\" width=\"\(mm(Double(column - start) * module))\" height=\"\(mm(module))\"/>"
            }
        }
        let textX = margin + codeSide + 0.5, textWidth = 50 - textX - margin
        var lines = Self.wrap(productName, width: 16).prefix(3).enumerated().map { index, line in
            text(line, x: textX, y: 5 + Double(index) * 3, size: 2.4, width: textWidth, bold: true)
        }
        lines.append(text("Lô: " + lotCode, x: textX, y: 20, size: 2.2, width: textWidth))
        lines.append(text("NSX: \(producedOn)", x: textX, y: 24, size: 2.2, width: textWidth))
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="50mm" height="30mm" viewBox="0 0 50 30" font-family="Noto Sans, DejaVu Sans, sans-serif">
            <title>\(Self.escaped(productName)) — \(Self.escaped(lotCode))</title>
            <desc>\(Self.escaped(uri))</desc>
            <rect width="50" height="30" fill="#fff"/>
            <g fill="#000" shape-rendering="crispEdges">\(rects)</g>
            \(lines.joined(separator: "\n"))
            </svg>

            """
    }

    private func mm(_ value: Double) -> String { String(format: "%.3f", value) }

    /// One line of text; a line likely wider than `width` (at about 0.6 em a character) is
    /// squeezed to fit rather than printed over the edge.
    private func text(_ content: String, x: Double, y: Double, size: Double, width: Double, bold: Bool = false) -> String {
        let fit = Double(content.count) * size * 0.6 > width ? " textLength=\"\(mm(width))\" lengthAdjust=\"spacingAndGlyphs\"" : ""
        return "<text x=\"\(mm(x))\" y=\"\(mm(y))\" font-size=\"\(mm(size))\"\(bold ? " font-weight=\"bold\"" : "")\(fit)>\(Self.escaped(content))</text>"
    }

    /// Words into lines of at most `width` characters (a longer word stands alone).
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
