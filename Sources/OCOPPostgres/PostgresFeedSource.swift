import Foundation
import OCOPModel
import OCOPReplica
import OCOPStore
import OCOPSync
import PostgresNIO

/// What a partner feed is made from, read whole from one snapshot into memory.
///
/// ``FeedSource`` asks for a row's latest write clock synchronously and after the read; SQLite
/// answers from its open read transaction, PostgreSQL cannot. So the read keeps the stored sync
/// metadata of every row the feed may ask about, and decodes it only for the rows it does ask
/// about (a feed entry's product, producer, certificate and province).
struct PostgresFeedRead: Sendable {
    var position: UInt64
    var tombstonesCollectedThrough: UInt64
    var products: [Product]
    var producers: [Producer]
    var tenants: [Tenant]
    var certificates: [Certificate]
    var certificateEvents: [CertificateEvent]
    var consents: [ProducerConsent]
    var offers: [ProductOffer]
    var attachments: [FileAttachment]
    var materialAreas: [MaterialArea]
    var growingAreaCodes: [GrowingAreaCode]
    var changes: FeedChanges?
    /// Each row's `_meta`, by table name and id.
    var metadata: [String: [UUID: [UInt8]]]
    /// The replica numbering of the snapshot, which the metadata refers to.
    var replicas: [(index: UInt64, replica: ReplicaID)]

    /// Reads everything in the caller's transaction, which must be one snapshot (REPEATABLE
    /// READ): positions commit in order, so rows numbered after ``position`` are not in it and
    /// a night's merge is seen whole or not at all.
    static func read(_ store: PostgresNationalStore, _ connection: PostgresConnection, since: UInt64?) async throws -> PostgresFeedRead {
        let position = UInt64(max(try ReadRow(try await store.rows(connection, "SELECT position FROM _sync_feed WHERE id = 1")[0]).int64(0), 0))
        var key = PostgresBindings()
        key.append(PostgresNationalStore.tombstonesCollectedKey)
        let collected = try await store.rows(connection, "SELECT value FROM _server_state WHERE key = $1", key).first
            .map { try ReadRow($0).int64(0) } ?? 0
        var replicas: [(index: UInt64, replica: ReplicaID)] = []
        for row in try await store.rows(connection, "SELECT idx, id FROM _sync_replicas") {
            let row = ReadRow(row)
            if let id = ReplicaID(bytes: try row.bytes(1) ?? []) { replicas.append((UInt64(try row.int64(0)), id)) }
        }
        var metadata: [String: [UUID: [UInt8]]] = [:]
        let products = try await live(Product.self, store, connection, metadata: &metadata)
        let producers = try await live(Producer.self, store, connection, metadata: &metadata)
        let tenants = try await live(Tenant.self, store, connection, metadata: &metadata)
        let certificates = try await live(Certificate.self, store, connection, metadata: &metadata)
        let certificateEvents = try await live(CertificateEvent.self, store, connection, metadata: &metadata)
        let consents = try await live(ProducerConsent.self, store, connection, metadata: &metadata)
        let offers = try await live(ProductOffer.self, store, connection, metadata: &metadata)
        let attachments = try await live(FileAttachment.self, store, connection, metadata: &metadata,
                                         where: "owner_table IN ('products', 'certificates')")
        let materialAreas = try await live(MaterialArea.self, store, connection, metadata: &metadata)
        let growingAreaCodes = try await live(GrowingAreaCode.self, store, connection, metadata: &metadata)
        // A product may still name a province that was deleted: its tombstone has the clock.
        for row in try await store.rows(connection, "SELECT id, _meta FROM \"\(PostgresSchema.tombName(Tenant.schema))\"") {
            let row = ReadRow(row)
            metadata[Tenant.schema.name, default: [:]][try row.uuid(0)] = try row.bytes(1) ?? []
        }
        var changes: FeedChanges?
        // A cursor ahead of the store is the caller's to refuse; there is nothing after it.
        if let since, since <= position {
            changes = try await changed(after: Int64(since), store, connection)
        }
        return PostgresFeedRead(
            position: position, tombstonesCollectedThrough: UInt64(max(collected, 0)), products: products, producers: producers,
            tenants: tenants, certificates: certificates, certificateEvents: certificateEvents, consents: consents,
            offers: offers, attachments: attachments, materialAreas: materialAreas, growingAreaCodes: growingAreaCodes,
            changes: changes, metadata: metadata, replicas: replicas)
    }

