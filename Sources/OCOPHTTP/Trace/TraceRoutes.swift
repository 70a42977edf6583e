import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import OCOPFeeds
import OCOPModel
import OCOPStore

/// The public trace pages, without a token, at the GS1 Digital Link of a lot and at the short
/// link printed in QR codes (`ocop lot label`):
///
///     GET /01/{gtin}/10/{lot}   a product's GTIN (8, 12, 13 or 14 digits) and its lot code, percent-encoded
///     GET /l/{id}               the lot's id
///
/// HTML for people (Vietnamese, English beside), JSON-LD for programs that ask for
/// `application/ld+json`. A GTIN not in its 14-digit form is redirected to it. Whatever is wrong
/// with a link is answered 404 with a page saying what, in both languages.
struct TraceRoutes {
    let store: any NationalBackend

    /// Lot codes are at most 64 characters (``Batch``); anything longer is refused unread.
    static let maximumLotCodeLength = 64

    /// The status shown is the day's, so a page may be kept a few minutes, not longer.
    static let cacheControl = "public, max-age=300"

    /// Only the page's own inline style; nothing loaded from anywhere, no script.
    static let securityHeaders: HTTPFields = {
        let hash = Data(SHA256.hash(data: Data(TraceHTML.style.utf8))).base64EncodedString()
        return [
            .contentSecurityPolicy: "default-src 'none'; style-src 'sha256-\(hash)'; img-src data:; form-action 'none'; base-uri 'none'; frame-ancestors 'none'",
            .xContentTypeOptions: "nosniff",
            .referrerPolicy: "no-referrer",
        ]
    }()

    /// A product page shows its photos, from this server only.
    static let productPageHeaders: HTTPFields = {
        var headers = securityHeaders
        headers[.contentSecurityPolicy] = headers[.contentSecurityPolicy]?.replacingOccurrences(of: "img-src data:", with: "img-src 'self'")
        return headers
    }()

    func register(on routes: RouteRegistrar) {
        let store = self.store
        // A product's page: its GS1 Digital Link without a lot, or its id.
        routes.get("/01/{gtin}") { request, context in
            let gtinText = context.parameters.get("gtin") ?? ""
            let gtin: GTIN
            switch Self.gtin(gtinText, request) {
            case .success(let parsed): gtin = parsed
            case .failure(let page): return page.response
            }
            if gtinText != gtin.gtin14 {
                return Response(status: .movedPermanently, headers: [.location: "/01/\(gtin.gtin14)", .cacheControl: Self.cacheControl])
            }
            guard let page = try await store.productPage(.gtin(gtin)) else {
                return Self.notFound(request, vi: "Không có sản phẩm mang mã GTIN \(gtin.gtin14) trong hệ thống OCOP quốc gia.",
                                     en: "There is no product with GTIN \(gtin.gtin14) in the national OCOP system.")
            }
            return Self.productPage(page, request: request)
        }
        routes.get("/p/{id}") { request, context in
            let text = context.parameters.get("id") ?? ""
            guard let id = UUID(uuidString: text), let page = try await store.productPage(.id(id)) else {
                return Self.notFound(request, vi: "Không có sản phẩm này trong hệ thống OCOP quốc gia.",
                                     en: "There is no such product in the national OCOP system.")
            }
            return Self.productPage(page, request: request)
        }
        routes.get("/01/{gtin}/10/{lot}") { request, context in
            let gtinText = context.parameters.get("gtin") ?? ""
            let gtin: GTIN
            switch Self.gtin(gtinText, request) {
            case .success(let parsed): gtin = parsed
            case .failure(let page): return page.response
            }
            let rawLot = context.parameters.get("lot") ?? ""
            guard let lotCode = Self.lotCode(rawLot) else { return Self.badLotCode(request, rawLot) }
            if gtinText != gtin.gtin14 {
                return Response(status: .movedPermanently, headers: [.location: Self.link(gtin: gtin, lotCode: lotCode), .cacheControl: Self.cacheControl])
            }
            guard let trace = try await store.lotTrace(.gtin(gtin, lotCode: lotCode)) else {
                return Self.notFound(request, vi: "Không có lô \"\(lotCode)\" của sản phẩm mang mã GTIN \(gtin.gtin14).",
                                     en: "There is no lot \"\(lotCode)\" of the product with GTIN \(gtin.gtin14).")
            }
            return Self.page(trace, request: request, path: Self.link(gtin: gtin, lotCode: lotCode))
        }
        // More path after the lot code: a '/' of the code not percent-encoded, or a Digital Link
        // qualifier (a serial number) that OCOP's links do not use. A person gets the page, not
        // the API's JSON error.
        routes.get("/01/{gtin}/10/{lot}/**") { request, _ in
            Self.notFound(request, vi: "Đường dẫn còn tiếp sau mã lô. Nếu mã lô có dấu \"/\", dấu đó phải được viết là %2F.",
                          en: "The link goes on after the lot code. A \"/\" inside a lot code is written %2F.")
        }
        routes.get("/l/{id}") { request, context in
            let text = context.parameters.get("id") ?? ""
            guard let id = UUID(uuidString: text) else {
                return Self.notFound(request, vi: "\"\(Self.shortened(text))\" không phải mã lô hàng hợp lệ.",
                                     en: "\"\(Self.shortened(text))\" is not a valid lot link.")
            }
            guard let trace = try await store.lotTrace(.id(id)) else {
                return Self.notFound(request, vi: "Không có lô hàng này trong hệ thống OCOP quốc gia.",
                                     en: "There is no such lot in the national OCOP system.")
            }
            return Self.page(trace, request: request, path: "/l/\(id.uuidString.lowercased())")
        }
    }

