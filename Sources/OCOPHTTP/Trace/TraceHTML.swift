import Foundation
import OCOPModel

/// A lot's trace page and the trace error pages as HTML: one self-contained document each
/// (inline CSS, no script, no fonts or images from elsewhere), Vietnamese first with the English
/// beside it, laid out for a phone held upright.
enum TraceHTML {
    /// Text escaped for HTML content and attribute values.
    static func escape(_ text: String) -> String {
        // Most texts (names, dates, numbers) have nothing to escape: hand them back as they are.
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">")
            || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") }) else { return text }
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    static let style = """
        :root{color-scheme:light;--ink:#1b2a1f;--muted:#5b6b60;--line:#d9e2db;--ok:#1d6b35;--bad:#a11d1d;--warn:#8a5a00}
        *{box-sizing:border-box}body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:#f6f8f6}
        main{max-width:40rem;margin:0 auto;padding:1rem}header{background:#1d6b35;color:#fff;padding:1rem}
        header p{margin:.2rem 0 0;opacity:.9;font-size:.9rem}h1{font-size:1.35rem;margin:0}h2{font-size:1.1rem;margin:1.4rem 0 .5rem}
        .en{color:var(--muted);font-size:.9em}header .en{color:#e3efe6}section{background:#fff;border:1px solid var(--line);border-radius:.6rem;padding:.8rem 1rem;margin:.8rem 0}
        dl{display:grid;grid-template-columns:minmax(7rem,40%) 1fr;gap:.3rem .8rem;margin:0}dt{color:var(--muted)}dd{margin:0;overflow-wrap:anywhere}
        ol{padding-left:1.2rem;margin:0}li{margin:.5rem 0}.ok{color:var(--ok);font-weight:600}.bad{color:var(--bad);font-weight:700}.warn{color:var(--warn);font-weight:600}
        .tag{display:inline-block;border-radius:.3rem;padding:0 .35rem;font-size:.85rem;border:1px solid currentColor}
        footer{color:var(--muted);font-size:.8rem;padding:1rem}#photos img{display:block;max-width:100%;height:auto;border-radius:.4rem;margin:.3rem 0}
        """

