import Foundation

/// Turns a province's producers and products spreadsheets (saved as CSV UTF-8) into validated
/// records, all or nothing.
///
/// Pure: no storage. The caller supplies the tenant, the producers and material areas already
/// in the replica (to resolve references and catch duplicates) and saves the result in one
/// transaction. Every text cell is trimmed and normalised to NFC. If any row has a problem the
/// import throws ``CSVImportFailure`` with every problem found (line, column, reason) and
/// returns no records. Rows repeating records already registered (the `existing` arguments)
/// are reported with the rest, so one run lists every problem.
///
/// File rules: the first non-empty line is the header (line numbers are physical lines of the
/// file: the header is line 1 when the file starts with it). Header names are matched ignoring
/// case and surrounding spaces, in any order; unknown, duplicate or missing required columns are
/// errors. Blank lines are skipped. Every row must have as many fields as the header.
///
/// **Producers** (``producerColumns``): `name` (required), `type` (required: `cooperative`,
/// `enterprise`, `cooperative_group`, `household`, or Vietnamese `HTX`, `hợp tác xã`,
/// `doanh nghiệp`, `tổ hợp tác`, `hộ kinh doanh`, `hộ sản xuất`...), `tax_code`, `commune`,
/// `representative`, `national_id`, `phone`, `address`. A tax code may appear once in the file
/// and must not belong to an existing producer.
///
/// **Products** (``productColumns``): `name_vi` (required), `name_en`, `classification_code`
/// (required, a leaf code such as `1.4.a`), `classification_version` (default: the newest
/// version, QD148-2023), `producer` (required: the producer's tax code, or its exact name when
/// it has none; a name shared by two producers must be given as a tax code), `description_vi`,
/// `description_en`, `gtin`, `material_area` (a growing-area code or an area's exact name),
/// `status` (`draft`, `registered` (default) or `discontinued`). Names are matched ignoring
/// case and Unicode form, never diacritics. A GTIN may appear once in the file.
///
/// **Lots** (``lotColumns``, in `CSVImport+Lots.swift`).
public struct CSVImport: Sendable {
    /// The tenant the records are created for.
    public var tenantID: UUID
    public var reference: ReferenceData
    /// Makes the id of each new record (UUIDv7 by default; tests pass a deterministic one).
    public var makeID: @Sendable () -> UUID

    public init(tenantID: UUID, reference: ReferenceData = .standard, makeID: @escaping @Sendable () -> UUID = { UUIDv7.generate() }) {
        self.tenantID = tenantID
        self.reference = reference
        self.makeID = makeID
    }

    /// Producers file columns; the first two are required.
    public static let producerColumns = ["name", "type", "tax_code", "commune", "representative", "national_id", "phone", "address"]
    static let requiredProducerColumns: Set<String> = ["name", "type"]

    /// Products file columns; `name_vi`, `classification_code` and `producer` are required.
    public static let productColumns = ["name_vi", "name_en", "classification_code", "classification_version", "producer",
                                        "description_vi", "description_en", "gtin", "material_area", "status"]
    static let requiredProductColumns: Set<String> = ["name_vi", "classification_code", "producer"]

    // MARK: Producers

    /// Producers from CSV bytes (UTF-8, BOM allowed). See the type's documentation.
    public func producers(from data: Data, existing: [Producer] = []) throws(CSVImportFailure) -> [Producer] {
        try producers(rows: Self.rows(data), existing: existing)
    }

    /// Producers from CSV text.
    public func producers(from text: String, existing: [Producer] = []) throws(CSVImportFailure) -> [Producer] {
        try producers(rows: Self.rows(text), existing: existing)
    }

    private func producers(rows: [CSVRow], existing: [Producer]) throws(CSVImportFailure) -> [Producer] {
        let table = try Table(rows: rows, known: Self.producerColumns, required: Self.requiredProducerColumns)
        var errors = table.errors
        var result: [Producer] = []
        var taxCodeLines: [String: Int] = [:]
        for row in table.rows {
            var rowErrors: [CSVImportError] = []
            let typeText = row["type"] ?? ""
            let type = ProducerType(lenient: typeText)
            if type == nil {
                rowErrors.append(CSVImportError(line: row.line, column: "type", reason: typeText.isEmpty
                    ? "must not be empty"
                    : "\"\(typeText)\" is not a producer type: use cooperative, enterprise, cooperative_group or household (or HTX, doanh nghiệp, tổ hợp tác, hộ kinh doanh)"))
            }
            let producer = Producer(
                id: makeID(), tenantID: tenantID, name: row["name"] ?? "", type: type ?? .enterprise,
                taxCode: row["tax_code"], commune: row["commune"], representative: row["representative"],
                nationalID: row["national_id"], phone: row["phone"], address: row["address"])
            if let taxCode = producer.taxCode {
                if let first = taxCodeLines[taxCode] {
                    rowErrors.append(CSVImportError(line: row.line, column: "tax_code", reason: "tax code \(taxCode) is already used on line \(first)"))
                } else if let owner = existing.first(where: { $0.taxCode == taxCode }) {
                    rowErrors.append(CSVImportError(line: row.line, column: "tax_code", reason: "tax code \(taxCode) is already registered to \(owner.name)"))
                } else {
                    taxCodeLines[taxCode] = row.line
                }
            } else if !producer.name.isEmpty, let twin = existing.first(where: { VietnameseCollation.matches($0.name, producer.name) }) {
                // Re-importing a file must not register producers twice: those without a tax
                // code are recognised by name.
                rowErrors.append(CSVImportError(line: row.line, column: "name", reason: "a producer named \(twin.name) is already registered (\(twin.id.uuidString.lowercased())); give the new one a tax code, or register it with `ocop producer add`"))
            }
            for problem in producer.validationErrors(reference: reference)
            where !(type == nil && problem.field == "representative") {
                rowErrors.append(CSVImportError(line: row.line, column: problem.field, reason: problem.reason))
            }
            errors += rowErrors
            result.append(producer)
        }
        if !errors.isEmpty { throw CSVImportFailure(errors: Self.inLineOrder(errors)) }
        return result
    }