    /// The live rows of a table as records, in id order, keeping each row's metadata.
    private static func live<Record: SyncedRecord>(
        _ type: Record.Type, _ store: PostgresNationalStore, _ connection: PostgresConnection, metadata: inout [String: [UUID: [UInt8]]],
        where condition: String? = nil
    ) async throws -> [Record] {
        let schema = Record.schema
        let columns = schema.columns.map { "\"\($0.name)\"" }.joined(separator: ", ")
        var records: [Record] = []
        var metas: [UUID: [UInt8]] = [:]
        let filter = condition.map { " WHERE " + $0 } ?? ""
        for row in try await store.rows(connection, "SELECT id, \(columns), _meta FROM \"\(schema.name)\"\(filter) ORDER BY id") {
            let row = ReadRow(row)
            let record = try PostgresNationalStore.record(Record.self, from: row)
            metas[record.id] = try row.bytes(schema.columns.count + 1) ?? []
            records.append(record)
        }
        metadata[schema.name] = metas
        return records
    }

    /// The rows changed after `position` that can change a feed entry, live or deleted.
    private static func changed(after position: Int64, _ store: PostgresNationalStore, _ connection: PostgresConnection) async throws -> FeedChanges {
        var bindings = PostgresBindings()
        bindings.append(position)
        func keys(_ schema: TableSchema, _ column: String = "id") async throws -> Set<UUID> {
            let sql = [schema.name, PostgresSchema.tombName(schema)]
                .map { "SELECT \(column) FROM \"\($0)\" WHERE _seq > $1" }.joined(separator: " UNION ALL ")
            var found = Set<UUID>()
            for row in try await store.rows(connection, sql, bindings) {
                if let key = try ReadRow(row).optionalUUID(0) { found.insert(key) }
            }
            return found
        }
        var changes = FeedChanges()
        changes.products = try await keys(Product.schema)
        changes.producers = try await keys(Producer.schema)
        changes.tenantsChanged = try await !keys(Tenant.schema).isEmpty
        // A deleted certificate is found in its tombstone, with its product.
        changes.certificateProducts = try await keys(Certificate.schema, "product_id")
        // A certificate's new fact changes its product's entry; a consent, its producer's.
        let events = [CertificateEvent.schema.name, PostgresSchema.tombName(CertificateEvent.schema)]
            .map { "SELECT certificate_id FROM \"\($0)\" WHERE _seq > $1" }.joined(separator: " UNION ALL ")
        for row in try await store.rows(connection, "SELECT product_id FROM certificates WHERE id IN (\(events))", bindings) {
            if let product = try ReadRow(row).optionalUUID(0) { changes.certificateProducts.insert(product) }
        }
        changes.producers.formUnion(try await keys(ProducerConsent.schema, "producer_id"))
        // An offer's id is its product's; an area's code changes its products' entries.
        changes.products.formUnion(try await keys(ProductOffer.schema))
        changes.materialAreas = try await keys(MaterialArea.schema).union(try await keys(GrowingAreaCode.schema, "material_area_id"))
        // A product's photo changes its entry; a certificate's scan, its product's.
        let attached = [FileAttachment.schema.name, PostgresSchema.tombName(FileAttachment.schema)]
            .map { "SELECT owner_table, owner_id FROM \"\($0)\" WHERE _seq > $1" }.joined(separator: " UNION ALL ")
        for row in try await store.rows(connection, """
            SELECT a.owner_table, a.owner_id, c.product_id FROM (\(attached)) a LEFT JOIN certificates c ON a.owner_table = 'certificates' AND c.id = a.owner_id
            WHERE a.owner_table IN ('products', 'certificates')
            """, bindings) {
            let row = ReadRow(row)
            if let product = try row.optionalUUID(2) { changes.certificateProducts.insert(product) }
            if try row.text(0) == Product.schema.name, let owner = try row.optionalUUID(1) { changes.products.insert(owner) }
        }
        return changes
    }

    /// The ``FeedSource`` over what was read; valid for as long as it is kept.
    func source() -> FeedSource {
        let directory = ReplicaDirectory(entries: replicas)
        let metadata = self.metadata
        return FeedSource(
            position: position, tombstonesCollectedThrough: tombstonesCollectedThrough, products: products,
            producers: producers, tenants: tenants, certificates: certificates, certificateEvents: certificateEvents,
            consents: consents, offers: offers, attachments: attachments, materialAreas: materialAreas,
            growingAreaCodes: growingAreaCodes, changes: changes,
            lastChange: { table, id in
                guard let bytes = metadata[table]?[id], let schema = OCOPSchema.table(named: table) else { return .zero }
                let meta: RowMeta
                do {
                    meta = try RowMeta(decoding: bytes, columnCount: schema.columns.count, directory: directory)
                } catch {
                    throw ReplicaError.corrupt("sync metadata of \(table) row \(SyncValue.blob(ChangePolicy.bytes(of: id))) is unreadable: \(error)")
                }
                var newest = meta.existence?.stamp.hlc ?? .zero
                for case let stamp? in meta.columnStamps { newest = max(newest, stamp.hlc) }
                return newest
            })
    }
}
