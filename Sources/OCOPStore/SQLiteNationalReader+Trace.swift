import Foundation
import GRDB
import OCOPModel
import OCOPReplica

// A lot's trace (NationalReads), every read by primary key or an index: products by `gtin`,
// lots by `(product_id, lot_code)`, events by `lot_id`, inspections by `lot_id` and
// `product_id`, certificates by `product_id`, their events by `certificate_id`.
extension SQLiteNationalReader {
    public func lotTrace(_ key: LotTrace.Key) async throws -> LotTrace? {
        try await reading { db in
            guard let lot = try Self.lot(db, key), let product = try Product.fetchOne(db, key: lot.productID) else { return nil }
            var walk = UpstreamWalk(from: lot.id)
            while !walk.frontier.isEmpty {
                let events = try LotEvent.filter(walk.frontier.contains(Column("lot_id"))).limit(walk.eventLimit).fetchAll(db)
                let next = walk.add(events: events)
                walk.add(lots: next.isEmpty ? [] : try Batch.fetchAll(db, keys: next))
            }
            let lots = [lot] + walk.lots
            let upstreamProducts = try Product.fetchAll(db, keys: Set(walk.lots.map(\.productID)).subtracting([product.id]))
            let areaIDs = Set(lots.compactMap(\.materialAreaID) + [product.materialAreaID].compactMap { $0 })
            let lotIDs = lots.map(\.id)
            let inspections = try Inspection.filter(lotIDs.contains(Column("lot_id"))).fetchAll(db)
                + Inspection.filter(Column("product_id") == product.id && Column("lot_id") == nil).fetchAll(db)
            let certificates = try Certificate.filter(Column("product_id") == product.id).fetchAll(db)
            return LotTrace(
                lot: lot, product: product,
                producer: try Producer.fetchOne(db, key: product.producerID),
                consents: try ProducerConsent.filter(Column("producer_id") == product.producerID).fetchAll(db),
                tenant: try Tenant.fetchOne(db, key: product.tenantID),
                upstreamLots: walk.lots, upstreamProducts: upstreamProducts,
                materialAreas: try MaterialArea.fetchAll(db, keys: areaIDs),
                growingAreaCodes: try GrowingAreaCode.filter(areaIDs.contains(Column("material_area_id"))).fetchAll(db),
                events: walk.events, inspections: inspections,
                inspectionKeys: try InspectionKey.fetchAll(db, keys: Set(inspections.map(\.keyID))),
                certificates: certificates,
                certificateEvents: try CertificateEvent.filter(certificates.map(\.id).contains(Column("certificate_id"))).fetchAll(db))
        }
    }

    private static func lot(_ db: Database, _ key: LotTrace.Key) throws -> Batch? {
        switch key {
        case .id(let id):
            return try Batch.fetchOne(db, key: id)
        case .gtin(let gtin, let lotCode):
            let products = try UUID.fetchAll(db, Product.select(Column("id")).filter(gtin.storedForms.contains(Column("gtin"))))
            return try Batch.filter(products.contains(Column("product_id")) && Column("lot_code") == lotCode)
                .order(Column("id")).fetchOne(db)
        }
    }
}

// The incremental EPCIS export (NationalReads): rows by the feed's position index
// (`_sync_rows_by_seq`), records by primary key.
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