    // MARK: Products

    /// Products from CSV bytes (UTF-8, BOM allowed). `producers` are those a `producer` cell
    /// may name (existing ones and any just imported); `materialAreas` likewise.
    /// `existing` are the products already registered: a row repeating one's GTIN, or its
    /// producer and name, is reported with the file's other problems.
    public func products(
        from data: Data, producers: [Producer], materialAreas: [MaterialArea] = [], existing: [Product] = []
    ) throws(CSVImportFailure) -> [Product] {
        try products(rows: Self.rows(data), producers: producers, materialAreas: materialAreas, existing: existing)
    }

    /// Products from CSV text.
    public func products(
        from text: String, producers: [Producer], materialAreas: [MaterialArea] = [], existing: [Product] = []
    ) throws(CSVImportFailure) -> [Product] {
        try products(rows: Self.rows(text), producers: producers, materialAreas: materialAreas, existing: existing)
    }

    private func products(
        rows: [CSVRow], producers: [Producer], materialAreas: [MaterialArea], existing: [Product]
    ) throws(CSVImportFailure) -> [Product] {
        let table = try Table(rows: rows, known: Self.productColumns, required: Self.requiredProductColumns)
        var errors = table.errors
        var result: [Product] = []
        var gtinLines: [String: Int] = [:]
        var nameLines: [String: Int] = [:]
        let newestVersion = reference.classifications.max { $0.effectiveFrom < $1.effectiveFrom }?.id ?? ""
        let columnOfField = ["producer_id": "producer", "material_area_id": "material_area"]
        for row in table.rows {
            var rowErrors: [CSVImportError] = []
            var producerID = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
            switch resolveProducer(row["producer"], among: producers) {
            case .success(let producer): producerID = producer.id
            case .failure(let reason): rowErrors.append(CSVImportError(line: row.line, column: "producer", reason: reason.message))
            }
            var areaID: UUID?
            if let areaText = row["material_area"] {
                switch resolveArea(areaText, among: materialAreas) {
                case .success(let area): areaID = area.id
                case .failure(let reason): rowErrors.append(CSVImportError(line: row.line, column: "material_area", reason: reason.message))
                }
            }
            var status = ProductStatus.registered
            if let statusText = row["status"] {
                if let parsed = ProductStatus(rawValue: statusText.lowercased()) {
                    status = parsed
                } else {
                    rowErrors.append(CSVImportError(line: row.line, column: "status", reason: "\"\(statusText)\" is not a product status: use draft, registered or discontinued"))
                }
            }
            let product = Product(
                id: makeID(), tenantID: tenantID, producerID: producerID,
                classificationCode: row["classification_code"] ?? "",
                classificationVersion: row["classification_version"] ?? newestVersion,
                nameVi: row["name_vi"] ?? "", nameEn: row["name_en"], descriptionVi: row["description_vi"],
                descriptionEn: row["description_en"], materialAreaID: areaID, gtin: row["gtin"], status: status)
            for problem in product.validationErrors(reference: reference) {
                rowErrors.append(CSVImportError(line: row.line, column: columnOfField[problem.field] ?? problem.field, reason: problem.reason))
            }
            if let gtin = product.gtin {
                if let first = gtinLines[gtin] {
                    rowErrors.append(CSVImportError(line: row.line, column: "gtin", reason: "GTIN \(gtin) is already used on line \(first)"))
                } else if let twin = existing.first(where: { $0.gtin == gtin }) {
                    rowErrors.append(CSVImportError(line: row.line, column: "gtin", reason: "GTIN \(gtin) is already used by \(twin.nameVi) (\(twin.id.uuidString.lowercased()))"))
                } else {
                    gtinLines[gtin] = row.line
                }
            }
            if !product.nameVi.isEmpty {
                let key = "\(producerID.uuidString)|\(product.nameVi.lowercased())"
                if let first = nameLines[key] {
                    rowErrors.append(CSVImportError(line: row.line, column: "name_vi", reason: "the same producer's product \"\(product.nameVi)\" is already on line \(first)"))
                } else if let twin = existing.first(where: { $0.producerID == producerID && VietnameseCollation.matches($0.nameVi, product.nameVi) }) {
                    rowErrors.append(CSVImportError(line: row.line, column: "name_vi", reason: "the producer already has the product \(twin.nameVi) (\(twin.id.uuidString.lowercased()))"))
                } else {
                    nameLines[key] = row.line
                }
            }
            errors += rowErrors
            result.append(product)
        }
        if !errors.isEmpty { throw CSVImportFailure(errors: Self.inLineOrder(errors)) }
        return result
    }

