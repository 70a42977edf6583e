import Foundation
import OCOPModel
import OCOPReplica
import OCOPSync

extension SQLiteNationalReader: NationalReads {}

// The store reads through a ``SQLiteNationalReader`` over its own connection; feeds first
// number the writes captured but not yet numbered (central writes, the sqlite3 shell), so a
// feed never misses a change it will later have to publish.
extension SQLiteNationalStore: NationalReads {
    public func certifiedProducts(on date: LocalDate) async throws -> [CertifiedProduct] { try await reader.certifiedProducts(on: date) }
    public func certificatesDue(through limit: LocalDate) async throws -> [CertificateDue] { try await reader.certificatesDue(through: limit) }
    public func fiveStarCandidates() async throws -> [FiveStarCandidate] { try await reader.fiveStarCandidates() }
    public func provinceSyncStatuses(now: Date) async throws -> [ProvinceSyncStatus] { try await reader.provinceSyncStatuses(now: now) }

    public func products(matching filter: ProductFilter) async throws -> [ProductSummary] { try await reader.products(matching: filter) }
    public func product(id: UUID, date: LocalDate) async throws -> ProductDetail? { try await reader.product(id: id, date: date) }
    public func producers(matching filter: ProducerFilter) async throws -> [ProducerSummary] { try await reader.producers(matching: filter) }
    public func producer(id: UUID, date: LocalDate) async throws -> ProducerSummary? { try await reader.producer(id: id, date: date) }
    public func tenantID(provinceCode code: String) async throws -> UUID? { try await reader.tenantID(provinceCode: code) }

    public func productRecord(id: UUID) async throws -> Product? { try await reader.productRecord(id: id) }
    public func evaluationRecord(id: UUID) async throws -> Evaluation? { try await reader.evaluationRecord(id: id) }
    public func certificateRecord(id: UUID) async throws -> Certificate? { try await reader.certificateRecord(id: id) }
    public func certificates(ofProduct productID: UUID) async throws -> [Certificate] { try await reader.certificates(ofProduct: productID) }
    public func certificate(numbered number: String) async throws -> Certificate? { try await reader.certificate(numbered: number) }
    public func attachments(withHash sha256: String) async throws -> [FileAttachment] { try await reader.attachments(withHash: sha256) }
    public func attachments(of ownerTable: String, id: UUID) async throws -> [FileAttachment] {
        try await reader.attachments(of: ownerTable, id: id)
    }
    public func referencedFileHashes() async throws -> Set<String> { try await reader.referencedFileHashes() }
    public func recentProductPhotos(limit: Int) async throws -> [FileAttachment] { try await reader.recentProductPhotos(limit: limit) }
    public func attachmentFiles(ofTenant tenantID: UUID) async throws -> [(sha256: String, bytes: Int64)] {
        try await reader.attachmentFiles(ofTenant: tenantID)
    }
    public func activeCertificates(expiringBefore date: LocalDate) async throws -> [Certificate] {
        try await reader.activeCertificates(expiringBefore: date)
    }

    public func inspectionKey(id: UUID) async throws -> InspectionKey? { try await reader.inspectionKey(id: id) }

    public func certificateEvents(ofCertificates ids: [UUID]) async throws -> [CertificateEvent] {
        try await reader.certificateEvents(ofCertificates: ids)
    }

    public func lotTrace(_ key: LotTrace.Key) async throws -> LotTrace? { try await reader.lotTrace(key) }
    public func productPage(_ key: ProductPage.Key) async throws -> ProductPage? { try await reader.productPage(key) }

    public func epcisChanges(since position: UInt64, limit: Int) async throws -> EPCISChanges {
        try await numberPendingWrites()
        return try await reader.epcisChanges(since: position, limit: limit)
    }

    public func conflicts() async throws -> [ConflictItem] { try await reader.conflicts() }

    public func feedPosition() async throws -> UInt64 {
        try await numberPendingWrites()
        return try await reader.feedPosition()
    }

    public func readFeed<T: Sendable>(since position: UInt64?, _ body: @escaping @Sendable (FeedSource) throws -> T) async throws -> T {
        try await numberPendingWrites()
        return try await reader.readFeed(since: position, body)
    }

    public func query(_ statement: String) async throws -> QueryResult { try await reader.query(statement) }

    private func numberPendingWrites() async throws {
        let replica = self.replica
        _ = try await StoreThreads.write { try replica.stamp() }
    }
}