    static func document(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="vi">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex">
        <title>\(escape(title))</title>
        <style>\(style)</style>
        </head>
        <body>
        \(body)
        </body>
        </html>

        """
    }

    /// "Vietnamese <span class=en>English</span>".
    static func both(_ vi: String, _ en: String) -> String {
        "\(escape(vi)) <span class=\"en\" lang=\"en\">/ \(escape(en))</span>"
    }

    static func row(_ vi: String, _ en: String, _ value: String, id: String? = nil) -> String {
        "<dt>\(both(vi, en))</dt><dd\(id.map { " id=\"\($0)\"" } ?? "")>\(value)</dd>"
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    static func day(_ date: LocalDate) -> String {
        let parts = date.description.split(separator: "-")
        return parts.count == 3 ? "\(parts[2])/\(parts[1])/\(parts[0])" : date.description
    }

    static let businessSteps: [String: (vi: String, en: String)] = [
        "harvesting": ("Thu hoạch", "Harvesting"), "commissioning": ("Tạo lô", "Commissioning"), "packing": ("Đóng gói", "Packing"),
        "unpacking": ("Mở gói", "Unpacking"), "inspecting": ("Kiểm tra", "Inspecting"), "sampling": ("Lấy mẫu", "Sampling"),
        "shipping": ("Xuất hàng", "Shipping"), "receiving": ("Nhận hàng", "Receiving"), "storing": ("Lưu kho", "Storing"),
        "transforming": ("Chế biến / phối trộn", "Transforming"), "creating_class_instance": ("Tạo lô", "Creating lot"),
        "retail_selling": ("Bán lẻ", "Retail selling"), "destroying": ("Tiêu huỷ", "Destroying"),
    ]

    static func kind(_ kind: Inspection.Kind) -> String {
        switch kind {
        case .inspection: return both("Thanh tra, kiểm tra", "Inspection")
        case .sampling: return both("Lấy mẫu", "Sampling")
        case .labResult: return both("Kết quả kiểm nghiệm", "Lab result")
        }
    }

    static func status(_ status: CertificateStatus?) -> String {
        switch status {
        case .active: return "<span class=\"ok\" data-status=\"active\">\(both("Còn hiệu lực", "In force"))</span>"
        case .expired: return "<span class=\"warn\" data-status=\"expired\">\(both("Hết hiệu lực", "Expired"))</span>"
        case .revoked: return "<span class=\"bad\" data-status=\"revoked\">\(both("Đã bị thu hồi", "Revoked"))</span>"
        case .superseded: return "<span class=\"warn\" data-status=\"superseded\">\(both("Đã được thay thế", "Superseded"))</span>"
        case nil: return "<span class=\"warn\" data-status=\"not_yet\">\(both("Chưa có hiệu lực", "Not yet in force"))</span>"
        }
    }

    static func producerType(_ type: ProducerType) -> String {
        switch type {
        case .cooperative: return both("Hợp tác xã", "Cooperative")
        case .enterprise: return both("Doanh nghiệp", "Enterprise")
        case .cooperativeGroup: return both("Tổ hợp tác", "Cooperative group")
        case .household: return both("Hộ sản xuất", "Household producer")
        }
    }

    /// The trace page of a lot.
    static func page(_ trace: PublicTrace) -> String {
        var body = "<header><h1 id=\"product\">\(escape(trace.productName))</h1>"
        if let en = trace.productNameEn { body += "<p class=\"en\" lang=\"en\">\(escape(en))</p>" }
        body += "<p>\(both("Truy xuất nguồn gốc sản phẩm OCOP", "OCOP product traceability"))</p></header><main>"

        body += "<section><h2>\(both("Lô hàng", "Lot"))</h2><dl>"
        body += row("Mã lô", "Lot code", escape(trace.lotCode), id: "lot-code")
        if let gtin = trace.gtin { body += row("Mã GTIN", "GTIN", escape(gtin.gtin14), id: "gtin") }
        body += row("Ngày sản xuất", "Produced on", day(trace.producedOn), id: "produced-on")
        if let quantity = trace.quantity {
            body += row("Số lượng", "Quantity", escape(number(quantity) + " " + (trace.unit ?? "")), id: "quantity")
        }
        body += "</dl>"
        if let vi = trace.descriptionVi { body += "<p>\(escape(vi))</p>" }
        if let en = trace.descriptionEn { body += "<p class=\"en\" lang=\"en\">\(escape(en))</p>" }
        body += "</section>"

        body += certificateSection(trace.certificates, today: trace.today)
        body += producerSection(name: trace.producerName, type: trace.producerType, commune: trace.commune, province: trace.provinceName)

        if !trace.places.isEmpty {
            body += "<section><h2>\(both("Vùng nguyên liệu", "Material area"))</h2>"
            for place in trace.places {
                body += "<dl>" + row("Vùng", "Area", escape(place.areaName))
                if let commune = place.commune { body += row("Xã, phường", "Commune", escape(commune)) }
                if let area = place.areaHa { body += row("Diện tích", "Size", escape(number(area) + " ha")) }
                for code in place.codes {
                    let validity = code.validToday ? "<span class=\"ok\">\(both("còn hiệu lực", "valid"))</span>" : "<span class=\"warn\">\(both("hết hiệu lực", "not valid today"))</span>"
                    body += row("Mã số vùng trồng", "Growing-area code",
                                "<span data-growing-area-code=\"\(escape(code.code))\">\(escape(code.code))</span> — \(escape(code.crop)); \(escape(code.issuedBy)), \(both("từ", "from")) \(day(code.validFrom))\(code.validUntil.map { " \(both("đến", "until")) \(day($0))" } ?? ""); \(validity)")
                }
                body += "</dl>"
            }
            body += "</section>"
        }

        body += "<section><h2>\(both("Hành trình sản phẩm", "Chain of events"))</h2>"
        if trace.events.isEmpty {
            body += "<p>\(both("Chưa có sự kiện nào được ghi", "No events recorded"))</p>"
        } else {
            body += "<ol id=\"events\">"
            for event in trace.events {
                let step = businessSteps[event.bizStep] ?? (event.bizStep, event.bizStep)
                body += "<li data-step=\"\(escape(event.bizStep))\" data-lot=\"\(escape(event.lotCode))\"><strong>\(both(step.vi, step.en))</strong> — \(escape(event.time)) (UTC+7)<br>"
                body += "\(both("Lô", "Lot")) \(escape(event.lotCode))\(event.isThisLot ? "" : " (\(escape(event.productName)))")"
                if let quantity = event.quantity { body += ", \(escape(number(quantity) + " " + (event.unit ?? "")))" }
                if let place = event.place { body += "<br>\(both("Tại", "At")) \(escape(place))" }
                if !event.inputs.isEmpty {
                    body += "<br>\(both("Từ các lô", "From lots")): " + event.inputs.map { "<span data-input=\"\(escape($0))\">\(escape($0))</span>" }.joined(separator: "; ")
                }
                body += "</li>"
            }
            body += "</ol>"
        }
        body += "</section>"

        body += "<section><h2>\(both("Kiểm tra, kiểm nghiệm", "Inspections"))</h2>"
        if trace.inspections.isEmpty {
            body += "<p>\(both("Chưa có kết quả kiểm tra", "No inspections recorded"))</p>"
        } else {
            body += "<ol id=\"inspections\">"
            for inspection in trace.inspections {
                let verdict = inspection.verdict == .pass
                    ? "<span class=\"ok\">\(both("Đạt", "Pass"))</span>" : "<span class=\"bad\">\(both("Không đạt", "Fail"))</span>"
                let signature = inspection.signatureVerified
                    ? "<span class=\"ok tag\" data-signature=\"verified\">✔ \(both("Chữ ký hợp lệ", "Signature verified"))</span>"
                    : "<span class=\"bad tag\" data-signature=\"not-verified\">✘ \(both("KHÔNG XÁC MINH ĐƯỢC", "NOT VERIFIED"))</span>"
                body += "<li data-inspection=\"\(inspection.id.uuidString.lowercased())\" data-verdict=\"\(inspection.verdict.rawValue)\">"
                body += "<strong>\(kind(inspection.kind))</strong> — \(day(inspection.inspectedOn))<br>\(both("Kết luận", "Verdict")): \(verdict)<br>"
                if let findings = inspection.findings { body += "\(escape(findings))<br>" }
                body += "\(escape(inspection.office ?? "")) — \(escape(inspection.inspector))<br>\(signature)"
                if !inspection.signatureVerified {
                    body += "<br><span class=\"bad\">\(both("Nội dung này không khớp chữ ký của cơ quan kiểm tra: có thể đã bị sửa đổi.", "This record does not match the inspecting office's signature: it may have been altered."))</span>"
                }
                body += "</li>"
            }
            body += "</ol>"
        }
        body += "</section></main>"
        body += "<footer>\(both("Dữ liệu từ hệ thống OCOP quốc gia; trạng thái tính theo ngày", "Data from the national OCOP system; status as of")) \(day(trace.today)) (UTC+7).</footer>"
        return document(title: "\(trace.productName) — \(trace.lotCode)", body: body)
    }

    /// The OCOP certificates section: newest first, each with its status on `today`.
    static func certificateSection(_ certificates: [PublicTrace.CertificateEntry], today: LocalDate) -> String {
        var body = ""
        body += "<section><h2>\(both("Chứng nhận OCOP", "OCOP certificate"))</h2>"
        if certificates.isEmpty {
            body += "<p id=\"certificate\">\(both("Chưa có chứng nhận OCOP", "No OCOP certificate"))</p>"
        } else {
            body += "<ol id=\"certificates\">"
            for certificate in certificates.reversed() {
                body += "<li data-certificate=\"\(escape(certificate.number))\"><strong>\(String(repeating: "★", count: certificate.stars)) \(certificate.stars) sao</strong> "
                body += "— \(both("Số", "No.")) \(escape(certificate.number))<br>\(status(certificate.status)) "
                body += "<span>(\(both("ngày", "on")) \(day(today)))</span><br>"
                body += "\(both("Cấp ngày", "Issued")) \(day(certificate.issuedOn)), \(both("hết hạn", "expires")) \(day(certificate.expiresOn)) — \(escape(certificate.issuer))</li>"
            }
            body += "</ol>"
        }
        body += "</section>"
        return body
    }

    /// The producer section: its public name (a household's neutral label), form and place.
    static func producerSection(name: String, type: ProducerType, commune: String?, province: String?) -> String {
        var body = ""
        body += "<section><h2>\(both("Cơ sở sản xuất", "Producer"))</h2><dl>"
        body += row("Tên", "Name", escape(name), id: "producer")
        body += row("Loại hình", "Type", producerType(type))
        if let commune { body += row("Xã, phường", "Commune", escape(commune), id: "commune") }
        if let province { body += row("Tỉnh, thành phố", "Province", escape(province), id: "province") }
        body += "</dl></section>"
        return body
    }

    /// A trace error page: what went wrong, in both languages, and nothing else.
    static func errorPage(vi: String, en: String) -> String {
        document(title: "Không tìm thấy / Not found", body: """
            <header><h1>\(both("Không tìm thấy lô hàng", "Lot not found"))</h1></header>
            <main><section><p id="reason">\(escape(vi))</p><p class="en" lang="en" id="reason-en">\(escape(en))</p>
            <p>\(both("Hãy kiểm tra lại mã trên bao bì.", "Please check the code on the package."))</p></section></main>
            """)
    }
}
