import Foundation
import GRDB
import OCOPModel
import OCOPReplica
import OCOPSync

// What the partner feeds are made from (NationalReads), in one read transaction.
extension SQLiteNationalReader {
    public func feedPosition() async throws -> UInt64 {
        try await reading { db in UInt64(max(try SyncMeta.int(db, .feedSequence) ?? 0, 0)) }
    }

    public func readFeed<T: Sendable>(since position: UInt64?, _ body: @escaping @Sendable (FeedSource) throws -> T) async throws -> T {
        let storage = self.storage
        return try await reading { db in try body(try Self.feedSource(db, since: position, storage: storage)) }
    }

    static func feedSource(_ db: Database, since position: UInt64?, storage: SyncStorage) throws -> FeedSource {
        let sequence = UInt64(max(try SyncMeta.int(db, .feedSequence) ?? 0, 0))
        let collected = UInt64(max(try SQLiteNationalStore.tombstonesCollectedThrough(db), 0))
        let products = try Product.fetchAll(db)
        var changes: FeedChanges?
        // A cursor ahead of the store is the caller's to refuse; there is nothing after it.
        if let position, position <= sequence {
            var changed = FeedChanges()
            let rows = try Row.fetchAll(db, sql: "SELECT tbl, pk FROM _sync_rows WHERE seq > ?", arguments: [Int64(position)])
            for row in rows {
                let index: Int = row[0]
                guard storage.tables.indices.contains(index), let key = UUID.fromDatabaseValue(row[1]) else { continue }
                switch storage.tables[index].schema.name {
                case Product.schema.name: changed.products.insert(key)
                case Producer.schema.name: changed.producers.insert(key)
                case Tenant.schema.name: changed.tenantsChanged = true
                case Certificate.schema.name:
                    // A deleted certificate is found in its graveyard, with its product.
                    if let product = try UUID.fetchOne(db, sql: """
                        SELECT product_id FROM certificates WHERE id = ?
                        UNION ALL SELECT product_id FROM "\(SyncSchemaSQL.graveyard(Certificate.schema))" WHERE id = ? LIMIT 1
                        """, arguments: [key, key]) {
                        changed.certificateProducts.insert(product)
                    }
                case CertificateEvent.schema.name:
                    if let product = try UUID.fetchOne(db, sql: """
                        SELECT c.product_id FROM certificates c WHERE c.id IN (
                          SELECT certificate_id FROM certificate_events WHERE id = ?1
                          UNION ALL SELECT certificate_id FROM "\(SyncSchemaSQL.graveyard(CertificateEvent.schema))" WHERE id = ?1) LIMIT 1
                        """, arguments: [key]) {
                        changed.certificateProducts.insert(product)
                    }
                case ProducerConsent.schema.name:
                    if let producer = try UUID.fetchOne(db, sql: """
                        SELECT producer_id FROM producer_consents WHERE id = ?1
                        UNION ALL SELECT producer_id FROM "\(SyncSchemaSQL.graveyard(ProducerConsent.schema))" WHERE id = ?1 LIMIT 1
                        """, arguments: [key]) {
                        changed.producers.insert(producer)
                    }
                case ProductOffer.schema.name:
                    // An offer's id is its product's.
                    changed.products.insert(key)
                case MaterialArea.schema.name: changed.materialAreas.insert(key)
                case GrowingAreaCode.schema.name:
                    if let area = try UUID.fetchOne(db, sql: """
                        SELECT material_area_id FROM growing_area_codes WHERE id = ?1
                        UNION ALL SELECT material_area_id FROM "\(SyncSchemaSQL.graveyard(GrowingAreaCode.schema))" WHERE id = ?1 LIMIT 1
                        """, arguments: [key]) {
                        changed.materialAreas.insert(area)
                    }
                case FileAttachment.schema.name:
                    // A product's photo changes its entry; a certificate's scan, its product's.
                    if let row = try Row.fetchOne(db, sql: """
                        SELECT owner_table, owner_id FROM attachments WHERE id = ?1
                        UNION ALL SELECT owner_table, owner_id FROM "\(SyncSchemaSQL.graveyard(FileAttachment.schema))" WHERE id = ?1 LIMIT 1
                        """, arguments: [key]), let owner = UUID.fromDatabaseValue(row[1]) {
                        let table: String = row[0]
                        if table == Product.schema.name { changed.products.insert(owner) }
                        if table == Certificate.schema.name,
                           let product = try UUID.fetchOne(db, sql: "SELECT product_id FROM certificates WHERE id = ?", arguments: [owner]) {
                            changed.certificateProducts.insert(product)
                        }
                    }
                default: break
                }
            }
            changes = changed
        }
        let directory = try ReplicaDirectory(db)
        return FeedSource(
            position: sequence, tombstonesCollectedThrough: collected, products: products,
            producers: try Producer.fetchAll(db), tenants: try Tenant.fetchAll(db), certificates: try Certificate.fetchAll(db),
            certificateEvents: try CertificateEvent.fetchAll(db), consents: try ProducerConsent.fetchAll(db),
            offers: try ProductOffer.fetchAll(db),
            attachments: try FileAttachment.fetchAll(db, sql: "SELECT * FROM attachments WHERE owner_table IN ('products', 'certificates')"),
            materialAreas: try MaterialArea.fetchAll(db), growingAreaCodes: try GrowingAreaCode.fetchAll(db),
            changes: changes,
            lastChange: { table, id in
                guard let synced = storage.table(named: table),
                      let state = try storage.loadState(db, synced, pk: id.databaseValue, directory: directory) else { return .zero }
                var newest = state.existence?.stamp.hlc ?? .zero
                for write in state.columns.values { newest = max(newest, write.stamp.hlc) }
                return newest
            })
    }
}
