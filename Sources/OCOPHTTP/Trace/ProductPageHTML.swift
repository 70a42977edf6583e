import Foundation
import OCOPModel

/// A product's public page as HTML, in the trace pages' style: Vietnamese first with English
/// beside it, no script, the product's photos as web-sized copies from this server.
enum ProductPageHTML {
    static func page(_ product: PublicProduct) -> String {
        typealias H = TraceHTML
        var body = "<header><h1 id=\"product\">\(H.escape(product.name))</h1>"
        if let en = product.nameEn { body += "<p class=\"en\" lang=\"en\">\(H.escape(en))</p>" }
        body += "<p>\(H.both("Sản phẩm OCOP", "OCOP product"))</p></header><main>"

        if !product.photos.isEmpty {
            body += "<section id=\"photos\">"
            for (index, sha256) in product.photos.enumerated() {
                body += "<img src=\"/files/\(sha256)/web\" alt=\"\(H.escape(product.name)) — ảnh \(index + 1)\" loading=\"lazy\">"
            }
            body += "</section>"
        }

        body += "<section><h2>\(H.both("Sản phẩm", "Product"))</h2><dl>"
        if let gtin = product.gtin { body += H.row("Mã GTIN", "GTIN", H.escape(gtin.gtin14), id: "gtin") }
        if let offer = product.offer {
            if let price = offer.priceVND {
                body += H.row("Giá bán lẻ", "Retail price", H.escape(ProductOffer.groupedThousands(price) + " ₫"), id: "price")
            }
            if let quantity = offer.netQuantity, let unit = offer.netUnit {
                body += H.row("Khối lượng tịnh", "Net content", H.escape(H.number(quantity) + " " + unit.rawValue), id: "net-content")
            }
            body += H.row("Tình trạng", "Availability", availability(offer.availability), id: "availability")
        }
        body += "</dl>"
        if let vi = product.descriptionVi { body += "<p>\(H.escape(vi))</p>" }
        if let en = product.descriptionEn { body += "<p class=\"en\" lang=\"en\">\(H.escape(en))</p>" }
        body += "</section>"

        body += H.certificateSection(product.certificates, today: product.today)
        body += H.producerSection(name: product.producerName, type: product.producerType, commune: product.commune,
                                  province: product.provinceName)

        if let area = product.areaName {
            body += "<section><h2>\(H.both("Vùng nguyên liệu", "Material area"))</h2><dl>" + H.row("Vùng", "Area", H.escape(area))
            for code in product.growingAreaCodes {
                body += H.row("Mã số vùng trồng", "Growing-area code", "<span data-growing-area-code=\"\(H.escape(code))\">\(H.escape(code))</span>")
            }
            body += "</dl></section>"
        }

        body += "<section><h2>\(H.both("Các lô gần đây", "Latest lots"))</h2>"
        if product.lots.isEmpty {
            body += "<p>\(H.both("Chưa có lô hàng nào được ghi", "No lots recorded"))</p>"
        } else {
            body += "<ol id=\"lots\">"
            for lot in product.lots {
                body += "<li><a href=\"\(H.escape(lot.link))\" data-lot=\"\(H.escape(lot.code))\">\(H.escape(lot.code))</a> — \(H.both("sản xuất", "produced")) \(H.day(lot.producedOn))</li>"
            }
            body += "</ol>"
        }
        body += "</section></main>"
        body += "<footer>\(H.both("Dữ liệu từ hệ thống OCOP quốc gia; trạng thái tính theo ngày", "Data from the national OCOP system; status as of")) \(H.day(product.today)) (UTC+7).</footer>"
        return H.document(title: product.name, body: body)
    }

    static func availability(_ availability: ProductOffer.Availability) -> String {
        switch availability {
        case .inStock: return "<span class=\"ok\">\(TraceHTML.both("Còn hàng", "In stock"))</span>"
        case .outOfStock: return "<span class=\"warn\">\(TraceHTML.both("Hết hàng", "Out of stock"))</span>"
        case .preOrder: return TraceHTML.both("Đặt trước", "Pre-order")
        case .discontinued: return "<span class=\"warn\">\(TraceHTML.both("Ngừng sản xuất", "Discontinued"))</span>"
        }
    }
}
