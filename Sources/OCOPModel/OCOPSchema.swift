/// The OCOP dataset's synced tables.
///
/// Reference data that comes with the software (classifications, criteria sets, star bands) is
/// not here: it is versioned in ``ReferenceData`` and loaded into every replica identically.
public enum OCOPSchema {
    /// The schema version every sync batch carries. The server accepts this and the previous one.
    ///
    /// - 1: tenants, producers, material areas, products, evaluations, certificates, batches.
    /// - 2: certificate events (dated status history), application dossiers, council members'
    ///   score sheets, producers' consent to publish a trading name, growing-area codes, lot
    ///   events (EPCIS), inspection keys and signed inspections. Only tables were added, so a
    ///   version 1 replica keeps working: it is not sent the new tables' rows.
    /// - 3: products' offers (price, availability, net content) and attachments (files described
    ///   by rows, addressed by SHA-256). Again only tables.
    public static let version: UInt32 = 3

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
        // By GTIN: a public trace link names its lot by the product's GTIN.
        indexes: [["tenant_id"], ["producer_id"], ["gtin"]]
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
        // By product and lot code: a public trace link names its lot by both.
        indexes: [["tenant_id"], ["product_id"], ["product_id", "lot_code"]]
    )

    /// A dated fact in a certificate's life: issued, superseded, revoked or expired, with the
    /// authority that decided it as it was named on that day.
    public static let certificateEvents = TableSchema(
        name: "certificate_events", scope: .tenant,
        columns: [
            ColumnSchema("tenant_id", .uuid, references: "tenants"),
            ColumnSchema("certificate_id", .uuid, references: "certificates"),
            ColumnSchema("kind", .text),
            ColumnSchema("effective_on", .date),
            ColumnSchema("authority_level", .text),
            ColumnSchema("authority_code", .text, nullable: true),
            ColumnSchema("authority_name", .text),
            ColumnSchema("decided_by", .text),
            ColumnSchema("decision_number", .text, nullable: true),
            ColumnSchema("reason", .text, nullable: true),
            ColumnSchema("evaluation_id", .uuid, nullable: true, references: "evaluations"),
        ],
        indexes: [["tenant_id"], ["certificate_id"]],
        since: 2
    )

    /// An application dossier (hồ sơ) for a product's evaluation, from receipt to decision.
    public static let dossiers = TableSchema(
        name: "dossiers", scope: .tenant,
        columns: [
            ColumnSchema("tenant_id", .uuid, references: "tenants"),
            ColumnSchema("product_id", .uuid, references: "products"),
            ColumnSchema("producer_id", .uuid, references: "producers"),
            ColumnSchema("reference", .text),
            ColumnSchema("received_on", .date),
            ColumnSchema("received_by", .text),
            ColumnSchema("rules", .text),
            ColumnSchema("checklist", .text),
            ColumnSchema("stage", .text),
            ColumnSchema("checked_on", .date, nullable: true),
            ColumnSchema("returned_on", .date, nullable: true),
            ColumnSchema("sent_on", .date, nullable: true),
            ColumnSchema("decided_on", .date, nullable: true),
            ColumnSchema("outcome", .text, nullable: true),
            ColumnSchema("reasons", .text, nullable: true),
            ColumnSchema("evaluation_id", .uuid, nullable: true, references: "evaluations"),
            ColumnSchema("certificate_id", .uuid, nullable: true, references: "certificates"),
        ],
        indexes: [["tenant_id"], ["product_id"]],
        since: 2
    )

    /// One council member's score sheet for a dossier; the product's score is computed from
    /// the members' sheets.
    public static let councilScores = TableSchema(
        name: "council_scores", scope: .tenant,
        columns: [
            ColumnSchema("tenant_id", .uuid, references: "tenants"),
            ColumnSchema("dossier_id", .uuid, references: "dossiers"),
            ColumnSchema("member", .text),
            ColumnSchema("scored_on", .date),
            ColumnSchema("criteria_set", .text),
            ColumnSchema("criterion_scores", .text),
            ColumnSchema("bonus", .real),
            ColumnSchema("total", .real),
        ],
        indexes: [["tenant_id"], ["dossier_id"]],
        since: 2
    )

    /// A producer's recorded consent to publish a trading name (households are otherwise shown
    /// under a neutral label).
    public static let producerConsents = TableSchema(
        name: "producer_consents", scope: .tenant,
        columns: [
            ColumnSchema("tenant_id", .uuid, references: "tenants"),
            ColumnSchema("producer_id", .uuid, references: "producers"),
            ColumnSchema("public_name", .text),
            ColumnSchema("consented_on", .date),
            ColumnSchema("withdrawn_on", .date, nullable: true),
            ColumnSchema("recorded_by", .text),
        ],
        indexes: [["tenant_id"], ["producer_id"]],
        since: 2
    )

    /// An official growing-area code (mã số vùng trồng) granted to a material area: which crop,
    /// for which product classification, who issued it, for how long, where.
    public static let growingAreaCodes = TableSchema(
        name: "growing_area_codes", scope: .tenant,
        columns: [
            ColumnSchema("tenant_id", .uuid, references: "tenants"),
            ColumnSchema("material_area_id", .uuid, references: "material_areas"),
            ColumnSchema("code", .text),
            ColumnSchema("crop", .text),
            ColumnSchema("classification_code", .text),
            ColumnSchema("issued_by", .text),
            ColumnSchema("valid_from", .date),
            ColumnSchema("valid_until", .date, nullable: true),
            ColumnSchema("latitude", .real, nullable: true),
            ColumnSchema("longitude", .real, nullable: true),
        ],
        indexes: [["tenant_id"], ["material_area_id"], ["code"]],
        since: 2
    )

    /// What happened to a lot (`batches` row) along the value chain, modelled on GS1 EPCIS 2.0:
    /// an object event (harvesting, commissioning, packing, shipping…) or a transformation that
    /// turns input lots into output lots. Only added, never edited.
    public static let lotEvents = TableSchema(
        name: "lot_events", scope: .tenant,
        columns: [
            ColumnSchema("tenant_id", .uuid, references: "tenants"),
            ColumnSchema("lot_id", .uuid, references: "batches"),
            ColumnSchema("event_type", .text),
            ColumnSchema("biz_step", .text),
            ColumnSchema("action", .text, nullable: true),
            ColumnSchema("event_time", .text),
            ColumnSchema("read_point", .text, nullable: true),
            ColumnSchema("inputs", .text),
            ColumnSchema("outputs", .text),
            ColumnSchema("quantity", .real, nullable: true),
            ColumnSchema("unit", .text, nullable: true),
            ColumnSchema("measurements", .text),
            ColumnSchema("recorded_by", .text),
        ],
        indexes: [["tenant_id"], ["lot_id"]],
        since: 2
    )

    /// An inspection office's public key: what an inspection's signature is verified against.
    /// Written by the central office only, read by everyone.
    public static let inspectionKeys = TableSchema(
        name: "inspection_keys", scope: .central,
        columns: [
            ColumnSchema("office", .text),
            ColumnSchema("tenant_code", .text, nullable: true),
            ColumnSchema("public_key", .text),
            ColumnSchema("valid_from", .date),
            ColumnSchema("valid_until", .date, nullable: true),
        ],
        indexes: [["public_key"]],
        since: 2
    )

    /// The state's word on a product or lot: an inspection, a sampling or a lab result, with its
    /// verdict, signed with the issuing office's Ed25519 key.
    public static let inspections = TableSchema(
        name: "inspections", scope: .tenant,
        columns: [
            ColumnSchema("tenant_id", .uuid, references: "tenants"),
            ColumnSchema("product_id", .uuid, references: "products"),
            ColumnSchema("lot_id", .uuid, nullable: true, references: "batches"),
            ColumnSchema("key_id", .uuid, references: "inspection_keys"),
            ColumnSchema("kind", .text),
            ColumnSchema("inspected_on", .date),
            ColumnSchema("verdict", .text),
            ColumnSchema("findings", .text),
            ColumnSchema("inspector", .text),
            ColumnSchema("signature", .text),
        ],
        indexes: [["tenant_id"], ["product_id"], ["lot_id"]],
        since: 2
    )

    /// How a product is sold: price in đồng, availability, net content. One per product (its id
    /// is the product's).
    public static let productOffers = TableSchema(
        name: "product_offers", scope: .tenant,
        columns: [
            ColumnSchema("tenant_id", .uuid, references: "tenants"),
            ColumnSchema("product_id", .uuid, references: "products"),
            ColumnSchema("price_vnd", .integer, nullable: true),
            ColumnSchema("availability", .text),
            ColumnSchema("net_quantity", .real, nullable: true),
            ColumnSchema("net_unit", .text, nullable: true),
            ColumnSchema("recorded_on", .date),
        ],
        indexes: [["tenant_id"], ["product_id"]],
        since: 3
    )

    /// A file attached to a row of one of several tables (`owner_table`, `owner_id`), addressed
    /// by the SHA-256 of its bytes.
    public static let attachments = TableSchema(
        name: "attachments", scope: .tenant,
        columns: [
            ColumnSchema("tenant_id", .uuid, references: "tenants"),
            ColumnSchema("owner_table", .text),
            ColumnSchema("owner_id", .uuid),
            ColumnSchema("role", .text),
            ColumnSchema("sha256", .text),
            ColumnSchema("media_type", .text),
            ColumnSchema("byte_count", .integer),
            ColumnSchema("title", .text, nullable: true),
            ColumnSchema("recorded_on", .date),
            ColumnSchema("recorded_by", .text),
        ],
        indexes: [["tenant_id"], ["owner_id"], ["sha256"]],
        since: 3,
        namedTableReference: NamedTableReference(tableColumn: "owner_table", keyColumn: "owner_id")
    )

    /// Every synced table, parents before children. New tables go at the end: a table's
    /// position is its number in change logs.
    public static let tables: [TableSchema] = [
        tenants, producers, materialAreas, products, evaluations, certificates, batches,
        certificateEvents, dossiers, councilScores, producerConsents,
        growingAreaCodes, lotEvents, inspectionKeys, inspections,
        productOffers, attachments,
    ]

    /// The tables a replica of schema `version` has.
    public static func tables(upTo version: UInt32) -> [TableSchema] {
        tables.filter { $0.since <= version }
    }

    public static func table(named name: String) -> TableSchema? {
        tables.first { $0.name == name }
    }
}
