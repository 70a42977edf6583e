import Crypto
import Foundation

/// An inspection office's Ed25519 public key (`inspection_keys`, central scope: the central
/// office registers the keys, every replica receives them), against which the office's
/// inspections are verified.
public struct InspectionKey: OCOPRecord {
    public static let schema = OCOPSchema.inspectionKeys

    public var id: UUID
    /// The office, e.g. `Chi cục Quản lý chất lượng Nông lâm sản và Thủy sản tỉnh Lào Cai`.
    public var office: String
    /// The province the office belongs to (its code), nil for a central office.
    public var tenantCode: String?
    /// The raw 32-byte Ed25519 public key, base64.
    public var publicKey: String
    public var validFrom: LocalDate
    public var validUntil: LocalDate?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id, office
        case tenantCode = "tenant_code"
        case publicKey = "public_key"
        case validFrom = "valid_from"
        case validUntil = "valid_until"
    }

    public init(id: UUID = UUIDv7.generate(), office: String, tenantCode: String?, publicKey: String, validFrom: LocalDate,
                validUntil: LocalDate? = nil) {
        self.id = id
        self.office = office.trimmedNFC()
        self.tenantCode = tenantCode?.trimmedNFCOrNil()
        self.publicKey = publicKey.trimmingCharacters(in: .whitespacesAndNewlines)
        self.validFrom = validFrom
        self.validUntil = validUntil
    }

    /// The key, if ``publicKey`` is a base64 Ed25519 public key.
    public var signingKey: Curve25519.Signing.PublicKey? {
        Data(base64Encoded: publicKey).flatMap { try? Curve25519.Signing.PublicKey(rawRepresentation: $0) }
    }

    /// Whether the key may sign on `date`.
    public func isValid(on date: LocalDate) -> Bool {
        validFrom <= date && (validUntil.map { date <= $0 } ?? true)
    }

    /// Checks: office named; the key is a base64 Ed25519 public key; validity in order.
    public func validationErrors(reference: ReferenceData) -> [ValidationError] {
        var check = FieldChecks(Self.schema.name)
        check.requiredText(office, "office")
        if signingKey == nil { check.fail("public_key", "is not a base64 Ed25519 public key (32 bytes)") }
        if let validUntil, validUntil < validFrom { check.fail("valid_until", "\(validUntil) is before valid_from \(validFrom)") }
        return check.errors
    }
}

/// The state's word on a product or one of its lots (`inspections`, tenant scope): an
/// inspection, a sampling or a lab result, with its verdict, signed by the issuing office.
///
/// The signature is Ed25519 over ``signedBytes``: the record's fields (all but `signature`) as
/// one JSON object, keys sorted, no whitespace, UTF-8, NFC text — so anyone holding the office's
/// public key can check, offline, that not one character was altered, also in a copy sent to a
/// partner. `Protocol/INSPECTIONS.md` specifies it for other implementations.
public struct Inspection: OCOPRecord {
    public static let schema = OCOPSchema.inspections

    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case inspection
        case sampling
        case labResult = "lab_result"
    }

    public enum Verdict: String, Sendable, Hashable, Codable, CaseIterable {
        case pass
        case fail
    }

    public var id: UUID
    public var tenantID: UUID
    public var productID: UUID
    public var lotID: UUID?
    /// The ``InspectionKey`` that signed it.
    public var keyID: UUID
    public var kind: Kind
    public var inspectedOn: LocalDate
    public var verdict: Verdict
    public var findings: String
    /// The inspector (an official acting for the office; not a producer's personal data).
    public var inspector: String
    /// Ed25519 signature of ``signedBytes``, base64.
    public var signature: String

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case tenantID = "tenant_id"
        case productID = "product_id"
        case lotID = "lot_id"
        case keyID = "key_id"
        case kind
        case inspectedOn = "inspected_on"
        case verdict, findings, inspector, signature
    }

    public init(id: UUID = UUIDv7.generate(), tenantID: UUID, productID: UUID, lotID: UUID?, keyID: UUID, kind: Kind,
                inspectedOn: LocalDate, verdict: Verdict, findings: String, inspector: String, signature: String = "") {
        self.id = id
        self.tenantID = tenantID
        self.productID = productID
        self.lotID = lotID
        self.keyID = keyID
        self.kind = kind
        self.inspectedOn = inspectedOn
        self.verdict = verdict
        self.findings = findings.trimmedNFC()
        self.inspector = inspector.trimmedNFC()
        self.signature = signature
    }

    /// The bytes the signature covers: every field but the signature, as a JSON object with
    /// keys sorted, no whitespace, `/` unescaped, text in NFC; ids lower-case, dates `YYYY-MM-DD`,
    /// an absent lot `null`.
    public var signedBytes: Data {
        func quoted(_ text: String) -> String {
            let data = (try? JSONEncoder.canonical.encode(text.precomposedStringWithCanonicalMapping)) ?? Data("\"\"".utf8)
            return String(decoding: data, as: UTF8.self)
        }
        let fields: [(String, String)] = [
            ("findings", quoted(findings)), ("id", quoted(id.uuidString.lowercased())), ("inspected_on", quoted(inspectedOn.description)),
            ("inspector", quoted(inspector)), ("key_id", quoted(keyID.uuidString.lowercased())), ("kind", quoted(kind.rawValue)),
            ("lot_id", lotID.map { quoted($0.uuidString.lowercased()) } ?? "null"),
            ("product_id", quoted(productID.uuidString.lowercased())), ("tenant_id", quoted(tenantID.uuidString.lowercased())),
            ("verdict", quoted(verdict.rawValue)),
        ]
        return Data(("{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}").utf8)
    }

    /// A copy signed with `key`.
    public func signed(with key: Curve25519.Signing.PrivateKey) throws -> Inspection {
        var copy = self
        copy.signature = try key.signature(for: signedBytes).base64EncodedString()
        return copy
    }

    /// Whether the signature verifies against `key`.
    public func isSigned(by key: InspectionKey) -> Bool {
        guard key.id == keyID, let publicKey = key.signingKey, let bytes = Data(base64Encoded: signature) else { return false }
        return publicKey.isValidSignature(bytes, for: signedBytes)
    }

    /// Checks: findings and inspector present; the signature is base64 of 64 bytes. Whether it
    /// verifies needs the key: ``isSigned(by:)``, which the server applies to every push.
    public func validationErrors(reference: ReferenceData) -> [ValidationError] {
        var check = FieldChecks(Self.schema.name)
        check.requiredText(findings, "findings", maximumLength: FieldChecks.maximumTextLength)
        check.requiredText(inspector, "inspector")
        if Data(base64Encoded: signature)?.count != 64 { check.fail("signature", "is not a base64 Ed25519 signature (64 bytes)") }
        if inspectedOn < ReferenceData.programmeStart {
            check.fail("inspected_on", "\(inspectedOn) is before the OCOP programme began (\(ReferenceData.programmeStart))")
        }
        return check.errors
    }
}

extension JSONEncoder {
    /// Sorted keys, `/` unescaped: the one JSON form signatures are taken over.
    static let canonical: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