    /// A 404 page as an error, so a parser can hand it back.
    struct NotFoundPage: Error { let response: Response }

    /// The GTIN a link names, or the 404 page saying what is wrong with it.
    static func gtin(_ text: String, _ request: Request) -> Result<GTIN, NotFoundPage> {
        switch GTIN.parse(text) {
        case .success(let parsed): return .success(parsed)
        case .failure(.badCheckDigit(let expected)):
            return .failure(NotFoundPage(response: notFound(request, vi: "Mã GTIN \(text) sai chữ số kiểm tra (chữ số cuối phải là \(expected)).",
                                                            en: "GTIN \(text) has a bad check digit (the last digit should be \(expected)).")))
        case .failure:
            return .failure(NotFoundPage(response: notFound(request, vi: "\"\(shortened(text))\" không phải mã GTIN (8, 12, 13 hoặc 14 chữ số).",
                                                            en: "\"\(shortened(text))\" is not a GTIN (8, 12, 13 or 14 digits).")))
        }
    }

    /// The lot code a path segment carries, percent-decoded; nil if it is not UTF-8, is
    /// empty, too long, starts or ends with a space, or holds control characters.
    static func lotCode(_ segment: String) -> String? {
        guard segment.utf8.count <= maximumLotCodeLength * 12, let decoded = segment.removingPercentEncoding,
              !decoded.isEmpty, decoded.count <= maximumLotCodeLength,
              decoded == decoded.trimmingCharacters(in: .whitespacesAndNewlines),
              !decoded.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0.properties.generalCategory == .format })
        else { return nil }
        return decoded.precomposedStringWithCanonicalMapping
    }

    /// The GS1 Digital Link path of a lot: GTIN-14, the lot code percent-encoded.
    static func link(gtin: GTIN, lotCode: String) -> String {
        "/01/\(gtin.gtin14)/10/\(EPCISDocument.percentEncoded(lotCode))"
    }

    static func badLotCode(_ request: Request, _ segment: String) -> Response {
        let decoded = segment.removingPercentEncoding
        let reason: (vi: String, en: String)
        if decoded == nil || decoded?.isEmpty == true {
            reason = ("Mã lô trong đường dẫn không đọc được.", "The lot code in the link cannot be read.")
        } else if let decoded, decoded.count > maximumLotCodeLength {
            reason = ("Mã lô dài hơn \(maximumLotCodeLength) ký tự: không có lô nào như vậy.",
                      "The lot code is longer than \(maximumLotCodeLength) characters: there is no such lot.")
        } else {
            reason = ("Mã lô chứa ký tự điều khiển hoặc khoảng trắng ở đầu, cuối: không có lô nào như vậy.",
                      "The lot code holds control characters or leading or trailing spaces: there is no such lot.")
        }
        return notFound(request, vi: reason.vi, en: reason.en)
    }

    /// At most 40 characters of what the client sent, control characters shown as `?`.
    static func shortened(_ text: String) -> String {
        let clean = String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : $0 }))
        return clean.count > 40 ? String(clean.prefix(40)) + "…" : clean
    }

    static func wantsJSONLD(_ request: Request) -> Bool {
        let accept = request.headers[.accept]?.lowercased() ?? ""
        return accept.contains(TraceJSONLD.mediaType) || (accept.contains("application/json") && !accept.contains("text/html"))
    }

    static func page(_ trace: LotTrace, request: Request, path: String) -> Response {
        let view = PublicTrace(trace, today: LocalDate(Date()))
        var headers = securityHeaders
        headers[.vary] = "Accept"
        let representation = wantsJSONLD(request)
            ? Representation(data: Data(TraceJSONLD.document(view, path: path).serialized(pretty: true).utf8),
                             contentType: TraceJSONLD.mediaType + "; charset=utf-8", headers: headers)
            : Representation(data: Data(TraceHTML.page(view).utf8), contentType: "text/html; charset=utf-8", headers: headers)
        // A page is made for each scan, so it is compressed at zlib's fastest level (as nginx's
        // default gzip_comp_level is), not once at a slow one as the kept feed files are.
        var fast = representation
        let body = representation.data
        fast.gzipped = { Gzip.compress(body, level: 1) }
        var response = fast.response(to: request, cacheControl: cacheControl)
        if response.headers[.vary] == "Accept-Encoding" { response.headers[.vary] = "Accept, Accept-Encoding" }
        return response
    }

    static func productPage(_ page: ProductPage, request: Request) -> Response {
        let view = PublicProduct(page, today: LocalDate(Date()))
        var html = Representation(data: Data(ProductPageHTML.page(view).utf8), contentType: "text/html; charset=utf-8",
                                  headers: productPageHeaders)
        let body = html.data
        html.gzipped = { Gzip.compress(body, level: 1) }
        return html.response(to: request, cacheControl: cacheControl)
    }

    static func notFound(_ request: Request, vi: String, en: String) -> Response {
        var headers = securityHeaders
        headers[.cacheControl] = "public, max-age=60"
        headers[.vary] = "Accept"
        if wantsJSONLD(request) {
            var response = JSONBody.response(APIError.ErrorBody(error: .init(code: "not_found", message: en)), status: .notFound)
            response.headers.append(contentsOf: headers)
            return response
        }
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: .notFound, headers: headers,
                        body: .init(byteBuffer: ByteBuffer(bytes: Data(TraceHTML.errorPage(vi: vi, en: en).utf8))))
    }
}
