import Foundation
import OCOPModel
import OCOPSync

// Administration for ocop-syncd and the HTTP API: the synchronous bodies in
// +Administration, +APITokens and +TenantMerge, on the store's own threads.
extension SQLiteNationalStore: NationalAdministration {
    public func addCheckedProvince(code: String, name: String?, verifier: CredentialVerifier, on date: LocalDate) async throws -> UUID {
        try await StoreThreads.write { try self.addCheckedProvince(code: code, name: name, verifier: verifier, on: date) }
    }

    public func addProvince(code: String, name: String, verifier: CredentialVerifier, id: UUID, validFrom: LocalDate) async throws -> UUID {
        try await StoreThreads.write { try self.addProvince(code: code, name: name, verifier: verifier, id: id, validFrom: validFrom) }
    }

    public func addCentralAccount(verifier: CredentialVerifier) async throws {
        try await StoreThreads.write { try self.addCentralAccount(verifier: verifier) }
    }

    public func addInspectorAccount(user: String, tenantID: UUID, verifier: CredentialVerifier) async throws {
        try await StoreThreads.write { try self.addInspectorAccount(user: user, tenantID: tenantID, verifier: verifier) }
    }

    public func rotateSecret(user: String, verifier: CredentialVerifier) async throws {
        try await StoreThreads.write { try self.rotateSecret(user: user, verifier: verifier) }
        logger.notice("secret rotated", metadata: ["user": "\(user)"])
    }

    public func setEnabled(user: String, _ enabled: Bool) async throws {
        try await StoreThreads.write { try self.setEnabled(user: user, enabled) }
        logger.notice(enabled ? "account enabled" : "account disabled", metadata: ["user": "\(user)"])
    }

    public func accounts() async throws -> [AccountSummary] {
        try await StoreThreads.read { try self.accounts() }
    }

    public func replicaStatuses() async throws -> [ReplicaStatus] {
        try await StoreThreads.read { try self.replicaStatuses() }
    }

    public func currentTenants(code: String) async throws -> [UUID] {
        try await StoreThreads.read { try self.currentTenants(code: code) }
    }

    public func forgetReplica(_ id: ReplicaID) async throws {
        try await StoreThreads.write { try self.forgetReplica(id) }
        logger.notice("replica forgotten", metadata: ["replica": "\(id)"])
    }

    @discardableResult
    public func collectTombstones() async throws -> Int {
        let removed = try await StoreThreads.write { try self.collectTombstones() }
        logger.notice("tombstones collected", metadata: ["removed": "\(removed)"])
        return removed
    }

    public func backup(to path: String) async throws {
        try await StoreThreads.read { try self.backup(to: path) }
        logger.notice("backup written", metadata: ["path": "\(path)"])
    }

    public func issueAPIToken(name: String, scope: APIScope) async throws -> (token: String, record: APIToken) {
        let issued = try await StoreThreads.write { () -> IssuedToken in
            let (token, record) = try self.issueAPIToken(name: name, scope: scope)
            return IssuedToken(token: token, record: record)
        }
        return (issued.token, issued.record)
    }

    public func authenticateAPIToken(_ token: String) async throws -> APIToken? {
        try await StoreThreads.read { try self.authenticateAPIToken(token) }
    }

    public func apiTokens() async throws -> [APIToken] {
        try await StoreThreads.read { try self.apiTokens() }
    }

    public func revokeAPIToken(id: String) async throws {
        try await StoreThreads.write { try self.revokeAPIToken(id: id) }
        logger.notice("API token revoked", metadata: ["token": "\(id)"])
    }
}

/// A tuple is not Sendable across the thread hop; this is.
private struct IssuedToken: Sendable {
    var token: String
    var record: APIToken
}
