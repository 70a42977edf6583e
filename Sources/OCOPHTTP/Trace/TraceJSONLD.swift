import Foundation
import OCOPFeeds
import OCOPModel

/// A lot's trace as JSON-LD for programs that ask for it (`Accept: application/ld+json`): a
/// schema.org `IndividualProduct` with the GS1 Web Vocabulary's lot number, the OCOP certificate
/// as `hasCertification` with its status on the day of the request, and the chain of events and
/// inspections under the `ocop:` prefix. The same public face as the HTML page
/// (``PublicTrace``): nothing more about the producer.
enum TraceJSONLD {
    static let mediaType = "application/ld+json"

    /// An object from pairs, leaving out `nil` values.
    static func object(_ pairs: [(String, FeedJSON?)]) -> FeedJSON {
        .object(pairs.compactMap { key, value in value.map { (key, $0) } })
    }

    /// Vietnamese and, when there is one, English, as language-tagged values.
    static func text(_ vi: String?, _ en: String?) -> FeedJSON? {
        let values = [(vi, "vi"), (en, "en")].compactMap { text, language in
            text.map { object([("@value", .string($0)), ("@language", .string(language))]) }
        }
        return values.isEmpty ? nil : .array(values)
    }

    static func document(_ trace: PublicTrace, path: String) -> FeedJSON {
        let certificates: [FeedJSON] = trace.certificates.map { certificate in
            object([
                ("@type", .string("Certification")),
                ("name", .string("OCOP \(certificate.stars) sao / \(certificate.stars)-star OCOP")),
                ("certificationIdentification", .string(certificate.number)),
                ("issuedBy", object([("@type", .string("Organization")), ("name", .string(certificate.issuer))])),
                ("validFrom", .string(certificate.issuedOn.description)),
                ("expires", .string(certificate.expiresOn.description)),
                ("certificationRating", object([("@type", .string("Rating")), ("ratingValue", .int(certificate.stars)), ("bestRating", .int(5))])),
                ("certificationStatus", .string(certificate.status == .active ? "CertificationActive" : "CertificationInactive")),
                ("ocop:statusOn", .string(trace.today.description)),
                ("ocop:status", .string(certificate.status?.rawValue ?? "not_yet_issued")),
            ])
        }
        let places: [FeedJSON] = trace.places.map { place in
            object([
                ("@type", .string("Place")),
                ("name", .string(place.areaName)),
                ("address", place.commune.map { object([("@type", .string("PostalAddress")), ("addressLocality", .string($0)), ("addressCountry", .string("VN"))]) }),
                ("ocop:growingAreaCodes", .array(place.codes.map { code in
                    object([
                        ("ocop:code", .string(code.code)), ("ocop:crop", .string(code.crop)), ("ocop:issuedBy", .string(code.issuedBy)),
                        ("ocop:validFrom", .string(code.validFrom.description)), ("ocop:validUntil", code.validUntil.map { .string($0.description) }),
                        ("ocop:validOnScanDay", .bool(code.validToday)),
                    ])
                })),
            ])
        }
        let events: [FeedJSON] = trace.events.map { event in
            object([
                ("ocop:bizStep", .string(event.bizStep)), ("ocop:time", .string(event.time + " (UTC+7)")),
                ("ocop:lot", .string(event.lotCode)), ("ocop:product", .string(event.productName)),
                ("ocop:place", event.place.map(FeedJSON.string)), ("ocop:quantity", event.quantity.map(FeedJSON.number)),
                ("ocop:unit", event.unit.map(FeedJSON.string)),
                ("ocop:inputs", event.inputs.isEmpty ? nil : .array(event.inputs.map(FeedJSON.string))),
            ])
        }
        let inspections: [FeedJSON] = trace.inspections.map { inspection in
            object([
                ("@id", .string("urn:uuid:\(inspection.id.uuidString.lowercased())")),
                ("ocop:kind", .string(inspection.kind.rawValue)), ("ocop:inspectedOn", .string(inspection.inspectedOn.description)),
                ("ocop:verdict", .string(inspection.verdict.rawValue)), ("ocop:findings", inspection.findings.map(FeedJSON.string)),
                ("ocop:office", inspection.office.map(FeedJSON.string)), ("ocop:inspector", .string(inspection.inspector)),
                ("ocop:signatureVerified", .bool(inspection.signatureVerified)),
            ])
        }
        return object([
            ("@context", object([
                ("@vocab", .string("https://schema.org/")), ("gs1", .string("https://gs1.org/voc/")),
                ("ocop", .string("https://ocop.gov.vn/ns/trace#")),
            ])),
            ("@type", .array([.string("IndividualProduct"), .string("gs1:Product")])),
            ("@id", .string(path)),
            ("name", text(trace.productName, trace.productNameEn)),
            ("description", text(trace.descriptionVi, trace.descriptionEn)),
            ("gtin14", trace.gtin.map { .string($0.gtin14) }),
            ("gs1:gtin", trace.gtin.map { .string($0.gtin14) }),
            ("gs1:hasBatchLotNumber", .string(trace.lotCode)),
            ("productionDate", .string(trace.producedOn.description)),
            ("ocop:quantity", trace.quantity.map(FeedJSON.number)),
            ("ocop:unit", trace.unit.map(FeedJSON.string)),
            ("countryOfOrigin", object([("@type", .string("Country")), ("name", .string("VN"))])),
            ("manufacturer", object([
                ("@type", .string("Organization")), ("name", .string(trace.producerName)),
                ("ocop:producerType", .string(trace.producerType.rawValue)),
                ("address", object([
                    ("@type", .string("PostalAddress")), ("addressLocality", trace.commune.map(FeedJSON.string)),
                    ("addressRegion", trace.provinceName.map(FeedJSON.string)), ("addressCountry", .string("VN")),
                ])),
            ])),
            ("hasCertification", .array(certificates)),
            ("ocop:materialAreas", .array(places)),
            ("ocop:events", .array(events)),
            ("ocop:inspections", .array(inspections)),
            ("ocop:scanDate", .string(trace.today.description)),
        ])
    }
}
