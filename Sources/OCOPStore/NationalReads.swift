import Foundation
import OCOPModel
import OCOPSync

/// What the central office reads from the national dataset: the facts behind its reports,
/// lookups, conflict review and partner feeds, as typed values.
///
/// Each method is one consistent read (one transaction). The composition of these values into
/// reports, pages and feed documents is the callers' (OCOPQuery, OCOPFeeds), written once for
/// every backend; what a backend supplies is only what needs its query language.
public protocol NationalReads: Sendable {
    // MARK: Reports

    /// Products with a certificate in force on `date` (stored status active and
    /// `issued_on ≤ date ≤ expires_on`), once each, at their highest star level.
    func certifiedProducts(on date: LocalDate) async throws -> [CertifiedProduct]

    /// Active certificates expiring on or before `limit`, and certificates stored as expired,
    /// by expiry date then number.
    func certificatesDue(through limit: LocalDate) async throws -> [CertificateDue]

    /// Products whose latest evaluation earned 5★ with no central 5★ certificate for it yet.
    func fiveStarCandidates() async throws -> [FiveStarCandidate]

    /// Per province account, where its sync stands at `now`; ``ProvinceSyncStatus/pendingConflicts``
    /// is left 0 for the caller, who knows which conflicts count as pending.
    func provinceSyncStatuses(now: Date) async throws -> [ProvinceSyncStatus]

    // MARK: Lookups

    /// Products matching `filter`, in id order (callers sort by name for people).
    func products(matching filter: ProductFilter) async throws -> [ProductSummary]

    /// One product with its certificates, evaluations and merge origin; nil if there is none.
    func product(id: UUID, date: LocalDate) async throws -> ProductDetail?

    /// Producers matching `filter`, in id order.
    func producers(matching filter: ProducerFilter) async throws -> [ProducerSummary]

    /// One producer; nil if there is none.
    func producer(id: UUID, date: LocalDate) async throws -> ProducerSummary?

    /// The tenant with a province code (the current one if an old code was reused), nil if
    /// no tenant ever had it.
    func tenantID(provinceCode code: String) async throws -> UUID?

    // MARK: Records the central office decides on

    /// The product with `id` as a record, for a decision to check (nil if there is none).
    func productRecord(id: UUID) async throws -> Product?
    /// The evaluation with `id` as a record (nil if there is none).
    func evaluationRecord(id: UUID) async throws -> Evaluation?
    /// The certificate with `id` as a record (nil if there is none).
    func certificateRecord(id: UUID) async throws -> Certificate?
    /// A product's certificates by issue date, then id.
    func certificates(ofProduct productID: UUID) async throws -> [Certificate]
    /// The certificate with this number, if one has it.
    func certificate(numbered number: String) async throws -> Certificate?
    /// Active certificates whose `expires_on` is before `date`, by expiry then id.
    func activeCertificates(expiringBefore date: LocalDate) async throws -> [Certificate]
    /// The attachments whose file has this SHA-256 (lower-case hex), by id.
    func attachments(withHash sha256: String) async throws -> [FileAttachment]
    /// The latest photos of products, newest first (by the day attached, then id).
    func recentProductPhotos(limit: Int) async throws -> [FileAttachment]
    /// Every file hash some live attachment row refers to (what the server's collection keeps).
    func referencedFileHashes() async throws -> Set<String>
    /// The distinct files a province's attachments describe: hash and size.
    func attachmentFiles(ofTenant tenantID: UUID) async throws -> [(sha256: String, bytes: Int64)]
    /// The attachments of one row (`owner_table`, `owner_id`), oldest first.
    func attachments(of ownerTable: String, id: UUID) async throws -> [FileAttachment]
    /// The dated facts (issued, superseded, revoked, expired) of these certificates, by
    /// effective date then id.
    func certificateEvents(ofCertificates ids: [UUID]) async throws -> [CertificateEvent]
    /// The inspection office's key with `id` (nil if there is none).
    func inspectionKey(id: UUID) async throws -> InspectionKey?

    // MARK: Trace

    /// A lot's public trace (``LotTrace``) by its id or by GTIN and lot code; nil if no lot
    /// answers to it (a lot code of another product's lot included). Indexed lookups only:
    /// the page is public and the dataset national.
    func lotTrace(_ key: LotTrace.Key) async throws -> LotTrace?

    /// What a product's public page shows, found by id or GTIN; nil if there is no such product.
    func productPage(_ key: ProductPage.Key) async throws -> ProductPage?

    /// Lot events and inspections written after feed position `position`, at least `limit`
    /// rows' worth when there are that many (a page ends with every row of its last position),
    /// by the feed's position index.
    func epcisChanges(since position: UInt64, limit: Int) async throws -> EPCISChanges

    // MARK: Conflicts

    /// Every recorded conflict with both sides and its resolution, oldest losing write first.
    func conflicts() async throws -> [ConflictItem]

    // MARK: Feeds

    /// The position a feed read now would end at (after numbering writes not yet numbered).
    func feedPosition() async throws -> UInt64

    /// Runs `body` over one consistent read of what the partner feeds publish, and returns
    /// what it makes of it: a night's merge is seen whole or not at all.
    func readFeed<T: Sendable>(since position: UInt64?, _ body: @escaping @Sendable (FeedSource) throws -> T) async throws -> T

    // MARK: Ad hoc

    /// Runs one read-only statement in the backend's own query language (`ocop query`); a
    /// statement that would write is refused with ``QueryError/Code/writeRefused``.
    func query(_ statement: String) async throws -> QueryResult
}
