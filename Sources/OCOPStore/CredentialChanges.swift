import Foundation
import GRDB

/// A credential that differs between the national dataset being replaced and the (older)
/// backup restored over it: what the restore would silently undo.
public struct CredentialChange: Sendable, Equatable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        /// An API token revoked after the backup: the restore brings it back to life.
        case tokenRevoked = "token_revoked"
        /// An account's secret rotated after the backup: the restore brings back the old secret.
        case secretRotated = "secret_rotated"
        /// An account disabled after the backup: the restore lets it log in again.
        case accountDisabled = "account_disabled"
        /// A token issued after the backup: the restore loses it (its holder gets 401).
        case tokenIssued = "token_issued"
        /// An account added after the backup: the restore loses it (its province cannot log in).
        case accountAdded = "account_added"
    }

    public var kind: Kind
    /// The token id or account user.
    public var subject: String
    /// Who it is, for people: the token holder's name, or the province code and name.
    public var label: String
    /// When it changed in the dataset being replaced.
    public var changedAt: String?

    /// Whether reapplying it to the restored dataset closes a hole (a revocation); the others
    /// are lost with the restore and must be redone by hand.
    public var isRevocation: Bool { [.tokenRevoked, .secretRotated, .accountDisabled].contains(kind) }

    public var description: String {
        let when = changedAt.map { " at \($0)" } ?? ""
        switch kind {
        case .tokenRevoked: return "token \(subject) (\(label)) was revoked\(when); the backup has it active"
        case .secretRotated: return "account \(subject) (\(label)) got a new secret\(when); the backup has the old one"
        case .accountDisabled: return "account \(subject) (\(label)) was disabled\(when); the backup has it enabled"
        case .tokenIssued: return "token \(subject) (\(label)) was issued\(when); the backup lacks it: issue a new one"
        case .accountAdded: return "account \(subject) (\(label)) was added\(when); the backup lacks it: add it again (tenant add) and give the province its new tenant id and secret"
        }
    }
}

/// Compares the credentials of two national datasets (SQLite files), and carries revocations
/// from the newer to the older: a restore must not bring back a token or secret that was
/// revoked because it leaked.
///
/// Only the server's own tables are read and written (`_api_tokens`, `_server_accounts`);
/// they do not sync, so no change capture is involved.
public enum CredentialChanges {
    /// What `current` (the dataset being replaced) knows about credentials that `restored`
    /// (the backup) does not, oldest first.
    public static func between(current currentPath: String, restored restoredPath: String) throws -> [CredentialChange] {
        let current = try open(currentPath, readOnly: true)
        let restored = try open(restoredPath, readOnly: true)
        let new = try snapshot(current)
        let old = try snapshot(restored)
        var changes: [CredentialChange] = []
        for token in new.tokens.values {
            guard let before = old.tokens[token.id] else {
                changes.append(CredentialChange(kind: .tokenIssued, subject: token.id, label: token.name, changedAt: token.createdAt))
                continue
            }
            if token.revokedAt != nil, before.revokedAt == nil {
                changes.append(CredentialChange(kind: .tokenRevoked, subject: token.id, label: token.name, changedAt: token.revokedAt))
            }
        }
        for account in new.accounts.values {
            guard let before = old.accounts[account.user] else {
                changes.append(CredentialChange(kind: .accountAdded, subject: account.user, label: account.label, changedAt: account.updatedAt))
                continue
            }
            if account.verifier != before.verifier {
                changes.append(CredentialChange(kind: .secretRotated, subject: account.user, label: account.label, changedAt: account.updatedAt))
            }
            if !account.enabled, before.enabled {
                changes.append(CredentialChange(kind: .accountDisabled, subject: account.user, label: account.label, changedAt: account.updatedAt))
            }
        }
        return changes.sorted { ($0.changedAt ?? "", $0.subject) < ($1.changedAt ?? "", $1.subject) }
    }

    /// Applies the revocations among `changes` to `restored`, taking the newer state from
    /// `current`: tokens revoked again, rotated accounts given their newer verifier (so the
    /// province's new secret works and the old one does not), disabled accounts disabled
    /// again. Returns how many were applied.
    @discardableResult
    public static func reapplyRevocations(_ changes: [CredentialChange], current currentPath: String, restored restoredPath: String) throws -> Int {
        let new = try snapshot(try open(currentPath, readOnly: true))
        let restored = try open(restoredPath, readOnly: false)
        var applied = 0
        try restored.write { db in
            for change in changes where change.isRevocation {
                switch change.kind {
                case .tokenRevoked:
                    try db.execute(sql: "UPDATE _api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                                   arguments: [change.changedAt, change.subject])
                case .secretRotated:
                    guard let account = new.accounts[change.subject] else { continue }
                    try db.execute(sql: """
                        UPDATE _server_accounts SET salt = ?, iterations = ?, stored_key = ?, server_key = ?, updated_at = ? WHERE user = ?
                        """, arguments: StatementArguments(account.verifier + [account.updatedAt.databaseValue, change.subject.databaseValue]))
                case .accountDisabled:
                    try db.execute(sql: "UPDATE _server_accounts SET enabled = 0, updated_at = ? WHERE user = ?",
                                   arguments: [change.changedAt, change.subject])
                case .tokenIssued, .accountAdded:
                    continue
                }
                applied += db.changesCount
            }
        }
        return applied
    }

    private struct Token { var id, name: String; var createdAt: String; var revokedAt: String? }
    private struct Account { var user, label: String; var verifier: [DatabaseValue]; var enabled: Bool; var updatedAt: String }

    private static func open(_ path: String, readOnly: Bool) throws -> DatabaseQueue {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError(.invalidArgument, "\(path): no such file") }
        var configuration = Configuration()
        configuration.readonly = readOnly
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    private static func snapshot(_ database: DatabaseQueue) throws -> (tokens: [String: Token], accounts: [String: Account]) {
        try database.read { db in
            let tokens = try Row.fetchAll(db, sql: "SELECT id, name, created_at, revoked_at FROM _api_tokens").map {
                Token(id: $0["id"], name: $0["name"], createdAt: $0["created_at"], revokedAt: $0["revoked_at"])
            }
            let accounts = try Row.fetchAll(db, sql: """
                SELECT a.user, a.salt, a.iterations, a.stored_key, a.server_key, a.enabled, a.updated_at, t.code, t.name
                FROM _server_accounts a LEFT JOIN tenants t ON t.id = a.tenant_id
                """).map { row in
                let code: String? = row["code"]
                let name: String? = row["name"]
                return Account(
                    user: row["user"], label: [code, name].compactMap { $0 }.joined(separator: " ").nonEmpty ?? row["user"],
                    verifier: ["salt", "iterations", "stored_key", "server_key"].map { row[$0] as DatabaseValue },
                    enabled: row["enabled"], updatedAt: row["updated_at"])
            }
            return (Dictionary(uniqueKeysWithValues: tokens.map { ($0.id, $0) }),
                    Dictionary(uniqueKeysWithValues: accounts.map { ($0.user, $0) }))
        }
    }
}

private extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
