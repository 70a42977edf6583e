import Foundation
import GRDB
import OCOPModel
import OCOPReplica

// A lot's trace (NationalReads), every read by primary key or an index: products by `gtin`,
// lots by `(product_id, lot_code)`, events by `lot_id`, inspections by `lot_id` and
// `product_id`, certificates by `product_id`, their events by `certificate_id`.
//
// A public page is read for every scan, so each statement is prepared once per connection and
// kept (`cachedStatement`): compiling SQL, and GRDB's authorizer watching the compilation, cost
// more than running it. Sets of keys are bound as `IN (?, ?, …)`, one kept statement per size.
extension SQLiteNationalReader {
    public func lotTrace(_ key: LotTrace.Key) async throws -> LotTrace? {
        try await reading { db in
            guard let lot = try Self.lot(db, key),
                  let product = try Self.fetch(Product.self, db, where: "id", in: [lot.productID]).first
            else { return nil }
            var walk = UpstreamWalk(from: lot.id)
            while !walk.frontier.isEmpty {
                let events = try Self.fetch(LotEvent.self, db, where: "lot_id", in: Array(walk.frontier), limit: walk.eventLimit)
                let next = walk.add(events: events)
                walk.add(lots: next.isEmpty ? [] : try Self.fetch(Batch.self, db, where: "id", in: Array(next)))
            }
            let lots = [lot] + walk.lots
            let upstreamProducts = try Self.fetch(Product.self, db, where: "id", in: Array(Set(walk.lots.map(\.productID)).subtracting([product.id])))
            let areaIDs = Array(Set(lots.compactMap(\.materialAreaID) + [product.materialAreaID].compactMap { $0 }))
            let inspections = try Self.fetch(Inspection.self, db, where: "lot_id", in: lots.map(\.id))
                + Inspection.fetchAll(db.cachedStatement(sql: "SELECT * FROM inspections WHERE product_id = ? AND lot_id IS NULL"),
                                      arguments: [product.id])
            let certificates = try Self.fetch(Certificate.self, db, where: "product_id", in: [product.id])
            let upstreamProducerIDs = Array(Set(upstreamProducts.map { $0.producerID }).subtracting([product.producerID]))
            return LotTrace(
                lot: lot, product: product,
                producer: try Self.fetch(Producer.self, db, where: "id", in: [product.producerID]).first,
                consents: try Self.fetch(ProducerConsent.self, db, where: "producer_id", in: [product.producerID] + upstreamProducerIDs),
                tenant: try Self.fetch(Tenant.self, db, where: "id", in: [product.tenantID]).first,
                upstreamLots: walk.lots, upstreamProducts: upstreamProducts,
                upstreamProducers: try Self.fetch(Producer.self, db, where: "id", in: upstreamProducerIDs),
                materialAreas: try Self.fetch(MaterialArea.self, db, where: "id", in: areaIDs),
                growingAreaCodes: try Self.fetch(GrowingAreaCode.self, db, where: "material_area_id", in: areaIDs),
                events: walk.events, inspections: inspections,
                inspectionKeys: try Self.fetch(InspectionKey.self, db, where: "id", in: Array(Set(inspections.map(\.keyID)))),
                certificates: certificates,
                certificateEvents: try Self.fetch(CertificateEvent.self, db, where: "certificate_id", in: certificates.map(\.id)))
        }
    }

    public func productPage(_ key: ProductPage.Key) async throws -> ProductPage? {
        try await reading { db in
            let product: Product?
            switch key {
            case .id(let id): product = try Self.fetch(Product.self, db, where: "id", in: [id]).first
            case .gtin(let gtin):
                let forms = gtin.storedForms
                product = try Product.fetchOne(db.cachedStatement(
                    sql: "SELECT * FROM products WHERE gtin IN (\(Self.placeholders(forms.count))) ORDER BY id LIMIT 1"
                ), arguments: StatementArguments(forms))
            }
            guard let product else { return nil }
            let certificates = try Self.fetch(Certificate.self, db, where: "product_id", in: [product.id])
            let area = product.materialAreaID.map { [$0] } ?? []
            return ProductPage(
                product: product,
                producer: try Self.fetch(Producer.self, db, where: "id", in: [product.producerID]).first,
                consents: try Self.fetch(ProducerConsent.self, db, where: "producer_id", in: [product.producerID]),
                tenant: try Self.fetch(Tenant.self, db, where: "id", in: [product.tenantID]).first,
                certificates: certificates,
                certificateEvents: try Self.fetch(CertificateEvent.self, db, where: "certificate_id", in: certificates.map(\.id)),
                offer: try Self.fetch(ProductOffer.self, db, where: "id", in: [product.id]).first,
                attachments: try Self.fetch(FileAttachment.self, db, where: "owner_id", in: [product.id]).filter { $0.ownerTable == Product.schema.name },
                materialArea: try Self.fetch(MaterialArea.self, db, where: "id", in: area).first,
                growingAreaCodes: try Self.fetch(GrowingAreaCode.self, db, where: "material_area_id", in: area),
                lots: try Batch.fetchAll(db.cachedStatement(
                    sql: "SELECT * FROM batches WHERE product_id = ? ORDER BY produced_on DESC, id DESC LIMIT \(ProductPage.lotLimit)"
                ), arguments: [product.id]))
        }
    }

