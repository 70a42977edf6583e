import Foundation

/// The web address a lot's QR code carries (GS1 Digital Link), for phones to open.
///
/// - `{base}/01/{GTIN-14}/10/{lot}`: the GS1 form, when the product has a GTIN and the lot code
///   fits AI (10) (at most 20 characters). The GTIN is padded to 14 digits with leading zeros
///   (GTIN-8, -12 and -13 are the same number); the lot code is percent-encoded (everything but
///   `A–Z a–z 0–9 - . _ ~`), as the Digital Link standard requires.
/// - `{base}/l/{lot id}`: the short form otherwise: stable, since the lot's id never changes.
public enum DigitalLink {
    /// The longest lot code GS1 AI (10) carries.
    public static let maximumGS1LotLength = 20

    /// The URI for a lot. `base` is used without a trailing `/`; a GTIN that is not valid
    /// (``Product/gtinProblem(_:)``) gives the short form.
    public static func uri(base: String, gtin: String?, lotCode: String, lotID: UUID) -> String {
        var base = base
        while base.hasSuffix("/") { base.removeLast() }
        if let gtin, let gtin14 = gtin14(gtin), lotCode.unicodeScalars.count <= maximumGS1LotLength, !lotCode.isEmpty {
            return "\(base)/01/\(gtin14)/10/\(percentEncoded(lotCode))"
        }
        return "\(base)/l/\(lotID.uuidString.lowercased())"
    }

    /// The URI of a product's public page: `{base}/01/{GTIN-14}` (GS1 Digital Link, the product
    /// level of the lot form above) when it has a valid GTIN, else `{base}/p/{product id}`.
    public static func productURI(base: String, gtin: String?, productID: UUID) -> String {
        var base = base
        while base.hasSuffix("/") { base.removeLast() }
        if let gtin, let gtin14 = gtin14(gtin) { return "\(base)/01/\(gtin14)" }
        return "\(base)/p/\(productID.uuidString.lowercased())"
    }

    /// Why `text` cannot be the base of links (an http(s) URL with a host and no query or
    /// fragment, e.g. `https://ocop.example.gov.vn`), or `nil` if it can.
    public static func baseProblem(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let url = URLComponents(string: trimmed), ["https", "http"].contains(url.scheme?.lowercased() ?? ""),
              url.host?.isEmpty == false, url.query == nil, url.fragment == nil else {
            return "\"\(text)\" is not an http(s) URL without query or fragment, e.g. https://ocop.example.gov.vn"
        }
        return nil
    }

    /// GS1's own resolver, whose Digital Link URIs name a GTIN wherever it is sold.
    public static let gs1Resolver = "https://id.gs1.org"

    /// The GTIN as 14 digits, or `nil` if it is not a GTIN with a valid check digit.
    public static func gtin14(_ gtin: String) -> String? { GTIN(gtin)?.gtin14 }

    /// `text` with every byte outside RFC 3986's unreserved characters percent-encoded (UTF-8,
    /// upper-case hex).
    public static func percentEncoded(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            let scalar = Unicode.Scalar(byte)
            if byte < 0x80, ("A"..."Z").contains(scalar) || ("a"..."z").contains(scalar)
                || ("0"..."9").contains(scalar) || "-._~".unicodeScalars.contains(scalar) {
                result.unicodeScalars.append(scalar)
            } else {
                result += String(format: "%%%02X", byte)
            }
        }
        return result
    }
}
