/// The OCOP dataset's synced tables.
///
/// Reference data that comes with the software (classifications, criteria sets, star bands) is
/// not here: it is versioned in ``ReferenceData`` and loaded into every replica identically.
public enum OCOPSchema {
    /// The schema version every sync batch carries. The server accepts this and the previous one.
    public static let version: UInt32 = 1

    public static let tenants = TableSchema(
        name: "tenants", scope: .central,
        columns: [
            ColumnSchema("code", .text),
            ColumnSchema("name", .text),
            ColumnSchema("kind", .text),
            ColumnSchema("merged_into", .uuid, nullable: true, references: "tenants"),
            ColumnSchema("valid_from", .date, nullable: true),
            ColumnSchema("valid_until", .date, nullable: true),
        ],
        indexes: [["code"]]
    )

    public static let producers = TableSchema(
        name: "producers", scope: .tenant,
        columns: [
            ColumnSchema("tenant_id", .uuid, references: "tenants"),
            ColumnSchema("name", .text),
            ColumnSchema("type", .text),
            ColumnSchema("tax_code", .text, nullable: true),
            ColumnSchema("commune", .text, nullable: true),
            ColumnSchema("representative", .text, nullable: true, personal: true),
            ColumnSchema("national_id", .text, nullable: true, personal: true),
            ColumnSchema("phone", .text, nullable: true, personal: true),
            ColumnSchema("address", .text, nullable: true, personal: true),
        ],
        indexes: [["tenant_id"]]
    )

    public static let materialAreas = TableSchema(
        name: "material_areas", scope: .tenant,
        columns: [
            ColumnSchema("tenant_id", .uuid, references: "tenants"),
            ColumnSchema("name", .text),
            ColumnSchema("growing_area_code", .text, nullable: true),
            ColumnSchema("commune", .text, nullable: true),
            ColumnSchema("area_ha", .real, nullable: true),
        ],
        indexes: [["tenant_id"]]
    )

    public static let products = TableSchema(
        name: "products", scope: .tenant,
        columns: [
            ColumnSchema("tenant_id", .uuid, references: "tenants"),
            ColumnSchema("producer_id", .uuid, references: "producers"),
            ColumnSchema("classification_code", .text),
            ColumnSchema("classification_version", .text),
            ColumnSchema("name_vi", .text),
            ColumnSchema("name_en", .text, nullable: true),
            ColumnSchema("description_vi", .text, nullable: true),
            ColumnSchema("description_en", .text, nullable: true),
            ColumnSchema("material_area_id", .uuid, nullable: true, references: "material_areas"),
            ColumnSchema("gtin", .text, nullable: true),
            ColumnSchema("status", .text),
        ],
        indexes: [["tenant_id"], ["producer_id"]]
    )

    public static let evaluations = TableSchema(
        name: "evaluations", scope: .tenant,
        columns: [
            ColumnSchema("tenant_id", .uuid, references: "tenants"),
            ColumnSchema("product_id", .uuid, references: "products"),
            ColumnSchema("criteria_set", .text),
            ColumnSchema("evaluated_on", .date),
            ColumnSchema("council", .text),
            ColumnSchema("part_a", .real),
            ColumnSchema("part_b", .real),
            ColumnSchema("part_c", .real),
            ColumnSchema("bonus", .real),
            ColumnSchema("total", .real),
            ColumnSchema("stars", .integer),
            ColumnSchema("criterion_scores", .text),
        ],
        indexes: [["tenant_id"], ["product_id"]]
    )

    public static let certificates = TableSchema(
        name: "certificates", scope: .tenant,
        columns: [
            ColumnSchema("tenant_id", .uuid, references: "tenants"),
            ColumnSchema("product_id", .uuid, references: "products"),
            ColumnSchema("evaluation_id", .uuid, nullable: true, references: "evaluations"),
            ColumnSchema("number", .text),
            ColumnSchema("stars", .integer),
            ColumnSchema("issuer", .text),
            ColumnSchema("issued_on", .date),
            ColumnSchema("expires_on", .date),
            ColumnSchema("status", .text),
            ColumnSchema("previous_certificate_id", .uuid, nullable: true, references: "certificates"),
        ],
        indexes: [["tenant_id"], ["product_id"]]
    )

    public static let batches = TableSchema(
        name: "batches", scope: .tenant,
        columns: [
            ColumnSchema("tenant_id", .uuid, references: "tenants"),
            ColumnSchema("product_id", .uuid, references: "products"),
            ColumnSchema("material_area_id", .uuid, nullable: true, references: "material_areas"),
            ColumnSchema("lot_code", .text),
            ColumnSchema("produced_on", .date),
            ColumnSchema("quantity", .real, nullable: true),
            ColumnSchema("unit", .text, nullable: true),
        ],
        indexes: [["tenant_id"], ["product_id"]]
    )

    /// Every synced table, parents before children.
    public static let tables: [TableSchema] = [
        tenants, producers, materialAreas, products, evaluations, certificates, batches,
    ]

    public static func table(named name: String) -> TableSchema? {
        tables.first { $0.name == name }
    }
}
