import Foundation

/// A file attached to a row: a product photo, a scanned certificate, a dossier's documents, a lab
/// report (`attachments`, tenant scope).
///
/// The row describes the file; the bytes are kept apart, addressed by their SHA-256, so a file
/// that several rows use is stored and sent once. Rows sync like any other; files follow them.
public struct FileAttachment: OCOPRecord {
    public static let schema = OCOPSchema.attachments

    /// Largest file accepted: a multi-page scan at 300 dpi fits; a video does not.
    public static let maximumBytes: Int64 = 32 * 1024 * 1024

    /// The tables a file can be attached to.
    public static let ownerTables: [String] = [
        OCOPSchema.products.name, OCOPSchema.producers.name, OCOPSchema.certificates.name,
        OCOPSchema.dossiers.name, OCOPSchema.batches.name, OCOPSchema.inspections.name,
    ]

    /// What the file is, which decides where it may be shown.
    public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
        /// A picture of the product, its package or the place it is made.
        case photo
        /// The signed certification decision or certificate, scanned.
        case certificateScan = "certificate_scan"
        /// A document of an application dossier (application form, business registration, plan).
        case dossierDocument = "dossier_document"
        /// A laboratory's test report.
        case labReport = "lab_report"
        /// A person's identity card or similar: personal data, never published.
        case identityDocument = "identity_document"
        /// Anything else, kept for the office.
        case other
    }

    public var id: UUID
    public var tenantID: UUID
    /// The table of the row the file belongs to (one of ``ownerTables``).
    public var ownerTable: String
    /// That row's id.
    public var ownerID: UUID
    public var role: Role
    /// SHA-256 of the file's bytes, 64 lower-case hex digits.
    public var sha256: String
    /// The type recognised from the bytes when the file was attached.
    public var mediaType: AttachmentMediaType
    /// The file's size in bytes.
    public var byteCount: Int64
    /// A caption or document title, e.g. `Mặt trước hộp 500 g`.
    public var title: String?
    public var recordedOn: LocalDate
    /// Who attached it.
    public var recordedBy: String

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case tenantID = "tenant_id"
        case ownerTable = "owner_table"
        case ownerID = "owner_id"
        case role
        case sha256
        case mediaType = "media_type"
        case byteCount = "byte_count"
        case title
        case recordedOn = "recorded_on"
        case recordedBy = "recorded_by"
    }

    /// Text is trimmed and normalised to NFC; the hash is kept in lower case.
    public init(id: UUID = UUIDv7.generate(), tenantID: UUID, ownerTable: String, ownerID: UUID, role: Role,
                sha256: String, mediaType: AttachmentMediaType, byteCount: Int64, title: String? = nil,
                recordedOn: LocalDate, recordedBy: String) {
        self.id = id
        self.tenantID = tenantID
        self.ownerTable = ownerTable
        self.ownerID = ownerID
        self.role = role
        self.sha256 = sha256.lowercased()
        self.mediaType = mediaType
        self.byteCount = byteCount
        self.title = title?.trimmedNFCOrNil()
        self.recordedOn = recordedOn
        self.recordedBy = recordedBy.trimmedNFC()
    }

    /// Checks: an owner table files can be attached to; a SHA-256 in hex; a size from 1 byte to
    /// ``maximumBytes``; a photo is a picture; who attached it.
    public func validationErrors(reference: ReferenceData) -> [ValidationError] {
        var check = FieldChecks(Self.schema.name)
        if !Self.ownerTables.contains(ownerTable) {
            check.fail("owner_table", "\"\(ownerTable)\" is not a table files are attached to (\(Self.ownerTables.joined(separator: ", ")))")
        }
        if !Self.isSHA256(sha256) {
            check.fail("sha256", "\"\(sha256.prefix(80))\" is not a SHA-256 digest: expected 64 lower-case hex digits")
        }
        if byteCount < 1 || byteCount > Self.maximumBytes {
            check.fail("byte_count", "\(byteCount) bytes is outside 1 to \(Self.maximumBytes) (32 MiB)")
        }
        if role == .photo, !mediaType.isImage {
            check.fail("media_type", "a photo must be JPEG, PNG or WebP, not \(mediaType.rawValue)")
        }
        check.optionalText(title, "title")
        check.requiredText(recordedBy, "recorded_by")
        return check.errors
    }

    /// Whether `text` is 64 lower-case hex digits.
    public static func isSHA256(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// Whether the file may leave the national store beyond the central office (feeds, public
    /// pages): only product, lot and certificate pictures and certificate scans, and for a
    /// household (a natural person, whose certificate names its owner) only pictures of its
    /// products and lots. Identity documents, dossiers, lab reports and anything attached to a
    /// producer itself stay inside.
    public func isPublic(ownerIsHousehold: Bool) -> Bool {
        switch role {
        case .photo:
            return [OCOPSchema.products.name, OCOPSchema.batches.name].contains(ownerTable)
                || (ownerTable == OCOPSchema.certificates.name && !ownerIsHousehold)
        case .certificateScan:
            return ownerTable == OCOPSchema.certificates.name && !ownerIsHousehold
        case .dossierDocument, .labReport, .identityDocument, .other:
            return false
        }
    }
}
