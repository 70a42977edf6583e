import Foundation

/// Producers and products as the CSV files ``CSVImport`` reads: the same columns in the same
/// order, references written as the importer resolves them (a producer by tax code, else by
/// name; a material area by growing-area code, else by name), so a file exported from one
/// replica imports into another (or, after edits, back again).
public enum CSVExport {
    /// An empty file with just the header: what an office fills in.
    public static func template(columns: [String]) -> String {
        CSVWriter.document(header: columns, rows: [])
    }

    /// Producers in ``CSVImport/producerColumns`` order.
    public static func producers(_ producers: [Producer]) -> String {
        CSVWriter.document(header: CSVImport.producerColumns, rows: producers.map { producer in
            [producer.name, producer.type.rawValue, producer.taxCode ?? "", producer.commune ?? "", producer.representative ?? "",
             producer.nationalID ?? "", producer.phone ?? "", producer.address ?? ""]
        })
    }

    /// Products in ``CSVImport/productColumns`` order; `producers` and `materialAreas` are those
    /// the products refer to.
    public static func products(_ products: [Product], producers: [Producer], materialAreas: [MaterialArea]) -> String {
        let producersByID = Dictionary(producers.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let areasByID = Dictionary(materialAreas.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return CSVWriter.document(header: CSVImport.productColumns, rows: products.map { product in
            let producer = producersByID[product.producerID].map { $0.taxCode ?? $0.name } ?? product.producerID.uuidString.lowercased()
            let area = product.materialAreaID.map { id in areasByID[id].map { $0.growingAreaCode ?? $0.name } ?? id.uuidString.lowercased() } ?? ""
            return [product.nameVi, product.nameEn ?? "", product.classificationCode, product.classificationVersion, producer,
                    product.descriptionVi ?? "", product.descriptionEn ?? "", product.gtin ?? "", area, product.status.rawValue]
        })
    }
}
