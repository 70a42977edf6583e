import Foundation
import GRDB

/// What an HTTP API token may do.
public enum APIScope: String, Sendable, Codable, CaseIterable {
    /// Reports, lookups, the conflict list.
    case read
    /// Everything `read` may, and resolving conflicts (a central write that syncs to provinces).
    case review

    /// Whether a token of this scope may do what `required` allows.
    public func allows(_ required: APIScope) -> Bool { self == .review || required == .read }
}

/// A token of the central office's HTTP API, without its secret.
public struct APIToken: Sendable, Equatable, Codable {
    /// Public part of the token (8 hex digits), shown in lists and logs.
    public var id: String
    /// Who holds it, e.g. the person's name.
    public var name: String
    public var scope: APIScope
    public var createdAt: String
    public var revokedAt: String?

    /// Every field, so that a backend in another module can return one.
    public init(id: String, name: String, scope: APIScope, createdAt: String, revokedAt: String? = nil) {
        self.id = id
        self.name = name
        self.scope = scope
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

extension SQLiteNationalStore {
    /// Issues a token for a central-office user and returns it with its secret: the full token
    /// (`ocop_<id>_<secret>`) is shown once; the store keeps only a SHA-256 of the secret.
    package func issueAPIToken(name: String, scope: APIScope) throws -> (token: String, record: APIToken) {
        let minted = try APITokenSecret.mint(name: name, scope: scope)
        try replica.write { db in
            try db.execute(sql: """
                INSERT INTO _api_tokens(id, name, scope, secret_sha256, created_at) VALUES (?, ?, ?, ?, ?)
                """, arguments: [minted.record.id, minted.record.name, scope.rawValue, Data(minted.digest), minted.record.createdAt])
        }
        return (minted.token, minted.record)
    }

    /// The token a bearer presented, or nil if it is malformed, unknown, revoked or its secret
    /// is wrong (callers answer all of these the same way).
    package func authenticateAPIToken(_ token: String) throws -> APIToken? {
        guard let presented = APITokenSecret.parse(token) else { return nil }
        guard let row = try replica.read({ db in
            try Row.fetchOne(db, sql: "SELECT * FROM _api_tokens WHERE id = ?", arguments: [presented.id])
        }) else { return nil }
        guard APITokenSecret.matches(stored: Array(row["secret_sha256"] as Data), presented: presented.digest) else { return nil }
        let record = Self.apiToken(row)
        return record.revokedAt == nil ? record : nil
    }
    /// Every token, oldest first, revoked ones included.
    package func apiTokens() throws -> [APIToken] {
        try replica.read { db in try Row.fetchAll(db, sql: "SELECT * FROM _api_tokens ORDER BY created_at, id").map(Self.apiToken) }
    }

    /// Revokes a token by its id; it stops working at once.
    package func revokeAPIToken(id: String) throws {
        try replica.write { db in
            try db.execute(sql: "UPDATE _api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                           arguments: [ISO8601DateFormatter().string(from: Date()), id])
            if db.changesCount == 0 {
                let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM _api_tokens WHERE id = ?", arguments: [id]) ?? false
                throw StoreError(.invalidArgument, exists ? "token \(id) is already revoked" : "no token \(id)")
            }
        }
    }

    private static func apiToken(_ row: Row) -> APIToken {
        APIToken(id: row["id"], name: row["name"], scope: APIScope(rawValue: row["scope"]) ?? .read,
                 createdAt: row["created_at"], revokedAt: row["revoked_at"])
    }
}
