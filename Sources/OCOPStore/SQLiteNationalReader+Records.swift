import Foundation
import GRDB
import OCOPModel
import OCOPReplica

// Records the central office decides on (NationalReads).
extension SQLiteNationalReader {
    public func productRecord(id: UUID) async throws -> Product? {
        try await reading { db in try Product.fetchOne(db, key: id) }
    }

    public func evaluationRecord(id: UUID) async throws -> Evaluation? {
        try await reading { db in try Evaluation.fetchOne(db, key: id) }
    }

    public func certificateRecord(id: UUID) async throws -> Certificate? {
        try await reading { db in try Certificate.fetchOne(db, key: id) }
    }

    public func certificates(ofProduct productID: UUID) async throws -> [Certificate] {
        try await reading { db in
            try Certificate.filter(Column("product_id") == productID).order(Column("issued_on"), Column("id")).fetchAll(db)
        }
    }

    public func certificate(numbered number: String) async throws -> Certificate? {
        try await reading { db in try Certificate.filter(Column("number") == number).fetchOne(db) }
    }

    public func activeCertificates(expiringBefore date: LocalDate) async throws -> [Certificate] {
        try await reading { db in
            try Certificate.filter(Column("status") == CertificateStatus.active.rawValue && Column("expires_on") < date.description)
                .order(Column("expires_on"), Column("id")).fetchAll(db)
        }
    }

    public func attachments(withHash sha256: String) async throws -> [FileAttachment] {
        try await reading { db in try FileAttachment.filter(Column("sha256") == sha256).order(Column("id")).fetchAll(db) }
    }

    public func recentProductPhotos(limit: Int) async throws -> [FileAttachment] {
        try await reading { db in
            try FileAttachment.fetchAll(db, sql: """
                SELECT * FROM attachments WHERE owner_table = 'products' AND role = 'photo' ORDER BY recorded_on DESC, id DESC LIMIT ?
                """, arguments: [limit])
        }
    }

    public func referencedFileHashes() async throws -> Set<String> {
        try await reading { db in Set(try String.fetchAll(db, sql: "SELECT DISTINCT sha256 FROM attachments")) }
    }

    public func attachmentFiles(ofTenant tenantID: UUID) async throws -> [(sha256: String, bytes: Int64)] {
        try await reading { db in
            try Row.fetchAll(db, sql: "SELECT DISTINCT sha256, byte_count FROM attachments WHERE tenant_id = ?", arguments: [tenantID])
                .map { (sha256: $0[0] as String, bytes: $0[1] as Int64) }
        }
    }

    public func attachments(of ownerTable: String, id: UUID) async throws -> [FileAttachment] {
        try await reading { db in
            try FileAttachment.filter(Column("owner_id") == id && Column("owner_table") == ownerTable)
                .order(Column("recorded_on"), Column("id")).fetchAll(db)
        }
    }

    public func inspectionKey(id: UUID) async throws -> InspectionKey? {
        try await reading { db in try InspectionKey.fetchOne(db, key: id) }
    }

    public func certificateEvents(ofCertificates ids: [UUID]) async throws -> [CertificateEvent] {
        try await reading { db in
            var events: [CertificateEvent] = []
            // In chunks: SQLite caps the number of parameters of one statement.
            for start in stride(from: 0, to: ids.count, by: 500) {
                let chunk = ids[start..<min(start + 500, ids.count)]
                events += try CertificateEvent.filter(chunk.contains(Column("certificate_id"))).fetchAll(db)
            }
            return events.sorted { ($0.effectiveOn, $0.id.uuidString) < ($1.effectiveOn, $1.id.uuidString) }
        }
    }
}
