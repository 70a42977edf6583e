import Foundation

extension Batch {
    /// Problems between this lot and the rows it refers to, for every writer to check before
    /// saving (the CLI, the CSV import): these need other rows, so they are not part of
    /// ``validationErrors(reference:)``, which must hold for a row on its own.
    ///
    /// - The product is of the lot's province.
    /// - The lot code is not already a lot of the same product (compared ignoring case: people
    ///   read codes off packages and type them back).
    /// - The material area, if any, is of the same province, and — when the area has
    ///   growing-area codes at all — one of them is valid on the production date and covers the
    ///   product's classification (``GrowingAreaCode/supplies(_:)``). An area without codes is
    ///   accepted: most areas have not been granted one yet, and refusing their lots would stop
    ///   provinces recording them.
    ///
    /// - Parameters:
    ///   - areaCodes: growing-area codes of the province (others are ignored).
    ///   - otherLots: lots already recorded (this lot itself is ignored).
    public func linkErrors(product: Product, area: MaterialArea?, areaCodes: [GrowingAreaCode], otherLots: [Batch]) -> [ValidationError] {
        var check = FieldChecks(Self.schema.name)
        if product.id != productID {
            check.fail("product_id", "is \(productID.uuidString.lowercased()), not the product given (\(product.id.uuidString.lowercased()))")
        }
        if product.tenantID != tenantID {
            check.fail("product_id", "\(product.nameVi) belongs to another province (tenant \(product.tenantID.uuidString.lowercased()))")
        }
        if let twin = otherLots.first(where: { $0.id != id && $0.productID == productID && $0.lotCode.lowercased() == lotCode.lowercased() }) {
            check.fail("lot_code", "\(product.nameVi) already has lot \(twin.lotCode) (\(twin.id.uuidString.lowercased())); a lot code is unique per product")
        }
        guard let area else { return check.errors }
        if area.id != materialAreaID {
            check.fail("material_area_id", "is \(materialAreaID?.uuidString.lowercased() ?? "empty"), not the area given (\(area.id.uuidString.lowercased()))")
        }
        if area.tenantID != tenantID {
            check.fail("material_area_id", "\(area.name) is in another province (tenant \(area.tenantID.uuidString.lowercased())); a lot's raw material comes from its own province's areas")
            return check.errors
        }
        let codes = areaCodes.filter { $0.materialAreaID == area.id }
        guard !codes.isEmpty else { return check.errors }
        let valid = codes.filter { $0.isValid(on: producedOn) }
        if valid.isEmpty {
            let listed = codes.map { "\($0.code) \($0.validFrom)–\($0.validUntil?.description ?? "")" }.joined(separator: ", ")
            check.fail("material_area_id", "\(area.name) has no growing-area code valid on \(producedOn) (\(listed))")
        } else if !valid.contains(where: { $0.supplies(product.classificationCode) }) {
            let listed = valid.map { "\($0.code): \($0.crop), \($0.classificationCode)" }.joined(separator: "; ")
            check.fail("material_area_id", "\(area.name)'s growing-area codes (\(listed)) do not cover \(product.nameVi)'s classification \(product.classificationCode)")
        }
        return check.errors
    }
}
