import Foundation
import OCOPModel
import OCOPReplica
import OCOPStore

// Records the central office decides on (NationalReads), read whole (every column) so the
// decision checks the same record it would on SQLite.
extension PostgresNationalStore {
    public func productRecord(id: UUID) async throws -> Product? { try await record(Product.self, id: id) }

    public func evaluationRecord(id: UUID) async throws -> Evaluation? { try await record(Evaluation.self, id: id) }

    public func certificateRecord(id: UUID) async throws -> Certificate? { try await record(Certificate.self, id: id) }

    public func certificates(ofProduct productID: UUID) async throws -> [Certificate] {
        var parameters = ReadParameters()
        let product = parameters.bind(productID)
        return try await reading { connection in
            try await records(Certificate.self, connection, "WHERE product_id = \(product) ORDER BY issued_on COLLATE \"C\", id", parameters)
        }
    }

    public func certificate(numbered number: String) async throws -> Certificate? {
        var parameters = ReadParameters()
        let wanted = parameters.bind(number)
        return try await reading { connection in
            try await records(Certificate.self, connection, "WHERE number = \(wanted) LIMIT 1", parameters).first
        }
    }

    public func attachments(withHash sha256: String) async throws -> [FileAttachment] {
        var parameters = ReadParameters()
        let wanted = parameters.bind(sha256)
        return try await reading { connection in
            try await records(FileAttachment.self, connection, "WHERE sha256 = \(wanted) ORDER BY id", parameters)
        }
    }

    public func recentProductPhotos(limit: Int) async throws -> [FileAttachment] {
        try await reading { connection in
            try await records(FileAttachment.self, connection,
                              "WHERE owner_table = 'products' AND role = 'photo' ORDER BY recorded_on DESC, id DESC LIMIT \(max(0, limit))")
        }
    }

    public func referencedFileHashes() async throws -> Set<String> {
        try await reading { connection in
            Set(try await rows(connection, "SELECT DISTINCT sha256 FROM attachments", ReadParameters().bindings).map { try ReadRow($0).text(0) })
        }
    }

    public func attachmentFiles(ofTenant tenantID: UUID) async throws -> [(sha256: String, bytes: Int64)] {
        var parameters = ReadParameters()
        let tenant = parameters.bind(tenantID)
        return try await reading { connection in
            try await rows(connection, "SELECT DISTINCT sha256, byte_count FROM attachments WHERE tenant_id = \(tenant)", parameters.bindings).map { row in
                let row = ReadRow(row)
                return (sha256: try row.text(0), bytes: try row.int64(1))
            }
        }
    }

    public func attachments(of ownerTable: String, id: UUID) async throws -> [FileAttachment] {
        var parameters = ReadParameters()
        let table = parameters.bind(ownerTable)
        let owner = parameters.bind(id)
        return try await reading { connection in
            try await records(FileAttachment.self, connection, "WHERE owner_id = \(owner) AND owner_table = \(table) ORDER BY recorded_on, id", parameters)
        }
    }

    public func activeCertificates(expiringBefore date: LocalDate) async throws -> [Certificate] {
        var parameters = ReadParameters()
        let status = parameters.bind(CertificateStatus.active.rawValue)
        let day = parameters.bind(date.description)
        return try await reading { connection in
            try await records(Certificate.self, connection, """
                WHERE status = \(status) AND expires_on < \(day) COLLATE "C" ORDER BY expires_on COLLATE "C", id
                """, parameters)
        }
    }

    public func inspectionKey(id: UUID) async throws -> InspectionKey? { try await record(InspectionKey.self, id: id) }

    public func certificateEvents(ofCertificates ids: [UUID]) async throws -> [CertificateEvent] {
        var events: [CertificateEvent] = []
        for start in stride(from: 0, to: ids.count, by: 500) {
            var parameters = ReadParameters()
            let list = ids[start..<min(start + 500, ids.count)].map { parameters.bind($0) }.joined(separator: ", ")
            events += try await reading { connection in
                try await records(CertificateEvent.self, connection, "WHERE certificate_id IN (\(list))", parameters)
            }
        }
        return events.sorted { ($0.effectiveOn, $0.id.uuidString) < ($1.effectiveOn, $1.id.uuidString) }
    }

    private func record<Record: SyncedRecord>(_ type: Record.Type, id: UUID) async throws -> Record? {
        var parameters = ReadParameters()
        let key = parameters.bind(id)
        return try await reading { connection in try await records(Record.self, connection, "WHERE id = \(key)", parameters).first }
    }
}
