import Foundation
import OCOPModel

/// Whether a file may be served to anyone (feeds link it, a phone opens it): one rule, from the
/// rows that use it (``OCOPModel/FileAttachment/isPublic(ownerIsHousehold:)``).
extension NationalReads {
    /// The type of the file with this hash if at least one row that uses it may be published,
    /// else `nil` (no row uses it, or every one is kept inside the offices).
    public func publicMediaType(ofFile sha256: String) async throws -> AttachmentMediaType? {
        guard FileAttachment.isSHA256(sha256) else { return nil }
        for attachment in try await attachments(withHash: sha256) {
            if attachment.isPublic(ownerIsHousehold: try await ownerIsHousehold(attachment)) { return attachment.mediaType }
        }
        return nil
    }

    /// Whether the producer behind an attachment's row is a household; `true` when it cannot be
    /// told (a row not found publishes nothing that might name a person).
    private func ownerIsHousehold(_ attachment: FileAttachment) async throws -> Bool {
        var productID: UUID?
        switch attachment.ownerTable {
        case Product.schema.name: productID = attachment.ownerID
        case Certificate.schema.name: productID = try await certificateRecord(id: attachment.ownerID)?.productID
        case Batch.schema.name: return false  // a lot's picture shows goods; the rule does not ask
        default: return true
        }
        guard let productID, let product = try await productRecord(id: productID),
              let producer = try await producer(id: product.producerID, date: LocalDate(Date())) else { return true }
        return producer.type == ProducerType.household.rawValue
    }
}
