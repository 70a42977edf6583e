import Foundation

extension CSVImport {
    /// Lots file columns; `product`, `lot_code` and `produced_on` are required.
    public static let lotColumns = ["product", "lot_code", "produced_on", "quantity", "unit", "material_area"]
    static let requiredLotColumns: Set<String> = ["product", "lot_code", "produced_on"]

    /// Lots (`batches`) from CSV bytes, all or nothing, by the rules every writer applies
    /// (``Batch/validationErrors(reference:)`` and ``Batch/linkErrors(product:area:areaCodes:otherLots:)``).
    ///
    /// Columns: `product` (its GTIN, id or exact Vietnamese name), `lot_code`, `produced_on`
    /// (`YYYY-MM-DD`), `quantity` (a decimal comma is fine) and `unit` together, `material_area`
    /// (growing-area code or exact name). A product's lot code may appear once in the file.
    ///
    /// - Parameters:
    ///   - existing: lots already recorded (a row repeating one is reported).
    ///   - today: when given, a production date after it is an error (the CLI passes today;
    ///     the model cannot know the clock of the machine a row was written on).
    public func lots(
        from data: Data, products: [Product], materialAreas: [MaterialArea] = [], growingAreaCodes: [GrowingAreaCode] = [],
        existing: [Batch] = [], today: LocalDate? = nil
    ) throws(CSVImportFailure) -> [Batch] {
        let table = try Table(rows: Self.rows(data), known: Self.lotColumns, required: Self.requiredLotColumns)
        var errors = table.errors
        var result: [Batch] = []
        var codeLines: [String: Int] = [:]
        let columnOfField = ["product_id": "product", "material_area_id": "material_area"]
        for row in table.rows {
            var rowErrors: [CSVImportError] = []
            func fail(_ column: String, _ reason: String) { rowErrors.append(CSVImportError(line: row.line, column: column, reason: reason)) }
            var product: Product?
            switch resolveProduct(row["product"], among: products) {
            case .success(let found): product = found
            case .failure(let reason): fail("product", reason.message)
            }
            var area: MaterialArea?
            if let areaText = row["material_area"] {
                switch resolveArea(areaText, among: materialAreas) {
                case .success(let found): area = found
                case .failure(let reason): fail("material_area", reason.message)
                }
            }
            var producedOn = ReferenceData.programmeStart
            if let text = row["produced_on"] {
                do { producedOn = try LocalDate(parsing: text) } catch { fail("produced_on", "\(error) (expected YYYY-MM-DD)") }
                if let today, producedOn > today { fail("produced_on", "\(producedOn) is after today (\(today)): a lot is recorded once produced") }
            } else {
                fail("produced_on", "must not be empty")
            }
            var quantity: Double?
            if let text = row["quantity"] {
                quantity = Double(text.replacingOccurrences(of: ",", with: "."))
                if quantity == nil { fail("quantity", "\"\(text)\" is not a number") }
            }
            let lot = Batch(id: makeID(), tenantID: product?.tenantID ?? tenantID, productID: product?.id ?? UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
                            materialAreaID: area?.id, lotCode: row["lot_code"] ?? "", producedOn: producedOn,
                            quantity: quantity, unit: row["unit"])
            for problem in lot.validationErrors(reference: reference) where !(problem.field == "produced_on" && row["produced_on"] == nil) {
                // A number that did not parse is reported once, above, not again as "quantity missing".
                if problem.field == "quantity" && row["quantity"] != nil && quantity == nil { continue }
                fail(columnOfField[problem.field] ?? problem.field, problem.reason)
            }
            if let product {
                if product.tenantID != tenantID { fail("product", "\(product.nameVi) belongs to another province") }
                let key = "\(product.id)|\(lot.lotCode.lowercased())"
                if let first = codeLines[key] {
                    fail("lot_code", "lot \(lot.lotCode) of \(product.nameVi) is already on line \(first)")
                } else if !lot.lotCode.isEmpty {
                    codeLines[key] = row.line
                }
                for problem in lot.linkErrors(product: product, area: area, areaCodes: growingAreaCodes, otherLots: existing) {
                    fail(columnOfField[problem.field] ?? problem.field, problem.reason)
                }
            }
            errors += rowErrors
            result.append(lot)
        }
        if !errors.isEmpty { throw CSVImportFailure(errors: Self.inLineOrder(errors)) }
        return result
    }

    private func resolveProduct(_ text: String?, among products: [Product]) -> Result<Product, Unresolved> {
        guard let text else { return .failure(Unresolved(message: "must not be empty: give the product's GTIN, id or name")) }
        if let id = UUID(uuidString: text), let byID = products.first(where: { $0.id == id }) { return .success(byID) }
        if let byGTIN = products.first(where: { $0.gtin == text }) { return .success(byGTIN) }
        return onlyMatch(products.filter { VietnameseCollation.matches($0.nameVi, text) },
                      none: "no product has the GTIN, id or name \"\(text)\"",
                      many: { "\"\(text)\" names \($0) products; give the GTIN or id instead" })
    }
}
