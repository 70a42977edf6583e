import Foundation
import OCOPModel
import Testing

/// `Protocol/schema/tables.json` is the machine-readable schema of the synced tables that
/// `Protocol/SPEC.md` §16 describes: derived from ``OCOPSchema``, so a client written from the
/// spec knows every table, column and type a PUSH must satisfy. This test fails when the two
/// drift; `OCOP_WRITE_SCHEMA=1 swift test --filter SchemaDocumentTests` rewrites the file.
@Suite("Protocol: the synced tables' schema document")
struct SchemaDocumentTests {
    static let path = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Protocol/schema/tables.json")

    static func document() throws -> Data {
        let tables: [[String: Any]] = OCOPSchema.tables.map { table in
            var entry: [String: Any] = [
                "name": table.name,
                "written_by": table.scope == .tenant ? "province (own rows) and central office" : "central office only",
                "scope": table.scope.rawValue,
                "since": Int(table.since),
                "primary_key": ["name": TableSchema.primaryKey, "type": "uuid"],
                "columns": table.columns.map { column -> [String: Any] in
                    var entry: [String: Any] = [
                        "name": column.name, "type": column.type.rawValue, "nullable": column.isNullable,
                        "wire_tag": column.type == .uuid ? "BLOB (16 bytes)" : column.type == .integer ? "INTEGER" : column.type == .real ? "REAL or INTEGER" : "TEXT",
                    ]
                    if column.isPersonalData { entry["personal_data"] = true }
                    if let target = column.references { entry["references"] = target }
                    return entry
                },
            ]
            if let named = table.namedTableReference {
                entry["named_table_reference"] = ["table_column": named.tableColumn, "key_column": named.keyColumn]
            }
            return entry
        }
        let document: [String: Any] = [
            "$comment": "Generated from OCOPSchema by Tests/OCOPModelTests/SchemaDocumentTests.swift; see Protocol/SPEC.md §16.",
            "schema_version": Int(OCOPSchema.version),
            "accepted_schema_versions": Array(1...Int(OCOPSchema.version)),
            "tables": tables,
        ]
        return try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) + Data("\n".utf8)
    }

    @Test func theCommittedDocumentMatchesTheModel() throws {
        let generated = try Self.document()
        if ProcessInfo.processInfo.environment["OCOP_WRITE_SCHEMA"] == "1" {
            try generated.write(to: Self.path)
        }
        let committed = try Data(contentsOf: Self.path)
        #expect(committed == generated, "Protocol/schema/tables.json is out of date: run OCOP_WRITE_SCHEMA=1 swift test --filter SchemaDocumentTests")
    }

    @Test func everyTableAndColumnIsDescribed() throws {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.path)) as? [String: Any])
        let tables = try #require(object["tables"] as? [[String: Any]])
        #expect(tables.map { $0["name"] as? String } == OCOPSchema.tables.map(\.name))
        for (entry, table) in zip(tables, OCOPSchema.tables) {
            let columns = try #require(entry["columns"] as? [[String: Any]])
            #expect(columns.map { $0["name"] as? String } == table.columns.map(\.name))
        }
    }
}
