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