    struct Unresolved: Error { var message: String }

    /// The one record a name matched, or why not (`none` when nothing matched, `many(count)`
    /// when several did).
    func onlyMatch<Record>(_ byName: [Record], none: String, many: (Int) -> String) -> Result<Record, Unresolved> {
        switch byName.count {
        case 1: return .success(byName[0])
        case 0: return .failure(Unresolved(message: none))
        default: return .failure(Unresolved(message: many(byName.count)))
        }
    }

    private func resolveProducer(_ text: String?, among producers: [Producer]) -> Result<Producer, Unresolved> {
        guard let text else { return .failure(Unresolved(message: "must not be empty: give the producer's tax code or name")) }
        if let byTaxCode = producers.first(where: { $0.taxCode == text }) { return .success(byTaxCode) }
        return onlyMatch(producers.filter { VietnameseCollation.matches($0.name, text) },
                      none: "no producer has the tax code or name \"\(text)\"; import the producer first",
                      many: { "\"\(text)\" names \($0) producers; give the tax code instead" })
    }

    func resolveArea(_ text: String, among areas: [MaterialArea]) -> Result<MaterialArea, Unresolved> {
        if let byCode = areas.first(where: { $0.growingAreaCode?.lowercased() == text.lowercased() }) { return .success(byCode) }
        return onlyMatch(areas.filter { VietnameseCollation.matches($0.name, text) },
                      none: "no material area has the growing-area code or name \"\(text)\"",
                      many: { "\"\(text)\" names \($0) material areas; give the growing-area code instead" })
    }

    // MARK: Reading the table

    /// Errors sorted by line, keeping the order found within a line (a stable sort).
    static func inLineOrder(_ errors: [CSVImportError]) -> [CSVImportError] {
        errors.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(\.element)
    }

    static func rows(_ data: Data) throws(CSVImportFailure) -> [CSVRow] {
        do { return try CSVParser.parse(data) } catch {
            throw CSVImportFailure(errors: [CSVImportError(line: error.line, column: nil, reason: error.reason)])
        }
    }

    static func rows(_ text: String) throws(CSVImportFailure) -> [CSVRow] {
        do { return try CSVParser.parse(text) } catch {
            throw CSVImportFailure(errors: [CSVImportError(line: error.line, column: nil, reason: error.reason)])
        }
    }

    /// A CSV file as a header and rows of NFC, trimmed cells keyed by column name.
    struct Table {
        struct Row {
            var line: Int
            var cells: [String: String]
            /// The trimmed NFC cell, `nil` if empty or the column is absent.
            subscript(column: String) -> String? { cells[column] }
        }

        var rows: [Row] = []
        /// Row-level problems (field counts); header problems are thrown.
        var errors: [CSVImportError] = []

        init(rows raw: [CSVRow], known: [String], required: Set<String>) throws(CSVImportFailure) {
            let content = raw.filter { !$0.isBlank }
            guard let header = content.first else {
                throw CSVImportFailure(errors: [CSVImportError(line: 1, column: nil, reason: "the file is empty: expected a header line with the columns \(known.joined(separator: ","))")])
            }
            var headerErrors: [CSVImportError] = []
            var columns: [String] = []
            for cell in header.fields {
                let name = cell.trimmedNFC().lowercased()
                if name.isEmpty {
                    headerErrors.append(CSVImportError(line: header.line, column: nil, reason: "the header has an empty column name"))
                } else if !known.contains(name) {
                    headerErrors.append(CSVImportError(line: header.line, column: name, reason: "unknown column; expected some of \(known.joined(separator: ","))"))
                } else if columns.contains(name) {
                    headerErrors.append(CSVImportError(line: header.line, column: name, reason: "the column appears twice"))
                }
                columns.append(name)
            }
            for name in known where required.contains(name) && !columns.contains(name) {
                headerErrors.append(CSVImportError(line: header.line, column: name, reason: "required column is missing"))
            }
            if !headerErrors.isEmpty { throw CSVImportFailure(errors: headerErrors) }
            for row in content.dropFirst() {
                guard row.fields.count == columns.count else {
                    errors.append(CSVImportError(line: row.line, column: nil, reason: "has \(row.fields.count) fields but the header has \(columns.count)"))
                    continue
                }
                var cells: [String: String] = [:]
                for (column, value) in zip(columns, row.fields) {
                    if let text = value.trimmedNFCOrNil() { cells[column] = text }
                }
                rows.append(Row(line: row.line, cells: cells))
            }
        }
    }
}
