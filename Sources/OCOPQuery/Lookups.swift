import Foundation
import OCOPStore
import OCOPModel

/// One page of a lookup: the items, the number of matches in all, and where the page starts.
public struct LookupPage<Item: Encodable & Sendable>: Encodable, Sendable {
    public var items: [Item]
    public var total: Int
    public var limit: Int
    public var offset: Int

    enum CodingKeys: String, CodingKey { case items, total, limit, offset, nextOffset = "next_offset" }

    public init(items: [Item], total: Int, limit: Int, offset: Int) {
        self.items = items
        self.total = total
        self.limit = limit
        self.offset = offset
    }

    /// The page of `all` that starts at `offset` and holds at most `limit` items.
    public init(slicing all: [Item], limit: Int, offset: Int) {
        let start = min(max(offset, 0), all.count)
        let end = min(start + max(limit, 0), all.count)
        self.init(items: Array(all[start..<end]), total: all.count, limit: limit, offset: offset)
    }

    /// The offset of the next page, nil on the last page.
    public var nextOffset: Int? { offset + items.count < total ? offset + items.count : nil }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(total, forKey: .total)
        try container.encode(limit, forKey: .limit)
        try container.encode(offset, forKey: .offset)
        try container.encode(nextOffset, forKey: .nextOffset)
    }
}

/// Product and producer lookups over the national dataset (read-only), sorted by name in
/// Vietnamese order, then id, and cut into pages.
public struct CentralLookups: Sendable {
    public let store: any NationalReads

    public init(store: any NationalReads) {
        self.store = store
    }

    /// Products matching `filter`, `limit` from `offset`.
    public func products(_ filter: ProductFilter, limit: Int, offset: Int) async throws -> LookupPage<ProductSummary> {
        if let code = filter.provinceCode { _ = try await province(code: code) }
        if let sector = filter.sector {
            let parts = sector.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, !parts[1].contains(".") else {
                throw CentralError(.badData, "sector: \"\(sector)\" is not VERSION:SECTOR (e.g. QD148-2023:1)")
            }
        }
        let items = try await store.products(matching: filter)
        return LookupPage(slicing: VietnameseCollation.sorted(items, by: \.nameVi), limit: limit, offset: offset)
    }

    /// One product with its certificates, evaluations and merge origin; nil if there is none.
    public func product(id: UUID, date: LocalDate) async throws -> ProductDetail? {
        try await store.product(id: id, date: date)
    }

    /// Producers matching `filter`, `limit` from `offset`.
    public func producers(_ filter: ProducerFilter, limit: Int, offset: Int) async throws -> LookupPage<ProducerSummary> {
        if let code = filter.provinceCode { _ = try await province(code: code) }
        let items = try await store.producers(matching: filter)
        return LookupPage(slicing: VietnameseCollation.sorted(items, by: \.name), limit: limit, offset: offset)
    }

    /// One producer; nil if there is none.
    public func producer(id: UUID, date: LocalDate) async throws -> ProducerSummary? {
        try await store.producer(id: id, date: date)
    }

    /// The tenant with a province code: the current one if an old code was reused. A code no
    /// tenant has is a mistake worth saying (``CentralError/Code/badData``), not an empty page.
    public func province(code: String) async throws -> UUID {
        guard let tenant = try await store.tenantID(provinceCode: code) else {
            throw CentralError(.badData, "province: no province with code \"\(code)\" in the national dataset")
        }
        return tenant
    }
}
