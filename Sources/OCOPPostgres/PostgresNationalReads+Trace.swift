import Foundation
import OCOPModel
import OCOPReplica
import OCOPStore
import PostgresNIO

// A lot's trace (NationalReads), as on SQLite: one REPEATABLE READ transaction, every read by
// primary key or an index (products by `gtin`, lots by `(product_id, lot_code)`, events by
// `lot_id`, inspections by `lot_id` and `product_id`, certificates by `product_id`, their
// events by `certificate_id`).
extension PostgresNationalStore {
    public func lotTrace(_ key: LotTrace.Key) async throws -> LotTrace? {
        try await reading { connection in
            func among<Record: SyncedRecord>(_ type: Record.Type, _ column: String, _ values: some Collection<UUID>, limit: Int? = nil) async throws -> [Record] {
                try await records(type, connection, column, among: values, limit: limit)
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
            let upstreamProducts = try await among(Product.self, "id", Set(walk.lots.map(\.productID)).subtracting([product.id]))
            let upstreamProducerIDs = Array(Set(upstreamProducts.map(\.producerID)).subtracting([product.producerID]))
            return LotTrace(
                lot: lot, product: product,
                producer: try await among(Producer.self, "id", [product.producerID]).first,
                consents: try await among(ProducerConsent.self, "producer_id", [product.producerID] + upstreamProducerIDs),
                tenant: try await among(Tenant.self, "id", [product.tenantID]).first,
                upstreamLots: walk.lots,
                upstreamProducts: upstreamProducts,
                upstreamProducers: try await among(Producer.self, "id", upstreamProducerIDs),
                materialAreas: try await among(MaterialArea.self, "id", areaIDs),
                growingAreaCodes: try await among(GrowingAreaCode.self, "material_area_id", areaIDs),
                events: walk.events, inspections: inspections,
                inspectionKeys: try await among(InspectionKey.self, "id", Set(inspections.map(\.keyID))),
                certificates: certificates,
                certificateEvents: try await among(CertificateEvent.self, "certificate_id", certificates.map(\.id)))
        }
    }
}

// The incremental EPCIS export (NationalReads): rows by their tables' `_seq` indexes, records
// by primary key.
extension PostgresNationalStore {
    public func epcisChanges(since position: UInt64, limit: Int) async throws -> EPCISChanges {
        try await reading { connection in
            let current = UInt64(max(try ReadRow(try await rows(connection, "SELECT position FROM _sync_feed WHERE id = 1")[0]).int64(0), 0))
            var page = ReadParameters()
            let after = page.bind(Int64(position))
            let offset = page.bind(Int64(max(limit, 1) - 1))
            let cutoff = try await rows(connection, """
                SELECT _seq FROM (SELECT _seq FROM lot_events WHERE _seq > \(after) UNION ALL SELECT _seq FROM inspections WHERE _seq > \(after)) s
                ORDER BY _seq LIMIT 1 OFFSET \(offset)
                """, page.bindings).first.map { UInt64(try ReadRow($0).int64(0)) }
            let through = max(cutoff ?? current, position)
            var range = ReadParameters()
            let clause = "WHERE _seq > \(range.bind(Int64(position))) AND _seq <= \(range.bind(Int64(through)))"
            let events = try await records(LotEvent.self, connection, clause, range)
            let inspections = try await records(Inspection.self, connection, clause, range)
            func among<Record: SyncedRecord>(_ type: Record.Type, _ ids: some Collection<UUID>) async throws -> [Record] {
                try await records(type, connection, "id", among: ids)
            }
            let lots = try await among(Batch.self, EPCISChanges.lotIDs(events: events, inspections: inspections))
            return EPCISChanges(
                events: events, inspections: inspections, lots: lots,
                products: try await among(Product.self, Set(lots.map(\.productID) + inspections.map(\.productID))),
                keys: try await among(InspectionKey.self, Set(inspections.map(\.keyID))),
                through: through, isComplete: through >= current)
        }
    }
}

extension PostgresNationalStore {
    public func productPage(_ key: ProductPage.Key) async throws -> ProductPage? {
        try await reading { connection in
            func among<Record: SyncedRecord>(_ type: Record.Type, _ column: String, _ values: some Collection<UUID>) async throws -> [Record] {
                try await records(type, connection, column, among: values)
            }
            let product: Product?
            switch key {
            case .id(let id): product = try await among(Product.self, "id", [id]).first
            case .gtin(let gtin):
                var parameters = ReadParameters()
                let forms = parameters.bind(gtin.storedForms)
                product = try await records(Product.self, connection, "WHERE gtin = ANY(\(forms)) ORDER BY id LIMIT 1", parameters).first
            }
            guard let product else { return nil }
            let certificates = try await among(Certificate.self, "product_id", [product.id])
            let area = product.materialAreaID.map { [$0] } ?? []
            var lotParameters = ReadParameters()
            let productKey = lotParameters.bind(product.id)
            return ProductPage(
                product: product,
                producer: try await among(Producer.self, "id", [product.producerID]).first,
                consents: try await among(ProducerConsent.self, "producer_id", [product.producerID]),
                tenant: try await among(Tenant.self, "id", [product.tenantID]).first,
                certificates: certificates,
                certificateEvents: try await among(CertificateEvent.self, "certificate_id", certificates.map(\.id)),
                offer: try await among(ProductOffer.self, "id", [product.id]).first,
                attachments: try await among(FileAttachment.self, "owner_id", [product.id]).filter { $0.ownerTable == Product.schema.name },
                materialArea: try await among(MaterialArea.self, "id", area).first,
                growingAreaCodes: try await among(GrowingAreaCode.self, "material_area_id", area),
                lots: try await records(Batch.self, connection,
                                        "WHERE product_id = \(productKey) ORDER BY produced_on DESC, id DESC LIMIT \(ProductPage.lotLimit)", lotParameters))
        }
    }

    /// The records of `Record`'s table whose `column` is one of `values` (an indexed column).
    func records<Record: SyncedRecord>(_ type: Record.Type, _ connection: PostgresConnection, _ column: String,
                                       among values: some Collection<UUID>, limit: Int? = nil) async throws -> [Record] {
        guard !values.isEmpty else { return [] }
        var parameters = ReadParameters()
        let list = parameters.bind(Array(values))
        return try await records(Record.self, connection, "WHERE \"\(column)\" = ANY(\(list))" + (limit.map { " LIMIT \($0)" } ?? ""), parameters)
    }
}
