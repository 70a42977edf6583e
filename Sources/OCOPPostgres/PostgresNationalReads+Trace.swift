import Foundation
import OCOPModel
import OCOPReplica
import OCOPStore

// A lot's trace (NationalReads), as on SQLite: one REPEATABLE READ transaction, every read by
// primary key or an index (products by `gtin`, lots by `(product_id, lot_code)`, events by
// `lot_id`, inspections by `lot_id` and `product_id`, certificates by `product_id`, their
// events by `certificate_id`).
extension PostgresNationalStore {
    public func lotTrace(_ key: LotTrace.Key) async throws -> LotTrace? {
        try await reading { connection in
            /// The records of `Record`'s table whose `column` is one of `values`.
            func among<Record: SyncedRecord>(_ type: Record.Type, _ column: String, _ values: some Collection<UUID>, limit: Int? = nil) async throws -> [Record] {
                guard !values.isEmpty else { return [] }
                var parameters = ReadParameters()
                let list = parameters.bind(Array(values))
                return try await records(Record.self, connection, "WHERE \"\(column)\" = ANY(\(list))" + (limit.map { " LIMIT \($0)" } ?? ""), parameters)
            }
            var found: Batch?
            switch key {
            case .id(let id):
                found = try await among(Batch.self, "id", [id]).first
            case .gtin(let gtin, let lotCode):
                var parameters = ReadParameters()
                let forms = parameters.bind(gtin.storedForms)
                let code = parameters.bind(lotCode)
                found = try await records(Batch.self, connection, """
                    WHERE product_id IN (SELECT id FROM products WHERE gtin = ANY(\(forms))) AND lot_code = \(code) ORDER BY id LIMIT 1
                    """, parameters).first
            }
            guard let lot = found, let product = try await among(Product.self, "id", [lot.productID]).first else { return nil }
            var walk = UpstreamWalk(from: lot.id)
            while !walk.frontier.isEmpty {
                let next = walk.add(events: try await among(LotEvent.self, "lot_id", walk.frontier, limit: walk.eventLimit))
                walk.add(lots: try await among(Batch.self, "id", next))
            }
            let lots = [lot] + walk.lots
            let areaIDs = Set(lots.compactMap(\.materialAreaID) + [product.materialAreaID].compactMap { $0 })
            var productOnly = ReadParameters()
            let productKey = productOnly.bind(product.id)
            let inspections = try await among(Inspection.self, "lot_id", lots.map(\.id))
                + records(Inspection.self, connection, "WHERE product_id = \(productKey) AND lot_id IS NULL", productOnly)
            let certificates = try await among(Certificate.self, "product_id", [product.id])
            return LotTrace(
                lot: lot, product: product,
                producer: try await among(Producer.self, "id", [product.producerID]).first,
                consents: try await among(ProducerConsent.self, "producer_id", [product.producerID]),
                tenant: try await among(Tenant.self, "id", [product.tenantID]).first,
                upstreamLots: walk.lots,
                upstreamProducts: try await among(Product.self, "id", Set(walk.lots.map(\.productID)).subtracting([product.id])),
                materialAreas: try await among(MaterialArea.self, "id", areaIDs),
                growingAreaCodes: try await among(GrowingAreaCode.self, "material_area_id", areaIDs),
                events: walk.events, inspections: inspections,
                inspectionKeys: try await among(InspectionKey.self, "id", Set(inspections.map(\.keyID))),
                certificates: certificates,
                certificateEvents: try await among(CertificateEvent.self, "certificate_id", certificates.map(\.id)))
        }
    }
}
