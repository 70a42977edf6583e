import Foundation
import OCOPModel
import OCOPReplica

/// The demo's photo and scanned certificate: made here (a picture and a one-page PDF), attached
/// offline in a province like any file an officer attaches.
enum DemoFiles {
    /// A 480 × 360 greyscale picture (a soft gradient with a frame), as a PNG.
    static func photo() throws -> Data {
        let width = 480, height = 360
        var pixels = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                let frame = x < 8 || y < 8 || x >= width - 8 || y >= height - 8
                pixels[y * width + x] = frame ? 40 : UInt8(90 + (x * 120 / width + y * 40 / height))
            }
        }
        return try PNGImage(width: width, height: height, pixels: pixels).encoded()
    }

    /// A one-page PDF naming the certificate, as a scan would (the text is ASCII: a viewer's
    /// built-in font needs no embedding).
    static func certificateScan(number: String, product: String) -> Data {
        let text = "BT /F1 18 Tf 72 720 Td (OCOP certificate \(number)) Tj 0 -28 Td (\(product)) Tj ET"
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            "<< /Length \(text.utf8.count) >>\nstream\n\(text)\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
        var pdf = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(pdf.utf8.count)
            pdf += "\(index + 1) 0 obj\n\(object)\nendobj\n"
        }
        let xref = pdf.utf8.count
        pdf += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { pdf += String(format: "%010d 00000 n \n", offset) }
        pdf += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Data(pdf.utf8)
    }

    /// Attaches `data` to a row, offline: the file is kept beside the replica, the row saved.
    static func attach(_ data: Data, to table: String, id: UUID, tenant: UUID, role: FileAttachment.Role, title: String,
                       replica: Replica, replicaPath: String, on day: LocalDate) throws -> FileAttachment {
        let stored = try AttachmentFiles.beside(replicaAt: replicaPath).add(data, named: title)
        let row = FileAttachment(tenantID: tenant, ownerTable: table, ownerID: id, role: role, sha256: stored.sha256,
                                 mediaType: stored.mediaType, byteCount: stored.byteCount, title: title, recordedOn: day,
                                 recordedBy: "Nguyễn Thị Lan")
        try replica.save(row)
        return row
    }
}