    /// The records of `Record`'s table whose `column` is one of `keys`, through a kept statement.
    private static func fetch<Record: FetchableRecord & TableRecord>(
        _ type: Record.Type, _ db: Database, where column: String, in keys: [UUID], limit: Int? = nil
    ) throws -> [Record] {
        guard !keys.isEmpty else { return [] }
        let list = keys.count == 1 ? "= ?" : "IN (\(placeholders(keys.count)))"
        let statement = try db.cachedStatement(
            sql: "SELECT * FROM \"\(Record.databaseTableName)\" WHERE \"\(column)\" \(list)\(limit == nil ? "" : " LIMIT ?")"
        )
        return try Record.fetchAll(statement, arguments: StatementArguments(keys) + StatementArguments(limit.map { [$0] } ?? []))
    }

    /// `?, ?, …`: `count` parameters of an `IN` list.
    private static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }

    private static func lot(_ db: Database, _ key: LotTrace.Key) throws -> Batch? {
        switch key {
        case .id(let id):
            return try fetch(Batch.self, db, where: "id", in: [id]).first
        case .gtin(let gtin, let lotCode):
            let forms = gtin.storedForms
            let products = try UUID.fetchAll(db.cachedStatement(
                sql: "SELECT id FROM products WHERE gtin IN (\(placeholders(forms.count)))"
            ), arguments: StatementArguments(forms))
            guard !products.isEmpty else { return nil }
            return try Batch.fetchOne(db.cachedStatement(
                sql: "SELECT * FROM batches WHERE product_id IN (\(placeholders(products.count))) AND lot_code = ? ORDER BY id LIMIT 1"
            ), arguments: StatementArguments(products) + [lotCode])
        }
    }
}

// The incremental EPCIS export (NationalReads): rows in feed order (the national store's
// `_sync_rows` is keyed by feed position), records by primary key.
extension SQLiteNationalReader {
    public func epcisChanges(since position: UInt64, limit: Int) async throws -> EPCISChanges {
        let storage = self.storage
        return try await reading { db in
            let current = UInt64(max(try SyncMeta.int(db, .feedSequence) ?? 0, 0))
            let tables = [LotEvent.schema.name, Inspection.schema.name].compactMap { name in storage.tables.firstIndex { $0.schema.name == name } }
            let list = tables.map(String.init).joined(separator: ", ")
            let cutoff = try Int64.fetchOne(db, sql: """
                SELECT seq FROM _sync_rows WHERE seq > ? AND tbl IN (\(list)) ORDER BY seq LIMIT 1 OFFSET ?
                """, arguments: [Int64(position), max(limit, 1) - 1]).map(UInt64.init)
            let through = max(cutoff ?? current, position)
            var eventIDs: [UUID] = [], inspectionIDs: [UUID] = []
            for row in try Row.fetchAll(db, sql: "SELECT tbl, pk FROM _sync_rows WHERE seq > ? AND seq <= ? AND tbl IN (\(list))",
                                        arguments: [Int64(position), Int64(through)]) {
                guard let key = UUID.fromDatabaseValue(row[1]) else { continue }
                if storage.tables[row[0] as Int].schema.name == LotEvent.schema.name { eventIDs.append(key) } else { inspectionIDs.append(key) }
            }
            let events = try LotEvent.fetchAll(db, keys: eventIDs)
            let inspections = try Inspection.fetchAll(db, keys: inspectionIDs)
            let lots = try Batch.fetchAll(db, keys: EPCISChanges.lotIDs(events: events, inspections: inspections))
            return EPCISChanges(
                events: events, inspections: inspections, lots: lots,
                products: try Product.fetchAll(db, keys: Set(lots.map(\.productID) + inspections.map(\.productID))),
                keys: try InspectionKey.fetchAll(db, keys: Set(inspections.map(\.keyID))),
                through: through, isComplete: through >= current)
        }
    }
}
