import Foundation
import GRDB
import OCOPModel
import OCOPSync

/// What an officer may do in the province workspace (`ocop serve`).
public enum WorkspaceRole: String, Sendable, CaseIterable, Codable {
    /// Reads everything a province's officers may read; writes nothing.
    case viewer
    /// Records and edits producers, products and the rest of the province's work.
    case editor
    /// An editor who may also issue, supersede and revoke certificates.
    case approver

    /// Whether the role may change the province's records.
    public var canWrite: Bool { self != .viewer }
}

/// An officer's account in the province workspace. Accounts belong to this machine: they live in
/// the replica's file, beside the data, and never sync.
public struct WorkspaceAccount: Sendable, Equatable {
    /// The login name: lower-case letters, digits, `.`, `_` or `-`.
    public var name: String
    /// The officer's name as pages show it (`Nguyễn Thị Lan`).
    public var displayName: String
    public var role: WorkspaceRole
    /// The password's slow hash (bcrypt); never the password.
    public var passwordHash: String

    public init(name: String, displayName: String, role: WorkspaceRole, passwordHash: String) {
        self.name = name
        self.displayName = displayName
        self.role = role
        self.passwordHash = passwordHash
    }

    /// Why `name` cannot be a login name, or nil.
    public static func problem(withName name: String) -> String? {
        guard (2...32).contains(name.count) else { return "2 to 32 characters" }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789._-")
        guard name.allSatisfy(allowed.contains) else { return "lower-case letters without marks, digits, '.', '_' or '-'" }
        return nil
    }
}

/// One write made in the workspace: who, when, what.
public struct WorkspaceWrite: Sendable, Equatable {
    public var at: Date
    public var user: String
    public var table: String
    public var key: UUID
    /// `created`, `updated` or `deleted`.
    public var action: String
    /// The columns that changed, for an update.
    public var fields: [String]
}

extension Replica {
    private static let workspaceTables = """
        CREATE TABLE IF NOT EXISTS _workspace_accounts (
            name TEXT PRIMARY KEY NOT NULL,
            display_name TEXT NOT NULL,
            role TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS _workspace_writes (
            seq INTEGER PRIMARY KEY,
            at REAL NOT NULL,
            user TEXT NOT NULL,
            tbl TEXT NOT NULL,
            pk TEXT NOT NULL,
            action TEXT NOT NULL,
            fields TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS _workspace_writes_by_row ON _workspace_writes(tbl, pk);
        CREATE TABLE IF NOT EXISTS _workspace_conflict_reviews (
            conflict TEXT PRIMARY KEY NOT NULL,
            user TEXT NOT NULL,
            at REAL NOT NULL,
            choice TEXT NOT NULL
        );
        """

    /// Makes the workspace's own tables if this replica has none yet (they never sync).
    package func prepareWorkspace() throws {
        try write { db in try db.execute(sql: Self.workspaceTables) }
    }

    /// Every workspace account, by name.
    package func workspaceAccounts() throws -> [WorkspaceAccount] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT name, display_name, role, password_hash FROM _workspace_accounts ORDER BY name").map {
                WorkspaceAccount(name: $0[0], displayName: $0[1], role: WorkspaceRole(rawValue: $0[2]) ?? .viewer, passwordHash: $0[3])
            }
        }
    }

    /// Adds an account; throws ``ReplicaError`` (`invalidArgument`) when the name is taken or not allowed.
    package func addWorkspaceAccount(_ account: WorkspaceAccount) throws {
        if let problem = WorkspaceAccount.problem(withName: account.name) {
            throw ReplicaError(code: .invalidArgument, message: "login name '\(account.name)': \(problem)")
        }
        try write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM _workspace_accounts WHERE name = ?", arguments: [account.name]) == true {
                throw ReplicaError(code: .invalidArgument, message: "there is already an account named '\(account.name)'")
            }
            try db.execute(sql: "INSERT INTO _workspace_accounts VALUES (?, ?, ?, ?, ?)",
                           arguments: [account.name, account.displayName.trimmedNFC(), account.role.rawValue, account.passwordHash,
                                       ISO8601DateFormatter().string(from: Date())])
        }
    }

    /// Saves `record` as ``save(_:reference:)`` does and, in the same transaction, who saved it:
    /// the row's history in the workspace.
    package func save<Record: SyncedRecord>(_ record: Record, by user: String, action: String, fields: [String] = [],
                                            reference: ReferenceData = .standard) throws {
        try checkWritable(record, reference: reference)
        try write { db in
            try record.save(db)
            try Self.recordWorkspaceWrite(db, user: user, table: Record.databaseTableName, key: record.id, action: action, fields: fields)
        }
    }

    /// One line of a row's history: who wrote it from the workspace, and what.
    static func recordWorkspaceWrite(_ db: Database, user: String, table: String, key: UUID, action: String, fields: [String] = []) throws {
        try db.execute(sql: "INSERT INTO _workspace_writes (at, user, tbl, pk, action, fields) VALUES (?, ?, ?, ?, ?, ?)",
                       arguments: [Date().timeIntervalSince1970, user, table, key.uuidString.lowercased(), action, fields.joined(separator: ",")])
    }

    /// The workspace writes of one row, newest first.
    package func workspaceWrites(of table: String, key: UUID) throws -> [WorkspaceWrite] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT at, user, action, fields FROM _workspace_writes WHERE tbl = ? AND pk = ? ORDER BY seq DESC",
                             arguments: [table, key.uuidString.lowercased()]).map {
                let fields: String = $0[3]
                return WorkspaceWrite(at: Date(timeIntervalSince1970: $0[0]), user: $0[1], table: table, key: key, action: $0[2],
                                      fields: fields.isEmpty ? [] : fields.split(separator: ",").map(String.init))
            }
        }
    }
}

extension Replica {
    /// The value a synced row holds now in one column, as text (nil: no such row or column; a
    /// NULL is "—"): what a conflict's other value is shown beside.
    package func currentText(of column: String, in table: String, key: SyncValue) throws -> String? {
        guard let schema = OCOPSchema.table(named: table), schema.columnNames.contains(column) else { return nil }
        return try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT \"\(column)\" FROM \"\(schema.name)\" WHERE id = ?", arguments: [key.databaseValue]) else {
                return nil
            }
            let value: DatabaseValue = row[0]
            switch value.storage {
            case .null: return "—"
            case .int64(let number): return String(number)
            case .double(let number): return String(number)
            case .string(let text): return text
            case .blob(let data) where data.count == 16:
                return data.withUnsafeBytes { UUID(uuid: $0.load(as: uuid_t.self)) }.uuidString.lowercased()
            case .blob(let data): return "\(data.count) bytes"
            }
        }
    }
}
