/// The storage type of a column.
public enum ColumnType: String, Sendable, Hashable {
    /// A 16-byte UUID, stored as a BLOB.
    case uuid
    /// UTF-8 text, normalised to NFC.
    case text
    /// A calendar date, stored as ISO 8601 text (`YYYY-MM-DD`).
    case date
    case integer
    case real

    /// The SQLite column type used in `CREATE TABLE`.
    public var sqlType: String {
        switch self {
        case .uuid: return "BLOB"
        case .text, .date: return "TEXT"
        case .integer: return "INTEGER"
        case .real: return "REAL"
        }
    }
}

/// One column of a synced table.
public struct ColumnSchema: Sendable, Hashable {
    public var name: String
    public var type: ColumnType
    public var isNullable: Bool
    /// Personal data of a natural person (household producers): never leaves the country in a feed.
    public var isPersonalData: Bool
    /// The table this column refers to, if it is a reference to another row.
    public var references: String?

    public init(_ name: String, _ type: ColumnType, nullable: Bool = false, personal: Bool = false, references: String? = nil) {
        self.name = name
        self.type = type
        self.isNullable = nullable
        self.isPersonalData = personal
        self.references = references
    }
}

/// Who may write a table's rows and who may read them.
public enum TableScope: String, Sendable, Hashable {
    /// Rows belong to one province (the `tenant_id` column); that province and the central office
    /// write them; that province and the central office read them.
    case tenant
    /// Rows are written by the central office only and read by everyone (e.g. the tenants list).
    case central
}

/// A table whose rows are replicated between provinces and the central office.
///
/// Every synced table has a single-column primary key `id` made without coordination (UUIDv7),
/// so rows created offline in different provinces never collide.
/// A row's reference to a row of a table its own column names (see
/// ``TableSchema/namedTableReference``).
public struct NamedTableReference: Sendable, Hashable {
    /// The column holding the target table's name.
    public var tableColumn: String
    /// The column holding the target row's id.
    public var keyColumn: String

    public init(tableColumn: String, keyColumn: String) {
        self.tableColumn = tableColumn
        self.keyColumn = keyColumn
    }
}

public struct TableSchema: Sendable, Hashable {
    public var name: String
    public var scope: TableScope
    /// Every column except `id`, in storage order.
    public var columns: [ColumnSchema]
    /// Extra indexes to create, as lists of column names.
    public var indexes: [[String]]
    /// The schema version that added the table. A replica of an older version is not sent its
    /// rows (it could not store them); it fetches them when it upgrades.
    public var since: UInt32
    /// A reference whose target table is named by a column's value rather than fixed by the
    /// schema (an attachment's `owner_table` and `owner_id`): checked as a column's reference is.
    public var namedTableReference: NamedTableReference?

    public init(name: String, scope: TableScope, columns: [ColumnSchema], indexes: [[String]] = [], since: UInt32 = 1,
                namedTableReference: NamedTableReference? = nil) {
        self.name = name
        self.scope = scope
        self.columns = columns
        self.indexes = indexes
        self.since = since
        self.namedTableReference = namedTableReference
    }

    public static let primaryKey = "id"
    public static let tenantColumn = "tenant_id"

    public func column(named name: String) -> ColumnSchema? {
        columns.first { $0.name == name }
    }

    public var columnNames: [String] { columns.map(\.name) }
}
